"""The Python SHAP backend: exact Shapley values by the vectorised coalition engine
(:mod:`statlab.shap._coalitions`) and LinearSHAP in closed form. Each function has the signature
and result of its namesake in ``_backend_r``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from statlab.shap import _coalitions


def exact_values(
    f: Callable[[np.ndarray], Any],
    x_rows: np.ndarray,
    background_rows: np.ndarray,
    value: str,
    masks: np.ndarray,
    transforms: np.ndarray | None,
) -> tuple[np.ndarray, float]:
    """Shapley values (n x p) of ``f`` at the rows of ``x_rows`` and the value of the empty
    coalition, from v(S) over every coalition of ``masks``, imputed by ``transforms`` (the Gaussian
    conditional's T_S) or, when None, by the background rows (marginal and baseline values).

    >>> values, base = exact_values(lambda X: X[:, 0] * X[:, 1], np.array([[3.0, 1.0]]),
    ...                             np.array([[0.0, 0.0], [2.0, 2.0]]), "marginal",
    ...                             _coalitions.all_masks(2), None)
    >>> values.tolist(), base
    ([[1.5, -0.5]], 2.0)
    """
    coalition_values = _coalitions.coalition_values(f, x_rows, background_rows, masks, transforms)
    return _coalitions.shapley_from_values(coalition_values), float(coalition_values[0, 0])


def linear_values(
    coefficients: np.ndarray, x_rows: np.ndarray, reference_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """LinearSHAP values ``beta_j (x_j - r_j)`` and the reference r, the mean of
    ``reference_rows``.

    >>> values, reference = linear_values(np.array([1.0, -2.0]), np.array([[3.0, 1.0]]),
    ...                                   np.array([[1.0, 2.0]]))
    >>> values.tolist(), reference.tolist()
    ([[2.0, 2.0]], [1.0, 2.0])
    """
    reference = reference_rows.mean(axis=0)
    return (x_rows - reference) * coefficients, reference
