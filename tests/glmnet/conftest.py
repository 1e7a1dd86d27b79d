"""Data shared by the glmnet tests of families, offsets and multinomial fits."""

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


@pytest.fixture(scope="session")
def three_classes() -> tuple[np.ndarray, np.ndarray]:
    """150 x 6 predictors and labels "a", "b", "c" drawn from a multinomial logit."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(150, 6))
    B = np.array([[1, -0.5, 0], [0, 0.8, -0.6], [0, 0, 0], [0.3, 0, 0], [0, 0, 0], [0, 0, 0.5]])
    prob = np.exp(X @ B)
    prob /= prob.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(["a", "b", "c"], p=row) for row in prob])
    return X, y


@pytest.fixture(scope="session")
def three_responses() -> tuple[np.ndarray, np.ndarray]:
    """120 x 10 predictors (the first off-centre) and three correlated responses with different
    means and scales, from three active columns and a weak fourth."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(120, 10))
    X[:, 0] += 2.0
    B = np.zeros((10, 3))
    B[0], B[2], B[5] = [1.0, -0.5, 0.3], [0.4, 0.4, -0.8], [0.2, 0.0, 0.1]
    noise = rng.normal(size=(120, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0, 0, 2.0]])
    return X, X @ B + noise + [1.0, 2.0, 3.0]


@pytest.fixture(scope="session")
def survival_data() -> dict[str, np.ndarray]:
    """200 x 8 predictors (one with a large mean), weights, an offset and a censored survival
    response (time, status) from a proportional-hazards model: times in whole days up to a few
    hundred, so that many are tied, events with events and with censored times alike."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(200, 8))
    X[:, 3] += 50.0
    offset = rng.normal(0.0, 0.3, 200)
    eta = X[:, :4] @ [0.8, -0.6, 0.4, 0.2] - 10.0 + offset
    event_time = np.ceil(rng.exponential(1.0 / np.exp(eta - eta.mean())) * 100)
    censor_time = np.ceil(rng.exponential(150.0, 200))
    y = np.column_stack([np.minimum(event_time, censor_time), event_time <= censor_time])
    return {
        "X": X,
        "y": y.astype(float),
        "weights": rng.uniform(0.5, 2.0, 200),
        "offset": offset,
    }


@pytest.fixture(scope="session")
def counting_data(survival_data) -> dict[str, np.ndarray]:
    """survival_data's follow-up split at a whole day into (0, cut] (censored) and (cut, time]
    (with the row's status), as (start, stop, status) rows: the same partial likelihood. No row
    starts at or after the last event time. Also three strata of the original rows."""
    rng = np.random.default_rng(12)
    X, y = survival_data["X"], survival_data["y"]
    n = y.shape[0]
    cut = np.floor(y[:, 0] * rng.uniform(0.2, 0.9, n))
    split = (cut > 0) & (cut < y[y[:, 1] == 1, 0].max())
    first = np.column_stack([np.zeros(split.sum()), cut[split], np.zeros(split.sum())])
    rows = np.vstack([np.column_stack([np.zeros(n), y])[~split], first,
                      np.column_stack([cut[split], y[split]])])  # fmt: skip
    return {
        "X": np.vstack([X[~split], X[split], X[split]]),
        "y": rows,
        "strata": rng.integers(0, 3, n),
    }
