"""Data shared by the glmnet tests of families and offsets."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def family_data() -> dict[str, np.ndarray]:
    """150 x 8 predictors, an offset, and a response of each family drawn from one linear
    predictor (three active columns and a weak fourth; the offset enters it)."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(150, 8))
    X[:, 0] += 1.0
    offset = rng.normal(0.0, 0.3, 150)
    eta = 0.3 + X @ [0.4, -0.3, 0.2, 0, 0, 0.1, 0, 0] + offset
    return {
        "X": X,
        "offset": offset,
        "gaussian": eta + rng.normal(size=150),
        "binomial": (rng.uniform(size=150) < 1 / (1 + np.exp(-eta))).astype(int),
        "poisson": rng.poisson(np.exp(eta)),
        "multinomial": np.digitize(eta + rng.normal(size=150), [-0.3, 0.8]),
    }
