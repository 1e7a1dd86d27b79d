"""Small data sets for the tree tests: continuous features without ties."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    X = rng.uniform(-2, 2, size=(150, 4))
    y = (
        np.sin(2 * X[:, 0])
        + (X[:, 1] > 0.5) * 1.5
        + 0.3 * X[:, 2]
        + rng.normal(scale=0.4, size=150)
    )
    return X, y


@pytest.fixture(scope="session")
def class_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(12)
    X = rng.normal(size=(160, 5))
    score = X[:, 0] - 0.8 * X[:, 1] ** 2 + 0.5 * rng.normal(size=160)
    y = np.where(score > 0.3, "high", np.where(score > -1.2, "mid", "low"))
    return X, y
