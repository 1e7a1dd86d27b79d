"""Shared pieces of the glmnet kernels: glmnet.control()'s constants and the kernels' status
codes, the coordinate update (glmnet's soft-threshold, shrink and clip), the active-list entry, the
first lambda and the early stop of glmnet's own sequence, and the column primitives every solver
reads x through (dense column-major or CSC, centred and scaled implicitly).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from numba.extending import register_jitable

# glmnet.control()$pmin, which the entry checks against too
from statlab.glmnet._inputs import PROBABILITY_MIN as PROBABILITY_MIN

EARLY_STOP_MIN_STEPS = 5  # glmnet.control()$mnlam
EARLY_STOP_DEVMAX = 0.999  # glmnet.control()$devmax
BIG_LAMBDA = 9.9e35  # glmnet.control()$big: the path's first step, where every coefficient is 0
RIDGE_ALPHA_FLOOR = 1e-3  # glmnet divides lambda_max by max(alpha, 1e-3)
STATUS_OK = 0
STATUS_MAXIT = 1  # a step did not converge within max_passes; earlier steps returned
STATUS_PMAX = 2  # more than max_active variables became active; earlier steps returned
STATUS_MIN_VARIANCE = (
    3  # the grouped multinomial's largest p (1 - p) fell below 1e-6 (glmnet's eps)
)


class PathControl(NamedTuple):
    """glmnet's settings of a path, one argument to every path kernel (numba takes a NamedTuple of
    scalars and arrays as it takes them one by one). Lambdas and limits are in the standardised
    problem's units; each kernel's docstring says what it makes of them."""

    alpha: float  # the elastic-net mixing: alpha |b|_1 + (1 - alpha)/2 |b|^2
    lambdas: np.ndarray  # the sequence; with early_stop all after the first are filled in
    early_stop: bool  # glmnet's own sequence: lambda_max * lambda_factor^k, stopped early
    thresh: float  # convergence: the largest xv_j delta^2 of a pass below this
    max_passes: int  # glmnet's maxit: passes over the data, summed over the path
    penalty: np.ndarray  # the renormalised penalty factors
    lower: np.ndarray  # box limits of the coefficients
    upper: np.ndarray
    lambda_factor: float  # the ratio of successive lambdas of glmnet's own sequence
    max_active: int  # glmnet's pmax: variables ever active
    max_df: int  # glmnet's dfmax: non-zero coefficients before the path stops
    fdev: float  # the path stops when the deviance ratio gains less than this


_VECTORISE = {"reassoc", "contract", "nsz"}

# Functions only kernels call are compiled into their callers (numba's ``register_jitable``) for
# their arguments' non-literal types. As numba dispatchers they compiled once more for each
# literal a caller's type inference passed on the way (a counter first typed as the constant 0):
# three ``_active_passes`` and six ``_dense_gram_block`` for one ``gaussian_cov_path``.
_inner = register_jitable


@njit(cache=True, inline="always")
def _penalised_update(
    u: float, xv: float, l1: float, l2: float, penalty: float, low: float, high: float
) -> float:
    """glmnet's coordinate update: soft-threshold ``u`` at ``penalty * l1``, shrink by
    ``xv + penalty * l2`` and clip to the box [low, high] (0 stays 0)."""
    magnitude = abs(u) - penalty * l1
    if magnitude <= 0.0:
        return 0.0
    value = (magnitude if u > 0.0 else -magnitude) / (xv + penalty * l2)
    return max(low, min(high, value))


@njit(cache=True, inline="always")
def _shrunk_update(u: float, cut: float, inverse: float, low: float, high: float) -> float:
    """:func:`_penalised_update` with the lambda's threshold ``cut = penalty * l1`` and
    ``inverse = 1 / (xv + penalty * l2)`` worked out once per lambda: a multiplication where
    glmnet divides (the same at the lasso's ``xv = 1``, else within a unit in the last place),
    taking a division off each update's chain of dependent operations."""
    magnitude = abs(u) - cut
    if magnitude <= 0.0:
        return 0.0
    return max(low, min(high, (magnitude if u > 0.0 else -magnitude) * inverse))


@njit(cache=True, inline="always")
def _enter_active(
    j: int, in_active: np.ndarray, active: np.ndarray, n_active: int, max_active: int
) -> int:
    """The number of variables ever active once variable j has moved: j joins the list in order
    of entry if new; -1 if it would make one more than ``max_active`` (glmnet's ``pmax``), and
    then it does not join."""
    if in_active[j]:
        return n_active
    if n_active >= max_active:
        return -1
    in_active[j] = True
    active[n_active] = j
    return n_active + 1


@_inner
def _first_lambda_max(
    abs_grad: np.ndarray, usable: np.ndarray, penalty: np.ndarray, alpha: float
) -> float:
    """glmnet's largest lambda, from the gradient after the first ("infinite" lambda) step, which
    has fitted the unpenalised variables: max |g_j| / penalty_j over the penalised usable j."""
    largest = 0.0
    for j in range(abs_grad.shape[0]):
        if usable[j] and penalty[j] > 0.0:
            largest = max(largest, abs(abs_grad[j]) / penalty[j])
    return largest / max(alpha, RIDGE_ALPHA_FLOOR)


@_inner
def _stops_early(
    m: int, rsq: float, rsq_before: float, n_nonzero: int, max_df: int, fdev: float
) -> bool:
    """glmnet's early stop after the m-th stored step of its own sequence."""
    if m + 1 < EARLY_STOP_MIN_STEPS:
        return False
    change = np.inf if rsq == 0.0 else (rsq - rsq_before) / rsq
    return n_nonzero > max_df or change < fdev or rsq > EARLY_STOP_DEVMAX


# --- column primitives: dense (column-major) --------------------------------------------------------


@_inner(fastmath=_VECTORISE)
def _dense_centred_dot(column: np.ndarray, mean: float, v: np.ndarray) -> float:
    """sum_i (x_i - mean) v_i."""
    total = 0.0
    for i in range(column.shape[0]):
        total += (column[i] - mean) * v[i]
    return total


@_inner(fastmath=_VECTORISE)
def _sum(v: np.ndarray) -> float:
    """sum_i v_i (vectorised: the kernels calling it do not reassociate their own loops)."""
    total = 0.0
    for i in range(v.shape[0]):
        total += v[i]
    return total


@_inner(fastmath=_VECTORISE)
def _dense_centred_weighted_sq(column: np.ndarray, mean: float, v: np.ndarray) -> float:
    """sum_i v_i (x_i - mean)^2."""
    total = 0.0
    for i in range(column.shape[0]):
        d = column[i] - mean
        total += v[i] * d * d
    return total


@_inner(fastmath=_VECTORISE)
def _dense_centred_update(
    column: np.ndarray, mean: float, step: float, v: np.ndarray, out: np.ndarray
) -> None:
    """out_i -= step * v_i * (x_i - mean)."""
    for i in range(column.shape[0]):
        out[i] -= step * v[i] * (column[i] - mean)


@_inner(fastmath=_VECTORISE)
def _dense_centred_axpy(column: np.ndarray, mean: float, step: float, out: np.ndarray) -> None:
    """out_i -= step * (x_i - mean)."""
    for i in range(column.shape[0]):
        out[i] -= step * (column[i] - mean)


@njit(cache=True, inline="always")
def _naive_dense_update(
    column: np.ndarray,
    mean: float,
    step: float,
    w: np.ndarray,
    equal_weight: float,
    resid: np.ndarray,
) -> None:
    """The weighted residual after a coefficient moved by ``step`` (in x units); with equal
    weights (``equal_weight`` > 0) the weight vector is not read."""
    if equal_weight > 0.0:
        _dense_centred_axpy(column, mean, step * equal_weight, resid)
    else:
        _dense_centred_update(column, mean, step, w, resid)


@_inner(fastmath=_VECTORISE)
def _dense_irls_update(
    column: np.ndarray,
    mean: float,
    step: float,
    v: np.ndarray,
    resid: np.ndarray,
    eta: np.ndarray,
) -> None:
    """resid_i -= step * v_i * (x_i - mean); eta_i += step * (x_i - mean)."""
    for i in range(column.shape[0]):
        change = step * (column[i] - mean)
        resid[i] -= v[i] * change
        eta[i] += change


# --- column primitives: sparse (CSC) ---------------------------------------------------------------


@njit(cache=True, inline="always")
def _stored(indptr: np.ndarray, j: int) -> range:
    """The positions of column j's stored entries, as unsigned integers: indexing by them (and by
    unsigned row numbers) skips the negative-index handling, about a quarter of a gather's cost."""
    return range(np.uint64(indptr[j]), np.uint64(indptr[j + 1]))


@njit(cache=True, inline="always")
def _sparse_dot(
    indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, j: int, v: np.ndarray
) -> float:
    """sum over the stored entries of column j of x_ij v_i."""
    total = 0.0
    for t in _stored(indptr, j):
        total += values[t] * v[indices[t]]
    return total


# --- column primitives: either kind of x -----------------------------------------------------------


@njit(cache=True, inline="always")
def _centred_dot(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    mean: float,
    j: int,
    v: np.ndarray,
    v_sum: float,
) -> float:
    """sum_i (x_ij - mean) v_i; ``v_sum`` = sum_i v_i (sparse x reads only the stored entries)."""
    if sparse:
        return _sparse_dot(indptr, indices, values, j, v) - mean * v_sum
    return _dense_centred_dot(xd[:, j], mean, v)
