"""The linear-algebra helpers every GP module shares (argument checks are in ``statlab._validation``).

Covariance matrices that should be positive definite sometimes are not in floating point (a
lengthscale much longer than the data's span makes the RBF Gram matrix numerically rank one).
:func:`cholesky_with_jitter` then adds the smallest diagonal jitter that works and warns, instead
of failing; :func:`psd_square_root` samples from a positive *semi*-definite covariance exactly.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import scipy.linalg

_MAX_RELATIVE_JITTER = 1e-3


class JitterWarning(UserWarning):
    """A covariance matrix was not numerically positive definite and got diagonal jitter."""


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


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread: on 100 x 100 matrices threads only add overhead, and on a busy
    machine OpenBLAS's spinning threads make every factorisation many times slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
