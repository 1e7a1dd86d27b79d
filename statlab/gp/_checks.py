"""Argument checks and the two linear-algebra helpers every GP module shares.

Covariance matrices that should be positive definite sometimes are not in floating point (a
lengthscale much longer than the data's span makes the RBF Gram matrix numerically rank one).
:func:`cholesky_with_jitter` then adds the smallest diagonal jitter that works and warns, instead
of failing; :func:`psd_square_root` samples from a positive *semi*-definite covariance exactly.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg

_MAX_RELATIVE_JITTER = 1e-3


class JitterWarning(UserWarning):
    """A covariance matrix was not numerically positive definite and got diagonal jitter."""


def as_vector(values: Any, name: str) -> np.ndarray:
    """``values`` as a finite 1-d float array, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def as_xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Checked ``x`` and ``y`` of equal length."""
    x_array, y_array = as_vector(x, "x"), as_vector(y, "y")
    if x_array.size != y_array.size:
        raise ValueError(
            f"x and y must have the same length, got {x_array.size} and {y_array.size}"
        )
    return x_array, y_array


def positive(value: Any, name: str) -> float:
    """``value`` as a float that is finite and > 0, or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number


def positive_count(value: Any, name: str) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def cholesky_with_jitter(matrix: np.ndarray, what: str = "covariance matrix") -> np.ndarray:
    """Lower Cholesky factor of ``matrix``; adds growing diagonal jitter, with a warning, if needed.

    >>> cholesky_with_jitter(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    try:
        return scipy.linalg.cholesky(matrix, lower=True)
    except np.linalg.LinAlgError:
        pass
    scale = float(np.mean(np.abs(np.diag(matrix)))) or 1.0
    jitter = 1e-10 * scale
    while jitter <= _MAX_RELATIVE_JITTER * scale:
        try:
            factor = scipy.linalg.cholesky(matrix + jitter * np.eye(len(matrix)), lower=True)
        except np.linalg.LinAlgError:
            jitter *= 10
            continue
        warnings.warn(
            f"{what} is not numerically positive definite; added {jitter:.1e} to its diagonal",
            JitterWarning,
            stacklevel=3,
        )
        return factor
    raise np.linalg.LinAlgError(
        f"{what} is not positive definite even with {jitter / 10:.1e} added to its diagonal"
    )


def psd_square_root(covariance: np.ndarray, what: str = "covariance matrix") -> np.ndarray:
    """A matrix ``R`` with ``R @ R.T == covariance`` for a positive semi-definite ``covariance``.

    Uses the symmetric eigendecomposition, so rank-deficient matrices (a linear kernel's Gram
    matrix has rank one) need no jitter; clearly negative eigenvalues are clipped with a warning.

    >>> root = psd_square_root(np.array([[1.0, 1.0], [1.0, 1.0]]))
    >>> np.allclose(root @ root.T, [[1.0, 1.0], [1.0, 1.0]])
    True
    """
    eigenvalues, eigenvectors = scipy.linalg.eigh(covariance)
    tolerance = 1e-8 * max(float(np.max(np.abs(eigenvalues))), 1e-300)
    if eigenvalues.min() < -tolerance:
        warnings.warn(
            f"{what} has a negative eigenvalue {eigenvalues.min():.2e}; "
            "it was clipped to zero before sampling",
            JitterWarning,
            stacklevel=3,
        )
    return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))


def squared_distances(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """Matrix of ``(x1[i] - x2[j])**2``."""
    return np.subtract.outer(x1, x2) ** 2
