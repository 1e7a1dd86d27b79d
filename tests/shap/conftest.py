"""Shared SHAP test data: a correlated background and a model with interactions."""

from __future__ import annotations

import numpy as np
import pytest


def _interacting_model(X: np.ndarray) -> np.ndarray:
    return np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2 - X[:, 0] * X[:, 3]


@pytest.fixture
def interacting_model():
    """A model non-additive in several feature pairs and quadratic in the fourth feature."""
    return _interacting_model


@pytest.fixture
def background() -> np.ndarray:
    rng = np.random.default_rng(12)
    mixing = np.array(
        [[1.0, 0.6, 0.0, 0.2], [0.0, 1.0, 0.4, 0.0], [0.0, 0.0, 1.0, 0.3], [0.0, 0.0, 0.0, 1.0]]
    )
    return rng.normal(size=(40, 4)) @ mixing + np.array([0.5, -1.0, 0.0, 2.0])


@pytest.fixture
def explained() -> np.ndarray:
    return np.array([[1.0, 0.5, -1.5, 2.5], [-0.3, 2.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
