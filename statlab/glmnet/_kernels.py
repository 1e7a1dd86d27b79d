"""Compiled coordinate-descent kernels reproducing R glmnet 4.1-6's path algorithms.

No maintained Python package runs glmnet's algorithm on current NumPy/SciPy (glmnet-py fails at import,
python-glmnet needs numpy.distutils), and scikit-learn's coordinate descent is 30-145x slower than R on
the course's problems, so the algorithm is written here and compiled with numba:

* Gaussian, ``covariance`` (R's ``type.gaussian = "covariance"``): covariance updates of the gradient
  through Gram rows of the variables ever active, pass for pass as glmnet's C++ core: full passes over
  all columns, passes over the active set in between, the same convergence rule (largest
  ``xv_j * delta^2`` below ``thresh``), pass counting (``maxit``) and early stopping of the path.
  The rows come from a sweep of x per variable entering, or from rows computed beforehand
  (cross-validation's fits share one BLAS product of x with the columns their paths reach).
* Gaussian, ``naive``: the residual is kept and each update takes one inner product with its column,
  with glmnet's sequential strong rule and KKT check, in glmnet's order. Both agree with R to rounding
  even at R's default ``thresh``, not only at the optimum.
* Binomial and Poisson: iteratively reweighted least squares around penalised coordinate descent,
  with an offset and the intercept unpenalised, a sequential strong-rule screen with a KKT check,
  glmnet's deviance-ratio early stopping and its probability bounds. As glmnet, ``thresh`` is
  scaled by the null deviance per unit weight, so at R's default ``thresh`` the passes are
  glmnet's and the path agrees with R to rounding.
* Multinomial, ungrouped (glmnet's default): as glmnet, penalised IRLS one class at a time (the
  other classes' linear predictors held), each variable's coefficients then shifted across classes
  to the penalty's favourite, from glmnet's intercept-only start and with its scaled ``thresh``:
  R's path to rounding. Grouped: as glmnet, IRLS on a quadratic approximation with one curvature
  for every class (twice the largest ``p (1 - p)``), the intercepts moved by its Newton step, then
  block coordinate descent with one block per variable across classes (the group norm
  soft-thresholded, box limits by glmnet's ``chkbnds``/``bnorm`` solve), its active-set passes,
  convergence measure and KKT check, each pass counting K towards ``maxit``: R's path to rounding,
  including where ``maxit`` stops it.
* Multi-response Gaussian (R's ``family = "mgaussian"``): naive updates of the K residuals with
  one block per variable across responses (the group norm soft-thresholded, box limits per
  response by ``chkbnds``), glmnet's strong rule on the gradient norms, KKT check, pass counting,
  scaled ``thresh`` and early stop on the residual sum of squares: R's path to rounding.
* Cox: glmnet's Fortran ``coxnet`` step for step: risk sets from its own quicksort (``psort7``,
  whose order of tied times decides where a censored time tied with an event falls when the
  nudge glmnet gives censored times is below their resolution), penalised IRLS with the diagonal
  of the Hessian as weights, strong-set and active-set passes, its scaled ``thresh``, KKT check
  and early stop, with its single-precision constants: R's path to rounding at the default
  ``thresh``. Also the partial-likelihood deviance and Harrell's concordance of cv.coxnet.
  For sparse x, (start, stop] data and strata R runs ``cox.path`` instead (driven from
  :mod:`statlab.glmnet._coxpath`): here its ``wls`` solver, ``coxgrad`` and
  ``coxnet.deviance3``.

Every solver takes glmnet's per-variable penalty factors, box limits, exclusions (as unusable
columns), ``dfmax``/``pmax`` and computes its own lambda sequence from the gradient after the
first ("infinite" lambda) step, as glmnet does when some variables are unpenalised.

Data are never copied or standardised up front. ``x`` is either a column-major dense matrix or a CSC
matrix (``indptr``, ``indices``, ``values``); every kernel reads whole columns only, and centres and
scales implicitly with the weighted column means ``xm`` and scales ``xs``, as glmnet does for sparse
``x``. Rows of weight zero take no part in a fit, so a cross-validation fold is the full ``x`` with the
held-out rows' weights set to zero, and no fold copies dense ``x``. The sparse naive solver, whose
passes are all gathers, keeps its own copy of the stored entries of the fit's rows divided by their
column's scale (no per-column arithmetic in a pass, no held-out entries read), and every sparse loop
indexes with unsigned integers (no negative-index handling: a quarter of a gather's cost). The dense
inner loops are compiled with reassociation allowed so that they vectorise (deterministic for a
given machine).

Kernels compile on first call (never at import) and are cached on disk by numba (``cache=True``);
``statlab compile`` (:func:`statlab.glmnet.compile_kernels`) fills that cache ahead of use. Each
compiles one signature: the backend normalises their inputs (float64, column-major x, CSC arrays
with unsigned row numbers, contiguous vectors, the user's data read-only; one kernel for dense and
sparse x where the branch is outside the inner loops).
Lambdas are in the standardised problem's units. A path of glmnet's own starts at ``BIG_LAMBDA`` (its
"lambda = infinity") and stops early (``early_stop``); a user-supplied sequence is solved in full.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numba.core.dispatcher import Dispatcher
from numba.extending import register_jitable

EARLY_STOP_MIN_STEPS = 5  # glmnet.control()$mnlam
EARLY_STOP_DEVMAX = 0.999  # glmnet.control()$devmax
PROBABILITY_MIN = 1e-9  # glmnet.control()$pmin
BIG_LAMBDA = 9.9e35  # glmnet.control()$big: the path's first step, where every coefficient is 0
RIDGE_ALPHA_FLOOR = 1e-3  # glmnet divides lambda_max by max(alpha, 1e-3)
STATUS_OK = 0
STATUS_MAXIT = 1  # a step did not converge within max_passes; earlier steps returned
STATUS_PMAX = 2  # more than max_active variables became active; earlier steps returned
STATUS_MIN_VARIANCE = (
    3  # the grouped multinomial's largest p (1 - p) fell below 1e-6 (glmnet's eps)
)

_VECTORISE = {"reassoc", "contract", "nsz"}

# Functions only kernels call are compiled into their callers (numba's ``register_jitable``) for
# their arguments' non-literal types. As numba dispatchers they compiled once more for each
# literal a caller's type inference passed on the way (a counter first typed as the constant 0):
# three ``_active_passes`` and six ``_dense_gram_block`` for one ``gaussian_cov_path``.
_inner = register_jitable


def dispatchers() -> dict[str, Any]:
    """The kernels Python calls (numba dispatchers, cached on disk; not those inlined into their
    callers), by name. A kernel has ``signatures`` once called (compiled or loaded from the cache),
    and its ``stats`` count cache hits and misses."""
    return {
        name: value
        for name, value in globals().items()
        if isinstance(value, Dispatcher) and value.targetoptions.get("inline", "never") == "never"
    }


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


@njit(cache=True, inline="always")
def _centred_add(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    mean: float,
    j: int,
    step: float,
    out: np.ndarray,
) -> None:
    """out_i += step * (x_ij - mean) for every row."""
    if sparse:
        for t in _stored(indptr, j):
            out[indices[t]] += step * values[t]
        shift = step * mean
        for i in range(out.shape[0]):
            out[i] -= shift
    else:
        column = xd[:, j]
        for i in range(out.shape[0]):
            out[i] += step * (column[i] - mean)


# --- column statistics -----------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def column_stats(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted means, weighted 1/N variances (``w`` sums to 1) and whether each column varies
    over the rows of positive weight (glmnet drops columns constant there)."""
    n = w.shape[0]
    p = indptr.shape[0] - 1 if sparse else xd.shape[1]
    mean = np.zeros(p)
    var = np.zeros(p)
    usable = np.zeros(p, dtype=np.bool_)
    n_positive = 0
    for i in range(n):
        if w[i] > 0.0:
            n_positive += 1
    for j in range(p):
        if sparse:
            m = 0.0
            sq = 0.0
            low = np.inf
            high = -np.inf
            count = 0
            for t in _stored(indptr, j):
                i = indices[t]
                if w[i] > 0.0:
                    value = values[t]
                    m += w[i] * value
                    sq += w[i] * value * value
                    low = min(low, value)
                    high = max(high, value)
                    count += 1
            if count < n_positive:
                low = min(low, 0.0)
                high = max(high, 0.0)
            mean[j] = m
            var[j] = sq - m * m
            usable[j] = high > low
        else:
            column = xd[:, j]
            m = 0.0
            for i in range(n):
                m += w[i] * column[i]
            mean[j] = m
            var[j] = _dense_centred_weighted_sq(column, m, w)
            low = np.inf
            high = -np.inf
            for i in range(n):
                if w[i] > 0.0:
                    low = min(low, column[i])
                    high = max(high, column[i])
            usable[j] = high > low
    return mean, var, usable


@njit(cache=True, nogil=True, fastmath=_VECTORISE)
def held_out_sums(
    xd: np.ndarray,
    rows: np.ndarray,
    w: np.ndarray,
    yc: np.ndarray,
    centre: np.ndarray,
    slots: np.ndarray,
    chunk: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    sums: np.ndarray,
    squares: np.ndarray,
    xy: np.ndarray,
) -> None:
    """One sweep of dense x's ``rows`` (a fold's held-out rows, weights ``w``, centred response
    ``yc``, both of those rows only): writes ``chunk[t, slots[j]] = sqrt(w_t) (x[rows[t], j] -
    centre_j)`` for the columns with a slot (>= 0; column-major, ready for a BLAS product) and,
    per column, the smallest and largest value over the rows of positive weight, ``sum w d``,
    ``sum w d^2`` and ``sum w yc d`` with ``d = x - centre``."""
    n_rows = rows.shape[0]
    root = np.sqrt(w)
    all_positive = True
    for t in range(n_rows):
        if w[t] <= 0.0:
            all_positive = False
    for j in range(centre.shape[0]):
        column = xd[:, j]
        mean = centre[j]
        slot = slots[j]
        low = np.inf
        high = -np.inf
        total = 0.0
        square = 0.0
        product = 0.0
        for t in range(n_rows):
            value = column[rows[t]]
            if all_positive or w[t] > 0.0:
                low = min(low, value)
                high = max(high, value)
            d = value - mean
            scaled = root[t] * d
            if slot >= 0:
                chunk[t, slot] = scaled
            total += w[t] * d
            square += scaled * scaled
            product += yc[t] * w[t] * d
        lows[j] = low
        highs[j] = high
        sums[j] = total
        squares[j] = square
        xy[j] = product


@njit(cache=True, nogil=True)
def centred_products(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    usable: np.ndarray,
    v: np.ndarray,
) -> np.ndarray:
    """``sum_i (x_ij - xm_j) v_i / xs_j`` for every usable column (0 for the others)."""
    p = xm.shape[0]
    out = np.zeros(p)
    v_sum = 0.0
    for i in range(v.shape[0]):
        v_sum += v[i]
    for j in range(p):
        if usable[j]:
            out[j] = _centred_dot(xd, indptr, indices, values, sparse, xm[j], j, v, v_sum) / xs[j]
    return out


# --- Gaussian: covariance updates ------------------------------------------------------------------


@_inner(fastmath=_VECTORISE)
def _dense_gram_block(
    xd: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    k: int,
    scratch: np.ndarray,
    columns: np.ndarray,
    count: int,
    gram: np.ndarray,
    row: int,
) -> None:
    """``gram[row, j] = sum_i (x_ij - xm_j) scratch_i / (xs_j xs_k)`` for the first ``count`` (up
    to 4) ``columns``, in one sweep of ``scratch`` (a third faster than one column at a time)."""
    if count < 4:
        for c in range(count):
            j = columns[c]
            gram[row, j] = _dense_centred_dot(xd[:, j], xm[j], scratch) / (xs[j] * xs[k])
        return
    a = xd[:, columns[0]]
    b = xd[:, columns[1]]
    c = xd[:, columns[2]]
    d = xd[:, columns[3]]
    ma = xm[columns[0]]
    mb = xm[columns[1]]
    mc = xm[columns[2]]
    md = xm[columns[3]]
    sa = 0.0
    sb = 0.0
    sc = 0.0
    sd = 0.0
    for i in range(scratch.shape[0]):
        v = scratch[i]
        sa += (a[i] - ma) * v
        sb += (b[i] - mb) * v
        sc += (c[i] - mc) * v
        sd += (d[i] - md) * v
    gram[row, columns[0]] = sa / (xs[columns[0]] * xs[k])
    gram[row, columns[1]] = sb / (xs[columns[1]] * xs[k])
    gram[row, columns[2]] = sc / (xs[columns[2]] * xs[k])
    gram[row, columns[3]] = sd / (xs[columns[3]] * xs[k])


@_inner
def _gram_row(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    slot: np.ndarray,
    gram: np.ndarray,
    row: int,
    k: int,
    scratch: np.ndarray,
    shared: np.ndarray,
    shared_rows: np.ndarray,
    shared_columns: np.ndarray,
) -> None:
    """Fill ``gram[row, j]`` = weighted covariance of standardised columns j and k (the Gram row of
    the variable k becoming active), copying the entries of variables already active; where
    ``shared_rows[k]`` >= 0, the row is read from that row of ``shared`` (computed beforehand),
    at the columns ``shared_columns`` gives (every usable variable has one)."""
    p = xm.shape[0]
    n = w.shape[0]
    if shared_rows[k] >= 0:
        shared_row = shared_rows[k]
        for j in range(p):
            if usable[j]:
                gram[row, j] = xv[j] if j == k else shared[shared_row, shared_columns[j]]
        return
    if sparse:
        for t in _stored(indptr, k):
            scratch[indices[t]] = w[indices[t]] * values[t]
    else:
        column = xd[:, k]
        for i in range(n):
            scratch[i] = w[i] * (column[i] - xm[k])
    pending = np.empty(4, dtype=np.int64)
    n_pending = 0
    for j in range(p):
        if not usable[j]:
            continue
        if j == k:
            gram[row, j] = xv[j]
        elif slot[j] >= 0:
            gram[row, j] = gram[slot[j], k]
        elif sparse:
            gram[row, j] = (_sparse_dot(indptr, indices, values, j, scratch) - xm[j] * xm[k]) / (
                xs[j] * xs[k]
            )
        else:
            # dense: the columns to compute are taken four at a time (one sweep of scratch)
            pending[n_pending] = j
            n_pending += 1
            if n_pending == 4:
                _dense_gram_block(xd, xm, xs, k, scratch, pending, 4, gram, row)
                n_pending = 0
    if n_pending > 0:
        _dense_gram_block(xd, xm, xs, k, scratch, pending, n_pending, gram, row)
    if sparse:
        for t in _stored(indptr, k):
            scratch[indices[t]] = 0.0


@_inner
def _copy_block(source: np.ndarray, target: np.ndarray, rows: int, columns: int) -> None:
    """``target[:rows, :columns] = source[:rows, :columns]``, without numba's slice assignment,
    whose shape-mismatch message compiles its string formatting (a second or more) per process."""
    for i in range(rows):
        for j in range(columns):
            target[i, j] = source[i, j]


PENDING_UPDATES = 4  # coordinate updates applied to the gradient together, in one sweep of it


@njit(cache=True, inline="always")
def _subtract_rows(
    grad: np.ndarray,
    gram: np.ndarray,
    rows: np.ndarray,
    deltas: np.ndarray,
    count: int,
    length: int,
) -> None:
    """``grad[:length] -= sum_c gram[rows[c], :length] * deltas[c]`` over the first ``count``
    (up to ``PENDING_UPDATES``) rows: one read and write of the gradient for four updates.
    ``rows`` and ``deltas`` are arrays or tuples."""
    if count == 4:
        r0, r1, r2, r3 = rows[0], rows[1], rows[2], rows[3]
        d0, d1, d2, d3 = deltas[0], deltas[1], deltas[2], deltas[3]
        for b in range(length):
            grad[b] -= gram[r0, b] * d0 + gram[r1, b] * d1 + gram[r2, b] * d2 + gram[r3, b] * d3
        return
    for c in range(count):
        r = rows[c]
        delta = deltas[c]
        for b in range(length):
            grad[b] -= gram[r, b] * delta


@njit(cache=True, inline="always")
def _four_visits(
    grads: tuple[float, float, float, float],
    rows: tuple[int, int, int, int],
    columns: tuple[int, int, int, int],
    gram: np.ndarray,
    coef: np.ndarray,
    xv: np.ndarray,
    cut: np.ndarray,
    inverse: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> tuple[
    tuple[float, float, float, float],
    tuple[float, float, float, float],
    tuple[float, float, float, float],
]:
    """glmnet's coordinate updates of the variables ``columns`` (indices of ``coef``, ``xv`` and
    the lambda's constants) in turn, from their gradients ``grads``, each corrected by the
    group's earlier changes through ``gram[rows[r], columns[q]]``; all in registers, where
    glmnet's sweep after each change makes the next visit wait on memory. Returns the new
    coefficients, their changes and the gradients they came from; nothing is written."""
    k0, k1, k2, k3 = columns
    r0, r1, r2, _ = rows
    g0 = grads[0]
    n0 = _shrunk_update(g0 + coef[k0] * xv[k0], cut[k0], inverse[k0], lower[k0], upper[k0])
    d0 = n0 - coef[k0]
    g1 = grads[1] - gram[r0, k1] * d0
    n1 = _shrunk_update(g1 + coef[k1] * xv[k1], cut[k1], inverse[k1], lower[k1], upper[k1])
    d1 = n1 - coef[k1]
    g2 = grads[2] - gram[r0, k2] * d0 - gram[r1, k2] * d1
    n2 = _shrunk_update(g2 + coef[k2] * xv[k2], cut[k2], inverse[k2], lower[k2], upper[k2])
    d2 = n2 - coef[k2]
    g3 = grads[3] - gram[r0, k3] * d0 - gram[r1, k3] * d1 - gram[r2, k3] * d2
    n3 = _shrunk_update(g3 + coef[k3] * xv[k3], cut[k3], inverse[k3], lower[k3], upper[k3])
    d3 = n3 - coef[k3]
    return (n0, n1, n2, n3), (d0, d1, d2, d3), (g0, g1, g2, g3)


@njit(cache=True, inline="always")
def _fit_gain(delta: float, g: float, xv: float) -> float:
    """The rise in R^2 when a coefficient with gradient ``g`` moves by ``delta``."""
    return delta * (2.0 * g - delta * xv)


@_inner
def _active_passes(
    gram: np.ndarray,
    grad: np.ndarray,
    coef: np.ndarray,
    xv: np.ndarray,
    cut: np.ndarray,
    inverse: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    n_active: int,
    thresh: float,
    passes: int,
    max_passes: int,
    rsq: float,
) -> tuple[int, bool, float]:
    """glmnet's passes over the active set of the covariance solver, on arrays in active order
    (``gram[a, b]``, the covariance of the a-th and b-th active variables): passes until the
    largest ``xv * delta^2`` is below ``thresh`` or ``passes`` exceeds ``max_passes``. Returns
    (passes, converged, R^2). The variables are visited in order, four at a time
    (:func:`_four_visits`), the four changes then reaching every gradient in one sweep."""
    while True:
        passes += 1
        largest_change = 0.0
        start = 0
        while start + 4 <= n_active:
            group = (start, start + 1, start + 2, start + 3)
            a0, a1, a2, a3 = group
            news, (d0, d1, d2, d3), (g0, g1, g2, g3) = _four_visits(
                (grad[a0], grad[a1], grad[a2], grad[a3]), group, group, gram, coef, xv, cut,
                inverse, lower, upper,
            )  # fmt: skip
            coef[a0], coef[a1], coef[a2], coef[a3] = news
            if d0 != 0.0 or d1 != 0.0 or d2 != 0.0 or d3 != 0.0:
                rsq += _fit_gain(d0, g0, xv[a0])
                rsq += _fit_gain(d1, g1, xv[a1])
                rsq += _fit_gain(d2, g2, xv[a2])
                rsq += _fit_gain(d3, g3, xv[a3])
                largest_change = max(
                    largest_change,
                    xv[a0] * d0 * d0, xv[a1] * d1 * d1, xv[a2] * d2 * d2, xv[a3] * d3 * d3,
                )  # fmt: skip
                _subtract_rows(grad, gram, group, (d0, d1, d2, d3), 4, n_active)
            start += 4
        for a in range(start, n_active):  # the last one to three, one at a time
            g = grad[a]
            old = coef[a]
            new = _shrunk_update(g + old * xv[a], cut[a], inverse[a], lower[a], upper[a])
            if new == old:
                continue
            delta = new - old
            coef[a] = new
            rsq += _fit_gain(delta, g, xv[a])
            largest_change = max(largest_change, xv[a] * delta * delta)
            for b in range(n_active):
                grad[b] -= gram[a, b] * delta
        if largest_change < thresh:
            return passes, True, rsq
        if passes > max_passes:
            return passes, False, rsq


@njit(cache=True, nogil=True)
def gaussian_cov_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    grad0: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
    shared: np.ndarray,
    shared_rows: np.ndarray,
    shared_columns: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for a Gaussian response by covariance updates, step for step as glmnet's
    covariance solver: full passes over every usable coefficient until the largest
    ``xv_k * delta^2`` is below ``thresh``, with passes over the active set in between (and first,
    once any were needed), the gradient kept by covariance updates.

    Solves, for each lambda, ``min 1/2 sum w (yz - xz b)^2 + lam (alpha |b|_1 + (1-alpha)/2 |b|^2)``
    with ``xz`` the implicitly standardised x, ``w`` summing to 1 and ``yz`` centred with unit
    weighted variance; ``grad0`` is ``xz' (w yz)``.

    glmnet's options: variable j's penalty is scaled by ``penalty[j]`` (renormalised penalty
    factors) and its coefficient kept in [``lower[j]``, ``upper[j]``] (standardised units). With
    ``early_stop`` (glmnet's own sequence) the lambdas after the first are filled in here, from
    the gradient once the unpenalised variables are fitted, ``lambda_max * lambda_factor^k``;
    the path then stops when more than ``max_df`` coefficients are non-zero, the relative R^2 gain
    is below ``fdev`` or R^2 exceeds 0.999. More than ``max_active`` variables ever active stops
    the path before that step (``STATUS_PMAX``). The Gram row of a variable k with
    ``shared_rows[k]`` >= 0 is read from that row of ``shared`` (the covariances of the
    standardised columns under ``w``, at the columns ``shared_columns`` gives every usable
    variable) instead of being computed from ``x``.
    Returns (coefficients p x L, R^2 per step, number of steps stored, total passes, status); the
    number of passes exceeds ``max_passes`` when a step did not converge (that step is not stored).
    """
    n = w.shape[0]
    p = xm.shape[0]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, n_lambda))
    rsq_path = np.zeros(n_lambda)
    capacity = min(p, 64)
    gram = np.zeros((capacity, p))  # gram[a, :] = covariances of the a-th variable to become active
    # the same among the active variables, in their order (gram_active[a, b] = gram[a, active[b]]),
    # and their gradients in the active passes: contiguous rows, so those updates vectorise
    gram_active = np.zeros((capacity, capacity))
    grad_active = np.zeros(p)
    coef_active = np.zeros(p)
    xv_active = np.zeros(p)
    cut_active = np.zeros(p)
    inverse_active = np.zeros(p)
    lower_active = np.zeros(p)
    upper_active = np.zeros(p)
    slot = np.full(p, -1)  # position of each variable in the active list, -1 if never active
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    coef = np.zeros(p)
    grad = grad0.copy()
    coef_before = np.zeros(p)
    scratch = np.zeros(n)
    # coordinate updates not yet applied to the gradient (Gram row, change): four are applied
    # together, up to three more wait from a group of four visits
    pending = np.empty(2 * PENDING_UPDATES, dtype=np.int64)
    pending_delta = np.empty(2 * PENDING_UPDATES)
    listed = np.flatnonzero(usable)
    n_usable = listed.shape[0]
    cut = np.zeros(p)  # this lambda's threshold and shrinkage per variable (_shrunk_update)
    inverse = np.zeros(p)
    rsq = 0.0
    passes = 0
    warm = False
    n_stored = 0
    status = STATUS_OK
    for m in range(n_lambda):
        if early_stop and m >= 1:
            if m == 1:
                lambdas[1] = _first_lambda_max(grad, usable, penalty, alpha) * lambda_factor
            else:
                lambdas[m] = lambdas[m - 1] * lambda_factor
        lam = lambdas[m]
        for k in range(p):
            if usable[k]:
                cut[k] = penalty[k] * alpha * lam
                inverse[k] = 1.0 / (xv[k] + penalty[k] * (1.0 - alpha) * lam)
        rsq_before = rsq
        converged = True
        while True:
            if warm:
                # passes over the active set only, on its own contiguous copies
                for a in range(n_active):
                    k = active[a]
                    grad_active[a] = grad[k]
                    coef_active[a] = coef[k]
                    coef_before[a] = coef[k]
                    xv_active[a] = xv[k]
                    cut_active[a] = cut[k]
                    inverse_active[a] = inverse[k]
                    lower_active[a] = lower[k]
                    upper_active[a] = upper[k]
                passes, converged, rsq = _active_passes(
                    gram_active, grad_active, coef_active, xv_active, cut_active, inverse_active,
                    lower_active, upper_active, n_active, thresh, passes, max_passes, rsq,
                )  # fmt: skip
                for a in range(n_active):
                    coef[active[a]] = coef_active[a]
                    grad[active[a]] = grad_active[a]
                if not converged:
                    break
                for a in range(n_active):
                    coef_before[a] -= coef[active[a]]
                for j in range(p):
                    if usable[j] and slot[j] < 0:
                        total = 0.0
                        for a in range(n_active):
                            total += coef_before[a] * gram[a, j]
                        grad[j] += total
            # a full pass over every usable variable, in order, four at a time as long as none
            # of the four becomes active (a variable becoming active needs its Gram row before
            # the next visit); changes reach the gradients four at a time
            passes += 1
            largest_change = 0.0
            n_pending = 0
            start = 0
            while start < n_usable:
                count = min(4, n_usable - start)
                if count == 4:
                    k0, k1, k2, k3 = (
                        listed[start],
                        listed[start + 1],
                        listed[start + 2],
                        listed[start + 3],
                    )
                    g0, g1, g2, g3 = grad[k0], grad[k1], grad[k2], grad[k3]
                    for q in range(n_pending):
                        row, change = pending[q], pending_delta[q]
                        g0 -= gram[row, k0] * change
                        g1 -= gram[row, k1] * change
                        g2 -= gram[row, k2] * change
                        g3 -= gram[row, k3] * change
                    # a variable not yet active has no Gram row: row 0 stands in (times a zero
                    # change), or the group is visited again one at a time below
                    rows = (max(slot[k0], 0), max(slot[k1], 0), max(slot[k2], 0), max(slot[k3], 0))
                    news, (d0, d1, d2, d3), (g0, g1, g2, g3) = _four_visits(
                        (g0, g1, g2, g3), rows, (k0, k1, k2, k3), gram, coef, xv, cut, inverse,
                        lower, upper,
                    )  # fmt: skip
                    if (
                        (d0 == 0.0 or slot[k0] >= 0)
                        and (d1 == 0.0 or slot[k1] >= 0)
                        and (d2 == 0.0 or slot[k2] >= 0)
                        and (d3 == 0.0 or slot[k3] >= 0)
                    ):
                        coef[k0], coef[k1], coef[k2], coef[k3] = news
                        for k, delta, g in ((k0, d0, g0), (k1, d1, g1), (k2, d2, g2), (k3, d3, g3)):
                            if delta != 0.0:
                                largest_change = max(largest_change, xv[k] * delta * delta)
                                rsq += _fit_gain(delta, g, xv[k])
                                pending[n_pending] = slot[k]
                                pending_delta[n_pending] = delta
                                n_pending += 1
                        if n_pending >= PENDING_UPDATES:
                            _subtract_rows(grad, gram, pending, pending_delta, PENDING_UPDATES, p)
                            for q in range(PENDING_UPDATES, n_pending):
                                pending[q - PENDING_UPDATES] = pending[q]
                                pending_delta[q - PENDING_UPDATES] = pending_delta[q]
                            n_pending -= PENDING_UPDATES
                        start += 4
                        continue
                for k in listed[start : start + count]:
                    g = grad[k]
                    for q in range(n_pending):
                        g -= gram[pending[q], k] * pending_delta[q]
                    old = coef[k]
                    new = _shrunk_update(g + old * xv[k], cut[k], inverse[k], lower[k], upper[k])
                    if new == old:
                        continue
                    if slot[k] < 0:
                        if n_active >= max_active:
                            status = STATUS_PMAX
                            break
                        if n_active == capacity:
                            capacity = min(p, 2 * capacity)
                            grown = np.zeros((capacity, p))
                            _copy_block(gram, grown, n_active, p)
                            gram = grown
                            grown_active = np.zeros((capacity, capacity))
                            _copy_block(gram_active, grown_active, n_active, n_active)
                            gram_active = grown_active
                        slot[k] = n_active
                        active[n_active] = k
                        _gram_row(
                            xd, indptr, indices, values, sparse, w, xm, xs, xv, usable, slot,
                            gram, n_active, k, scratch, shared, shared_rows, shared_columns,
                        )  # fmt: skip
                        for a in range(n_active + 1):
                            gram_active[a, n_active] = gram[a, k]
                            gram_active[n_active, a] = gram[n_active, active[a]]
                        n_active += 1
                    delta = new - old
                    coef[k] = new
                    largest_change = max(largest_change, xv[k] * delta * delta)
                    rsq += _fit_gain(delta, g, xv[k])
                    pending[n_pending] = slot[k]
                    pending_delta[n_pending] = delta
                    n_pending += 1
                    if n_pending == PENDING_UPDATES:
                        _subtract_rows(grad, gram, pending, pending_delta, n_pending, p)
                        n_pending = 0
                if status != STATUS_OK:
                    break
                start += count
            _subtract_rows(grad, gram, pending, pending_delta, n_pending, p)
            if status != STATUS_OK:
                converged = False
                break
            if largest_change < thresh:
                break
            if passes > max_passes:
                converged = False
                break
            warm = True
        if not converged:
            break
        for j in range(p):  # not beta[:, m] = coef: see _copy_block
            beta[j, m] = coef[j]
        rsq_path[m] = rsq
        n_stored = m + 1
        if early_stop:
            n_nonzero = 0
            for a in range(n_active):
                if coef[active[a]] != 0.0:
                    n_nonzero += 1
            if _stops_early(m, rsq, rsq_before, n_nonzero, max_df, fdev):
                break
    if passes > max_passes:
        status = STATUS_MAXIT
    return beta, rsq_path, n_stored, passes, status


# --- Gaussian: naive updates -----------------------------------------------------------------------


@njit(cache=True, inline="always")
def _naive_gradient(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    dot_values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    resid: np.ndarray,
    weight: float,
    offset: float,
    k: int,
) -> float:
    """<xz_k, w r>. Dense x: ``resid`` is the weighted residual w r. Sparse x: ``resid`` is the
    residual less ``offset`` (glmnet's mean-shift correction), unweighted, as in glmnet; the stored
    entries ``dot_values`` times ``weight`` are those of xz times their row's weight and ``xm`` holds
    the standardised means (see :func:`_naive_sparse_entries`)."""
    if sparse:
        return weight * _sparse_dot(indptr, indices, dot_values, k, resid) + offset * xm[k]
    return _dense_centred_dot(xd[:, k], xm[k], resid) / xs[k]


@njit(cache=True, inline="always")
def _naive_residual_update(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    scaled_values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    w: np.ndarray,
    equal_weight: float,
    resid: np.ndarray,
    delta: float,
    k: int,
) -> float:
    """The residual after coefficient k moved by ``delta`` (standardised units); returns the change
    of the sparse mean-shift correction (0 for dense x, whose residual is updated in full)."""
    if sparse:
        for t in _stored(indptr, k):
            resid[indices[t]] -= delta * scaled_values[t]
        return delta * xm[k]
    _naive_dense_update(xd[:, k], xm[k], delta / xs[k], w, equal_weight, resid)
    return 0.0


@_inner
def _naive_sparse_entries(
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    w: np.ndarray,
    xs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """The stored entries the sparse naive solver reads: those of rows of positive weight only (a
    fold's held-out rows drop out; row numbers are kept), each divided by its column's scale, so
    that a gradient or residual update is one sweep of a column with no per-column arithmetic.
    Returns (indptr, indices, scaled values, the values the gradient takes, their common weight):
    with equal positive weights the gradient's values are the scaled values themselves and the
    weight is that common weight, else each is times its row's weight and the weight is 1."""
    kept = 0
    common = 0.0
    for i in range(w.shape[0]):
        if w[i] > 0.0:
            if common == 0.0:
                common = w[i]
            elif w[i] != common:
                common = -1.0
    for t in range(indices.shape[0]):
        if w[indices[t]] > 0.0:
            kept += 1
    kept_indptr = np.empty_like(indptr)
    kept_indices = np.empty(kept, dtype=indices.dtype)
    scaled = np.empty(kept)
    kept_indptr[0] = 0
    position = 0
    for j in range(indptr.shape[0] - 1):
        for t in _stored(indptr, j):
            if w[indices[t]] > 0.0:
                kept_indices[position] = indices[t]
                scaled[position] = values[t] / xs[j]
                position += 1
        kept_indptr[j + 1] = position
    if common > 0.0:
        return kept_indptr, kept_indices, scaled, scaled, common
    weighted = np.empty(kept)
    for t in range(kept):
        weighted[t] = w[kept_indices[t]] * scaled[t]
    return kept_indptr, kept_indices, scaled, weighted, 1.0


@njit(cache=True, inline="always")
def _gaussian_naive_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    yz: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    abs_grad0: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for a Gaussian response by naive updates (R's ``type.gaussian = "naive"``),
    step for step as glmnet's naive solver.

    Per lambda: the strong set grows by glmnet's sequential rule (``|grad_j| > alpha (2 lam -
    lam_prev)``); passes over the active set (once any were needed), then full passes over the strong
    set until the largest ``xv_k * delta^2`` is below ``thresh`` and no variable outside the strong
    set violates the KKT condition (both thresholds scaled by ``penalty[j]``). Same problem,
    options, arguments and returns as :func:`gaussian_cov_path`; ``abs_grad0`` is
    ``|xz' (w yz)|``.
    """
    p = xm.shape[0]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, n_lambda))
    rsq_path = np.zeros(n_lambda)
    equal_weight = w[0]
    for i in range(w.shape[0]):
        if w[i] != equal_weight:
            equal_weight = 0.0
            break
    if sparse:
        indptr, indices, values, dot_values, weight = _naive_sparse_entries(
            indptr, indices, values, w, xs
        )
        xm = xm / xs
        resid = yz.copy()
    else:
        resid = w * yz
        dot_values = values
        weight = 1.0
    offset = 0.0
    abs_grad = abs_grad0.copy()
    strong = np.zeros(p, dtype=np.bool_)
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    coef = np.zeros(p)
    rsq = 0.0
    passes = 0
    warm = False
    failed = False
    status = STATUS_OK
    n_stored = 0
    previous = 0.0
    for m in range(n_lambda):
        if early_stop and m >= 1:
            if m == 1:
                previous = _first_lambda_max(abs_grad, usable, penalty, alpha)
                lambdas[1] = previous * lambda_factor
            else:
                lambdas[m] = lambdas[m - 1] * lambda_factor
        lam = lambdas[m]
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        rsq_before = rsq
        strong_cut = alpha * (2.0 * lam - previous)
        for j in range(p):
            if usable[j] and not strong[j] and abs_grad[j] > strong_cut * penalty[j]:
                strong[j] = True
        need_partial = warm
        while True:
            if need_partial:
                warm = True
                while True:
                    passes += 1
                    largest_change = 0.0
                    for a in range(n_active):
                        k = active[a]
                        g = _naive_gradient(
                            xd,
                            indptr,
                            indices,
                            dot_values,
                            sparse,
                            xm,
                            xs,
                            resid,
                            weight,
                            offset,
                            k,
                        )
                        old = coef[k]
                        new = _penalised_update(
                            g + old * xv[k], xv[k], l1, l2, penalty[k], lower[k], upper[k]
                        )
                        if new == old:
                            continue
                        delta = new - old
                        coef[k] = new
                        largest_change = max(largest_change, xv[k] * delta * delta)
                        rsq += delta * (2.0 * g - delta * xv[k])
                        offset += _naive_residual_update(
                            xd, indptr, indices, values, sparse, xm, xs, w, equal_weight, resid,
                            delta, k,
                        )  # fmt: skip
                    if largest_change < thresh:
                        break
                    if passes > max_passes:
                        failed = True
                        break
                if failed:
                    break
            # full passes over the strong set until converged with the KKT conditions met
            kkt_met = False
            while True:
                if passes > max_passes:
                    failed = True
                    break
                passes += 1
                largest_change = 0.0
                for k in range(p):
                    if not strong[k]:
                        continue
                    g = _naive_gradient(
                        xd, indptr, indices, dot_values, sparse, xm, xs, resid, weight, offset, k
                    )
                    old = coef[k]
                    new = _penalised_update(
                        g + old * xv[k], xv[k], l1, l2, penalty[k], lower[k], upper[k]
                    )
                    if new == old:
                        continue
                    entered = _enter_active(k, in_active, active, n_active, max_active)
                    if entered < 0:
                        status = STATUS_PMAX
                        break
                    n_active = entered
                    delta = new - old
                    coef[k] = new
                    largest_change = max(largest_change, xv[k] * delta * delta)
                    rsq += delta * (2.0 * g - delta * xv[k])
                    offset += _naive_residual_update(
                        xd,
                        indptr,
                        indices,
                        values,
                        sparse,
                        xm,
                        xs,
                        w,
                        equal_weight,
                        resid,
                        delta,
                        k,
                    )
                if status != STATUS_OK:
                    failed = True
                    break
                if largest_change >= thresh:
                    if passes > max_passes:
                        failed = True
                    break
                violated = False
                for j in range(p):
                    if usable[j] and not strong[j]:
                        g = _naive_gradient(
                            xd,
                            indptr,
                            indices,
                            dot_values,
                            sparse,
                            xm,
                            xs,
                            resid,
                            weight,
                            offset,
                            j,
                        )
                        abs_grad[j] = abs(g)
                        if abs_grad[j] > l1 * penalty[j]:
                            strong[j] = True
                            violated = True
                if not violated:
                    kkt_met = True
                    break
            if failed or kkt_met:
                break
            need_partial = True
        if failed:
            break
        for j in range(p):  # not beta[:, m] = coef: see _copy_block
            beta[j, m] = coef[j]
        rsq_path[m] = rsq
        n_stored = m + 1
        previous = lam
        if early_stop:
            n_nonzero = 0
            for a in range(n_active):
                if coef[active[a]] != 0.0:
                    n_nonzero += 1
            if _stops_early(m, rsq, rsq_before, n_nonzero, max_df, fdev):
                break
    if failed and status == STATUS_OK:
        passes = max(passes, max_passes + 1)
        status = STATUS_MAXIT
    return beta, rsq_path, n_stored, passes, status


# one compiled kernel per kind of x, so that neither carries the other's branches in its loops
@njit(cache=True, nogil=True)
def _gaussian_naive_path_sparse(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    w: np.ndarray,
    yz: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    abs_grad0: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    return _gaussian_naive_path(
        xd,
        indptr,
        indices,
        values,
        True,
        w,
        yz,
        xm,
        xs,
        xv,
        usable,
        abs_grad0,
        alpha,
        lambdas,
        early_stop,
        thresh,
        max_passes,
        penalty,
        lower,
        upper,
        lambda_factor,
        max_active,
        max_df,
        fdev,
    )


@njit(cache=True, nogil=True)
def _gaussian_naive_path_dense(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    w: np.ndarray,
    yz: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    abs_grad0: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    return _gaussian_naive_path(
        xd,
        indptr,
        indices,
        values,
        False,
        w,
        yz,
        xm,
        xs,
        xv,
        usable,
        abs_grad0,
        alpha,
        lambdas,
        early_stop,
        thresh,
        max_passes,
        penalty,
        lower,
        upper,
        lambda_factor,
        max_active,
        max_df,
        fdev,
    )


def gaussian_naive_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    *path_args: object,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for a Gaussian response by naive updates: :func:`_gaussian_naive_path`
    compiled for sparse or for dense x."""
    kernel = _gaussian_naive_path_sparse if sparse else _gaussian_naive_path_dense
    return kernel(xd, indptr, indices, values, *path_args)


# --- binomial and Poisson --------------------------------------------------------------------------

BINOMIAL = 0
POISSON = 1


@njit(cache=True, inline="always")
def _mean(eta: float, family: int) -> float:
    """The fitted mean at linear predictor ``eta``: a probability, or a Poisson rate."""
    if family == POISSON:
        return np.exp(eta)
    return 1.0 / (1.0 + np.exp(-eta))


@_inner
def _deviance(y: np.ndarray, w: np.ndarray, eta: np.ndarray, family: int) -> float:
    """Twice the (w-weighted) negative log-likelihood ratio to the saturated model."""
    dev = 0.0
    for i in range(y.shape[0]):
        if w[i] == 0.0:
            continue
        if family == POISSON:
            mu = np.exp(eta[i])
            saturated = y[i] * np.log(y[i] / mu) if y[i] > 0.0 else 0.0
            dev += 2.0 * w[i] * (saturated - (y[i] - mu))
        else:
            prob = 1.0 / (1.0 + np.exp(-eta[i]))
            prob = min(max(prob, PROBABILITY_MIN), 1.0 - PROBABILITY_MIN)
            dev -= 2.0 * w[i] * (y[i] * np.log(prob) + (1.0 - y[i]) * np.log(1.0 - prob))
    return dev


@_inner
def _null_deviance_unit(null_dev: float) -> float:
    """What glmnet multiplies ``thresh`` by for the binomial, Poisson and multinomial families:
    the null model's deviance per unit weight, as glmnet counts it (half of ``null_dev``, twice
    the negative log-likelihood ratio with weights summing to 1), so the stopping rule is relative
    to how much there is to explain."""
    return 0.5 * null_dev


@_inner
def _null_intercept(y: np.ndarray, w: np.ndarray, offset: np.ndarray, family: int) -> float:
    """The intercept-only fit with the offset: closed form for Poisson, Newton's method for the
    logit (closed form without an offset)."""
    n = y.shape[0]
    ybar = 0.0
    offset_zero = True
    for i in range(n):
        ybar += w[i] * y[i]
        offset_zero = offset_zero and offset[i] == 0.0
    if family == POISSON:
        exposure = 0.0
        for i in range(n):
            exposure += w[i] * np.exp(offset[i])
        return np.log(ybar / exposure)
    a0 = np.log(ybar / (1.0 - ybar))
    if offset_zero:
        return a0
    for _ in range(100):
        score = 0.0
        information = 0.0
        for i in range(n):
            prob = 1.0 / (1.0 + np.exp(-(a0 + offset[i])))
            score += w[i] * (y[i] - prob)
            information += w[i] * prob * (1.0 - prob)
        step = score / information
        a0 += step
        if abs(step) < 1e-13 * (1.0 + abs(a0)):
            break
    return a0


@_inner
def _weighted_least_squares(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    v: np.ndarray,
    v_sum: float,
    resid: np.ndarray,
    eta: np.ndarray,
    coef: np.ndarray,
    a0: float,
    screened: np.ndarray,
    in_active: np.ndarray,
    active: np.ndarray,
    n_active: int,
    max_active: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    l1: float,
    l2: float,
    intercept: bool,
    thresh: float,
    max_passes: int,
    passes: int,
    xv: np.ndarray,
    vx: np.ndarray,
    refresh_xv: bool,
) -> tuple[float, int, int, int]:
    """One quadratic approximation of an IRLS fit (working weights ``v``, summing to
    ``v_sum``; ``resid`` the weighted working residual), solved as glmnet does: a full pass over
    the screened variables, then passes over the variables ever active until they settle, then a
    full pass again, the intercept updated after each pass. Fills ``xv``, the curvatures at ``v``
    (unless ``refresh_xv`` is False: glmnet's modified Newton keeps its fixed bound), and for sparse
    x ``vx = sum_i v_i x_ij``, for the screened variables and updates ``resid``, ``eta``, ``coef``
    and the active list in place; returns (intercept, passes, variables ever active, status)."""
    n = v.shape[0]
    p = xm.shape[0]
    status = STATUS_OK
    for j in range(p):
        if screened[j]:
            if sparse:
                vx[j] = _sparse_dot(indptr, indices, values, j, v)
                if refresh_xv:
                    sq = 0.0
                    for t in _stored(indptr, j):
                        sq += v[indices[t]] * values[t] * values[t]
                    xv[j] = (sq - 2.0 * xm[j] * vx[j] + xm[j] * xm[j] * v_sum) / (xs[j] * xs[j])
            elif refresh_xv:
                xv[j] = _dense_centred_weighted_sq(xd[:, j], xm[j], v) / (xs[j] * xs[j])
    partial = False
    while passes <= max_passes:
        passes += 1
        members = active[:n_active].copy() if partial else np.flatnonzero(screened)
        largest_change = 0.0
        resid_sum = _sum(resid) if sparse else 0.0  # read by the sparse gradients only
        eta_shift = 0.0
        resid_shift = 0.0  # sparse: the working residual is resid - v * resid_shift
        for j in members:
            if sparse:
                g = (
                    _sparse_dot(indptr, indices, values, j, resid)
                    - resid_shift * vx[j]
                    - xm[j] * (resid_sum - resid_shift * v_sum)
                ) / xs[j]
            else:
                g = _dense_centred_dot(xd[:, j], xm[j], resid) / xs[j]
            old = coef[j]
            new = _penalised_update(g + xv[j] * old, xv[j], l1, l2, penalty[j], lower[j], upper[j])
            if new == old:
                continue
            entered = _enter_active(j, in_active, active, n_active, max_active)
            if entered < 0:
                status = STATUS_PMAX
                break
            n_active = entered
            delta = new - old
            coef[j] = new
            largest_change = max(largest_change, xv[j] * delta * delta)
            step = delta / xs[j]
            if sparse:
                for t in _stored(indptr, j):
                    i = indices[t]
                    resid[i] -= step * v[i] * values[t]
                    eta[i] += step * values[t]
                resid_sum -= step * vx[j]
                resid_shift -= step * xm[j]
                eta_shift -= step * xm[j]
            else:
                _dense_irls_update(xd[:, j], xm[j], step, v, resid, eta)
        if sparse and (resid_shift != 0.0 or eta_shift != 0.0):
            for i in range(n):
                resid[i] -= v[i] * resid_shift
                eta[i] += eta_shift
        if status != STATUS_OK:
            break
        delta0 = _sum(resid) / v_sum if intercept else 0.0
        if delta0 != 0.0:
            a0 += delta0
            largest_change = max(largest_change, v_sum * delta0 * delta0)
            for i in range(n):
                resid[i] -= delta0 * v[i]
                eta[i] += delta0
        if largest_change < thresh:
            if not partial:
                break
            partial = False
        else:
            partial = True
    return a0, passes, n_active, status


@njit(cache=True, nogil=True)
def glm_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray,
    family: int,
    xm: np.ndarray,
    xs: np.ndarray,
    x_var: np.ndarray,
    usable: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    intercept: bool,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
    modified_newton: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int, float]:
    """Elastic-net path for a 0/1 (``family=BINOMIAL``) or count (``POISSON``) response by
    penalised IRLS.

    Solves ``min -sum w loglik(offset + a0 + xz b) + lam (alpha |b|_1 + (1-alpha)/2 |b|^2)`` with
    ``w`` summing to 1 and ``xz`` the implicitly standardised x. The options (``penalty`` ...
    ``fdev``) are those of :func:`gaussian_cov_path`; without ``intercept`` a0 stays 0 (the null
    model is then the offset alone). The first step ("infinite" lambda) fits the intercept and the
    unpenalised variables. The path stops early as glmnet's: binomial when the deviance ratio
    gains less than ``fdev``, Poisson when it gains less than ``10 fdev`` of itself over the last
    four steps. ``modified_newton`` (binomial; glmnet's ``type.logistic="modified.Newton"``)
    replaces each curvature ``sum_i v_i xz_ij^2`` by its bound ``x_var / 4`` (``x_var`` the
    weighted variances of the standardised columns, ``p (1 - p) <= 1/4``), fixed for the path.
    Returns (intercepts L, coefficients p x L, deviance ratio per step, steps stored, passes,
    status, null deviance).

    For sparse x the linear predictor and the working residual are kept without the centring terms,
    which are carried as scalars within a pass (``eta_shift``, ``resid_shift``) and folded in once
    per pass, so an update touches only the stored entries of its column.
    """
    n = w.shape[0]
    p = xm.shape[0]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, n_lambda))
    a0_path = np.zeros(n_lambda)
    dev_ratio = np.zeros(n_lambda)
    a0 = _null_intercept(y, w, offset, family) if intercept else 0.0
    coef = np.zeros(p)
    null_grad = np.zeros(p)
    status = STATUS_OK
    eta = offset + a0
    null_dev = _deviance(y, w, eta, family)
    thresh = thresh * _null_deviance_unit(null_dev)
    screened = np.zeros(p, dtype=np.bool_)
    prob = np.zeros(n)
    v = np.zeros(n)
    resid = np.zeros(n)
    xv = 0.25 * x_var if modified_newton else np.zeros(p)
    vx = np.zeros(p)  # sparse: sum_i v_i x_ij over the stored entries
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    passes = 0
    # glmnet's strong rule screens at alpha (2 lam - previous lam); before a user's first lambda
    # the previous one is 0, before its own sequence's "infinite" first step it is unbounded
    previous_lambda = BIG_LAMBDA if early_stop else 0.0
    n_stored = 0
    previous_ratio = 0.0
    for m in range(n_lambda):
        for i in range(n):
            resid[i] = w[i] * (y[i] - _mean(eta[i], family))
        grad = centred_products(xd, indptr, indices, values, sparse, xm, xs, usable, resid)
        if m == 0:
            null_grad = grad.copy()
        if early_stop and m >= 1:
            if m == 1:
                # glmnet keeps the gradient of variables screened at the first step from the null
                # model (with alpha = 0 that is all of them)
                for j in range(p):
                    if screened[j]:
                        grad[j] = null_grad[j]
                previous_lambda = _first_lambda_max(grad, usable, penalty, alpha)
                lambdas[1] = previous_lambda * lambda_factor
            else:
                lambdas[m] = lambdas[m - 1] * lambda_factor
        lam = lambdas[m]
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        strong_cut = alpha * (2.0 * lam - previous_lambda) if previous_lambda < BIG_LAMBDA else l1
        for j in range(p):
            if usable[j] and not screened[j] and abs(grad[j]) > strong_cut * penalty[j]:
                screened[j] = True
        while True:
            # quadratic approximation at the current fit
            v_sum = 0.0
            for i in range(n):
                if family == POISSON:
                    prob[i] = np.exp(eta[i])
                    v[i] = w[i] * prob[i]
                else:
                    prob[i] = 1.0 / (1.0 + np.exp(-eta[i]))
                    prob[i] = min(max(prob[i], PROBABILITY_MIN), 1.0 - PROBABILITY_MIN)
                    v[i] = w[i] * prob[i] * (1.0 - prob[i])
                resid[i] = w[i] * (y[i] - prob[i])
                v_sum += v[i]
            coef_before = coef.copy()
            a0_before = a0
            a0, passes, n_active, status = _weighted_least_squares(
                xd, indptr, indices, values, sparse, xm, xs, v, v_sum, resid, eta, coef, a0,
                screened, in_active, active, n_active, max_active, penalty, lower, upper, l1, l2,
                intercept, thresh, max_passes, passes, xv, vx, not modified_newton,
            )  # fmt: skip
            outer_change = v_sum * (a0 - a0_before) ** 2
            for j in range(p):
                outer_change = max(outer_change, xv[j] * (coef[j] - coef_before[j]) ** 2)
            if passes > max_passes or status != STATUS_OK:
                break
            if outer_change < thresh:
                # converged at this quadratic approximation: check the unscreened gradients
                violation = False
                for i in range(n):
                    resid[i] = w[i] * (y[i] - _mean(eta[i], family))
                grad = centred_products(
                    xd, indptr, indices, values, sparse, xm, xs, usable & ~screened, resid
                )
                for j in range(p):
                    if usable[j] and not screened[j] and abs(grad[j]) > l1 * penalty[j]:
                        screened[j] = True
                        violation = True
                if not violation:
                    break
        if status != STATUS_OK:
            break
        beta[:, m] = coef
        a0_path[m] = a0
        ratio = 1.0 - _deviance(y, w, eta, family) / null_dev
        dev_ratio[m] = ratio
        n_stored = m + 1
        previous_lambda = lam
        if passes > max_passes:
            status = STATUS_MAXIT
            break
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            n_nonzero = 0
            for j in range(p):
                if coef[j] != 0.0:
                    n_nonzero += 1
            if family == POISSON:  # glmnet's Poisson path uses 10 fdev
                earlier = dev_ratio[m - EARLY_STOP_MIN_STEPS + 1]
                gain = np.inf if ratio == 0.0 else (ratio - earlier) / (10.0 * ratio)
            else:
                gain = ratio - previous_ratio
            if n_nonzero > max_df or gain < fdev or ratio > EARLY_STOP_DEVMAX:
                break
        previous_ratio = ratio
    return a0_path, beta, dev_ratio, n_stored, passes, status, null_dev


# --- multinomial -----------------------------------------------------------------------------------


@_inner
def _softmax_rows(eta: np.ndarray, prob: np.ndarray) -> None:
    """prob[i] = softmax(eta[i]) row by row, stabilised by the row maximum."""
    n, k = eta.shape
    for i in range(n):
        top = eta[i, 0]
        for c in range(1, k):
            top = max(top, eta[i, c])
        total = 0.0
        for c in range(k):
            prob[i, c] = np.exp(eta[i, c] - top)
            total += prob[i, c]
        for c in range(k):
            prob[i, c] /= total


EXP_ROW_FLOOR = 1e-100  # a row's sum of exp(eta - top) below this is taken anew at its maximum


@njit(cache=True, inline="always")
def _exp_row(eta: np.ndarray, i: int, expo: np.ndarray, top: np.ndarray, total: np.ndarray) -> None:
    """Row ``i``'s ``expo = exp(eta - top)`` at ``top`` its largest ``eta``, and their sum."""
    k = eta.shape[1]
    top[i] = eta[i, 0]
    for c in range(1, k):
        top[i] = max(top[i], eta[i, c])
    total[i] = 0.0
    for c in range(k):
        expo[i, c] = np.exp(eta[i, c] - top[i])
        total[i] += expo[i, c]


@_inner
def _multinomial_deviance(y: np.ndarray, w: np.ndarray, eta: np.ndarray) -> float:
    """-2 sum_i w_i log p_{i, class of i} (probabilities bounded below as glmnet does)."""
    n, k = eta.shape
    prob = np.empty((n, k))
    _softmax_rows(eta, prob)
    dev = 0.0
    for i in range(n):
        if w[i] == 0.0:
            continue
        for c in range(k):
            if y[i, c] > 0.0:
                dev -= 2.0 * w[i] * y[i, c] * np.log(max(prob[i, c], PROBABILITY_MIN))
    return dev


@_inner
def _multinomial_refresh(
    eta: np.ndarray,
    w: np.ndarray,
    y: np.ndarray,
    prob: np.ndarray,
    resid: np.ndarray,
    resid_sum: np.ndarray,
) -> None:
    """The class probabilities at ``eta``, the weighted residuals w (y - prob) and their class
    sums."""
    _softmax_rows(eta, prob)
    n, k = eta.shape
    resid_sum[:] = 0.0
    for i in range(n):
        for c in range(k):
            resid[i, c] = w[i] * (y[i, c] - prob[i, c])
            resid_sum[c] += resid[i, c]


@njit(cache=True)
def class_shift(alpha: float, row: np.ndarray) -> float:
    """glmnet's ``elc``: the s minimising ``sum_k alpha |a_k - s| + (1 - alpha) / 2 (a_k - s)^2``
    over the class coefficients ``a`` of one variable (the median for alpha = 1, the mean for 0).
    Shifting a variable's coefficients in every class alike leaves the multinomial likelihood
    unchanged, so glmnet takes the shift its penalty favours."""
    n = row.shape[0]
    mean = row.mean()
    if alpha == 0.0 or n == 2:
        return mean
    ordered = np.sort(row)
    if ordered[0] == ordered[-1]:
        return row[0]
    median = ordered[n // 2] if n % 2 else 0.5 * (ordered[n // 2] + ordered[n // 2 - 1])
    if alpha == 1.0:
        return median
    low = min(mean, median)
    high = max(mean, median)
    k2 = 1  # glmnet's 1-based positions in the sorted coefficients
    while ordered[k2 - 1] <= low:
        k2 += 1
    k1 = k2 - 1
    while ordered[k2 - 1] < high:
        k2 += 1
    ratio = alpha / ((1.0 - alpha) * n)
    remaining = n - 2 * (k1 - 1)
    for position in range(k1, k2):
        remaining -= 2
        candidate = ratio * remaining + mean
        if ordered[position - 1] < candidate <= ordered[position]:
            return candidate
    best = ordered[k1 - 1]
    previous = best
    best_value = 2.0 * ratio * np.abs(row - previous).sum() + previous * (previous - 2.0 * mean)
    for position in range(k1 + 1, k2 + 1):
        candidate = ordered[position - 1]
        if candidate == previous:
            continue
        value = 2.0 * ratio * np.abs(row - candidate).sum() + candidate * (candidate - 2.0 * mean)
        if value < best_value:
            best = candidate
            best_value = value
        previous = candidate
    return best


@_inner
def _screen_violators(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    usable: np.ndarray,
    screened: np.ndarray,
    resid: np.ndarray,
    resid_sums: np.ndarray,
    l1: float,
    penalty: np.ndarray,
    grouped: bool,
) -> bool:
    """The multinomial KKT check: each usable unscreened variable's gradients over the classes
    (weighted residuals ``resid``, n x K, with class sums ``resid_sums``) against its threshold
    ``l1 * penalty``, taken as their largest magnitude (ungrouped) or their Euclidean norm
    (grouped). Violators are screened in; returns whether there was any."""
    violation = False
    for j in range(xm.shape[0]):
        if not usable[j] or screened[j]:
            continue
        size = 0.0
        for c in range(resid.shape[1]):
            g = _centred_dot(
                xd, indptr, indices, values, sparse, xm[j], j, resid[:, c], resid_sums[c]
            ) / xs[j]  # fmt: skip
            size = size + g * g if grouped else max(size, abs(g))
        if (np.sqrt(size) if grouped else size) > l1 * penalty[j]:
            screened[j] = True
            violation = True
    return violation


@_inner
def _multinomial_by_class(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    y: np.ndarray,
    eta: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    usable: np.ndarray,
    screened: np.ndarray,
    in_active: np.ndarray,
    active: np.ndarray,
    coef: np.ndarray,
    a0: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    l1: float,
    l2: float,
    alpha: float,
    intercept: bool,
    thresh: float,
    max_passes: int,
    passes: int,
    n_active: int,
    max_active: int,
    x_var: np.ndarray,
    modified_newton: bool,
) -> tuple[int, int, int]:
    """The ungrouped multinomial fit at one lambda as glmnet's: for each class in turn, penalised
    weighted least squares on the quadratic approximation of the likelihood in that class's
    linear predictor (weights ``w p (1 - p)``, the other classes held), by coordinate descent with
    passes over the variables ever active between full passes; each variable's coefficients are
    then shifted across classes as the penalty favours (:func:`class_shift`, within the limits).
    Cycles over the classes until no coefficient moves by more than ``thresh`` (as ``xv delta^2``),
    then the unscreened variables' gradients are checked. Updates ``eta``, ``coef`` (p x K,
    standardised), ``a0``, ``screened`` and the active list (``in_active``, ``active`` in order of
    entry) in place; returns (passes, variables ever active, status). ``modified_newton`` fixes
    every class's curvatures at their bound ``x_var / 4``, as glmnet's modified Newton."""
    n, k = eta.shape
    p = xm.shape[0]
    prob = np.empty((n, k))
    v = np.empty(n)
    resid = np.empty(n)
    eta_class = np.empty(n)
    xv = 0.25 * x_var if modified_newton else np.zeros(p)
    vx = np.zeros(p)  # sparse: sum_i v_i x_ij over the stored entries
    coef_class = np.empty(p)
    coef_before = np.empty(p)
    resid_all = np.empty((n, k))
    resid_sums = np.empty(k)
    # exp(eta - top) per row and class, top a row's largest eta when last taken, and row sums:
    # only the class just fitted changes, so its exponentials alone are renewed after its fit
    expo = np.empty((n, k))
    top = np.empty(n)
    total = np.empty(n)
    for i in range(n):
        _exp_row(eta, i, expo, top, total)
    status = STATUS_OK
    while True:
        outer_change = 0.0
        for c in range(k):
            v_sum = 0.0
            for i in range(n):
                prob_c = expo[i, c] / total[i]
                q = min(max(prob_c, PROBABILITY_MIN), 1.0 - PROBABILITY_MIN)
                v[i] = w[i] * q * (1.0 - q)
                resid[i] = w[i] * (y[i, c] - prob_c)
                eta_class[i] = eta[i, c]
                v_sum += v[i]
            for j in range(p):
                coef_class[j] = coef[j, c]
                coef_before[j] = coef[j, c]
            a0_before = a0[c]
            a0[c], passes, n_active, status = _weighted_least_squares(
                xd, indptr, indices, values, sparse, xm, xs, v, v_sum, resid, eta_class,
                coef_class, a0[c], screened, in_active, active, n_active, max_active, penalty,
                lower, upper, l1, l2, intercept, thresh, max_passes, passes, xv, vx,
                not modified_newton,
            )  # fmt: skip
            for j in range(p):
                coef[j, c] = coef_class[j]
            for i in range(n):
                eta[i, c] = eta_class[i]
                exponent = eta_class[i] - top[i]
                if exponent > 0.0:  # class c now leads the row: exponentials anew from it
                    _exp_row(eta, i, expo, top, total)
                    continue
                expo[i, c] = np.exp(exponent)
                row_total = 0.0
                for other in range(k):
                    row_total += expo[i, other]
                if row_total < EXP_ROW_FLOOR:  # the row's leader fell far: anew from the new one
                    _exp_row(eta, i, expo, top, total)
                else:
                    total[i] = row_total
            outer_change = max(outer_change, v_sum * (a0[c] - a0_before) ** 2)
            for j in range(p):
                outer_change = max(outer_change, xv[j] * (coef[j, c] - coef_before[j]) ** 2)
            if passes > max_passes or status != STATUS_OK:
                return passes, n_active, status
        for j in range(p):
            if in_active[j]:
                row = coef[j]
                shift = row.mean() if penalty[j] <= 0.0 else class_shift(alpha, row)
                shift = max((row - upper[j]).max(), min((row - lower[j]).min(), shift))
                if shift != 0.0:
                    for c in range(k):
                        row[c] -= shift  # every class alike: the probabilities are unchanged
        if outer_change < thresh:
            # converged at these approximations: check the unscreened variables' gradients
            _multinomial_refresh(eta, w, y, prob, resid_all, resid_sums)
            if not _screen_violators(
                xd, indptr, indices, values, sparse, xm, xs, usable, screened, resid_all,
                resid_sums, l1, penalty, False,
            ):  # fmt: skip
                return passes, n_active, status


BNORM_THRESH = 1e-10  # glmnet.control()$prec: the grouped box-limit solve's tolerance
BNORM_MAX_ITER = 100  # glmnet.control()$mxit: its iteration cap
GROUPED_MIN_CURVATURE = 1e-6  # glmnet.control()$eps: the grouped fit stops below this p (1 - p)
EXPONENT_MAX = 250.0  # glmnet.control()$exmx: linear predictors are clipped to +-EXPONENT_MAX


@_inner
def _group_norm_root(start: float, ridge: float, lasso: float, g: float, fixed_sq: float) -> float:
    """glmnet's ``bnorm``: Newton's method for the norm b >= 0 of a group's free coefficients
    solving ``b (ridge + lasso / sqrt(b^2 + fixed_sq)) = g``, from ``start``, to
    :data:`BNORM_THRESH`; -1 if it does not settle within :data:`BNORM_MAX_ITER` steps."""
    b = start
    z_sq = b * b + fixed_sq
    if z_sq <= 0.0:
        return 0.0
    z = np.sqrt(z_sq)
    f = b * (ridge + lasso / z) - g
    for _ in range(BNORM_MAX_ITER):
        b -= f / (ridge + lasso * fixed_sq / (z * z_sq))
        z_sq = b * b + fixed_sq
        if z_sq <= 0.0:
            return 0.0
        z = np.sqrt(z_sq)
        f = b * (ridge + lasso / z) - g
        if abs(f) <= BNORM_THRESH:
            return b
        if b <= 0.0:
            return 0.0
    return -1.0


@_inner
def _group_limits(
    u: np.ndarray,
    u_norm: float,
    xv: float,
    low: np.ndarray,
    high: np.ndarray,
    l2: float,
    l1: float,
    coef: np.ndarray,
    fixed: np.ndarray,
) -> bool:
    """glmnet's ``chkbnds``: a group's coefficients ``coef`` (the unconstrained update of
    ``u = g + xv b``, norm ``u_norm``, penalties ``l1``, ``l2`` including the factor) brought
    into [low_c, high_c] one coefficient at a time, the farthest outside first, each fixed at its
    bound and the others re-solved with the group norm from :func:`_group_norm_root`. Returns
    False if that solve did not converge."""
    ridge = 1.0 + l2 / xv
    lasso = l1 / xv
    g_sq = u_norm * u_norm
    coef_sq = 0.0
    for c in range(coef.shape[0]):
        fixed[c] = False
        coef_sq += coef[c] * coef[c]
    fixed_sq = 0.0
    bound = 0.0
    while True:
        largest = 0.0
        worst = -1
        for c in range(coef.shape[0]):
            outside = max(coef[c] - high[c], low[c] - coef[c])
            if outside > largest:
                largest = outside
                worst = c
        if largest <= 0.0 or fixed[worst]:
            return True
        g_sq -= u[worst] * u[worst]
        g = np.sqrt(abs(g_sq)) / xv
        if coef[worst] < low[worst]:
            bound = low[worst]
        if coef[worst] > high[worst]:
            bound = high[worst]
        fixed_sq += bound * bound
        if fixed_sq == 0.0:
            b = max(0.0, (g - lasso) / ridge)
        else:
            b = _group_norm_root(
                np.sqrt(abs(coef_sq - coef[worst] * coef[worst])), ridge, lasso, g, fixed_sq
            )
            if b < 0.0:
                return False
        coef_sq = fixed_sq + b * b
        if coef_sq <= 0.0:
            for c in range(coef.shape[0]):
                coef[c] = 0.0
            return True
        coef[worst] = bound
        fixed[worst] = True
        factor = 1.0 / (xv * (ridge + lasso / np.sqrt(coef_sq)))
        for c in range(coef.shape[0]):
            if not fixed[c]:
                coef[c] = factor * u[c]


@_inner
def _grouped_refresh(
    expo: np.ndarray,
    expo_sum: np.ndarray,
    w: np.ndarray,
    y: np.ndarray,
    prob: np.ndarray,
    resid: np.ndarray,
    resid_sum: np.ndarray,
) -> float:
    """The grouped fit's class probabilities ``expo / expo_sum``, the weighted residuals
    w (y - prob) and their class sums; returns the deviance -2 sum w y log(prob)."""
    n, k = expo.shape
    resid_sum[:] = 0.0
    dev = 0.0
    for i in range(n):
        for c in range(k):
            prob[i, c] = expo[i, c] / expo_sum[i]
            resid[i, c] = w[i] * (y[i, c] - prob[i, c])
            resid_sum[c] += resid[i, c]
            if y[i, c] > 0.0:
                dev -= 2.0 * w[i] * y[i, c] * np.log(prob[i, c])
    return dev


@_inner
def _multinomial_grouped(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray,
    expo: np.ndarray,
    expo_sum: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    screened: np.ndarray,
    in_active: np.ndarray,
    active: np.ndarray,
    coef: np.ndarray,
    a0: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    l1: float,
    l2: float,
    intercept: bool,
    thresh: float,
    max_passes: int,
    passes: int,
    n_active: int,
    max_active: int,
) -> tuple[int, int, int]:
    """The grouped multinomial fit at one lambda as glmnet's. Each IRLS step bounds the
    likelihood's curvature in every class by one number, ``t`` twice the largest ``p (1 - p)``
    over the rows and classes (``w`` summing to 1), moves the intercepts by their Newton step
    under it, and minimises that quadratic by block coordinate descent: a variable's K
    coefficients move together under the group penalty (soft-thresholding of their norm, box
    limits by :func:`_group_limits`), in full passes over the screened variables with passes over
    the active ones (in order of entry) until no block moves by more than ``thresh`` (as ``xv
    max_k delta_k^2``), then a full pass again. The linear predictors are then renewed from
    scratch; once no intercept or active block moved by more than ``thresh`` in the step, the
    unscreened variables' gradients are checked. Each pass counts K towards ``max_passes``.

    ``offset`` is centred over the classes in each row; ``expo`` (n x K) holds glmnet's bounded
    ``exp`` of the linear predictors and ``expo_sum`` its row sums, carried from one lambda to
    the next. Updates them, ``coef`` (p x K, standardised), ``a0`` (centred over the classes),
    ``screened`` and the active list (``in_active``, ``active`` in order of entry) in place;
    returns (passes, variables ever active, status)."""
    n, k = expo.shape
    p = xm.shape[0]
    resid = np.empty((k, n))  # the quadratic's residual w (y - prob) / t, class by class
    resid_sums = np.zeros(k)  # sparse: its class sums when last taken (0 after the intercepts)
    prob = np.empty((n, k))
    resid_kkt = np.empty((n, k))
    kkt_sums = np.empty(k)
    coef_before = np.empty((p, k))
    a0_before = np.empty(k)
    old = np.empty(k)
    u = np.empty(k)
    fixed = np.zeros(k, dtype=np.bool_)
    low = np.empty(k)  # variable j's limits, the same for every class
    high = np.empty(k)
    linear = np.empty(n)
    share_min = PROBABILITY_MIN / (1.0 - PROBABILITY_MIN)
    share_max = 1.0 / share_min
    while True:
        if passes > max_passes:
            return passes, n_active, STATUS_MAXIT
        curvature = 0.0
        for c in range(k):
            for i in range(n):
                if w[i] > 0.0:
                    curvature = max(
                        curvature, expo[i, c] * (1.0 - expo[i, c] / expo_sum[i]) / expo_sum[i]
                    )
        if curvature < GROUPED_MIN_CURVATURE:
            return passes, n_active, STATUS_MIN_VARIANCE
        curvature *= 2.0
        l1_scaled = l1 / curvature
        l2_scaled = l2 / curvature
        for c in range(k):
            a0_before[c] = a0[c]
            for j in range(p):
                coef_before[j, c] = coef[j, c]
        for c in range(k):
            total = 0.0
            for i in range(n):
                resid[c, i] = w[i] * (y[i, c] - expo[i, c] / expo_sum[i]) / curvature
                total += resid[c, i]
            resid_sums[c] = total
            if intercept:
                if total != 0.0:
                    a0[c] += total
                    for i in range(n):
                        resid[c, i] -= total * w[i]
                resid_sums[c] = 0.0
        partial = False
        while True:
            passes += k
            largest_change = 0.0
            # a partial pass visits the active variables in order of entry (none can enter in
            # it), a full pass the screened ones in index order
            for position in range(n_active if partial else p):
                j = active[position] if partial else position
                if not screened[j]:
                    continue
                u_norm = 0.0
                for c in range(k):
                    g = _centred_dot(
                        xd, indptr, indices, values, sparse, xm[j], j, resid[c], resid_sums[c]
                    )  # fmt: skip
                    old[c] = coef[j, c]
                    u[c] = g / xs[j] + xv[j] * old[c]
                    u_norm += u[c] * u[c]
                u_norm = np.sqrt(u_norm)
                shrink = 1.0 - l1_scaled * penalty[j] / u_norm if u_norm > 0.0 else 0.0
                if shrink <= 0.0:
                    for c in range(k):
                        coef[j, c] = 0.0
                else:
                    factor = shrink / (xv[j] + l2_scaled * penalty[j])
                    for c in range(k):
                        coef[j, c] = factor * u[c]
                    low[:] = lower[j]
                    high[:] = upper[j]
                    if not _group_limits(
                        u, u_norm, xv[j], low, high, l2_scaled * penalty[j],
                        l1_scaled * penalty[j], coef[j], fixed,
                    ):  # fmt: skip
                        # glmnet stops the path here too (its bnorm iteration limit)
                        return passes, n_active, STATUS_MAXIT
                moved = 0.0
                for c in range(k):
                    moved = max(moved, abs(coef[j, c] - old[c]))
                if moved == 0.0:
                    continue
                if not partial:
                    entered = _enter_active(j, in_active, active, n_active, max_active)
                    if entered < 0:
                        return passes, n_active, STATUS_PMAX
                    n_active = entered
                largest_change = max(largest_change, xv[j] * moved * moved)
                for c in range(k):
                    step = (coef[j, c] - old[c]) / xs[j]
                    if sparse:
                        for t in _stored(indptr, j):
                            resid[c, indices[t]] -= step * values[t] * w[indices[t]]
                        if xm[j] != 0.0:
                            shift = step * xm[j]
                            for i in range(n):
                                resid[c, i] += shift * w[i]
                    else:
                        _dense_centred_update(xd[:, j], xm[j], step, w, resid[c])
            converged = largest_change < thresh
            if converged and not partial:
                break
            if not converged and passes > max_passes:
                return passes, n_active, STATUS_MAXIT
            partial = not converged
        # did the step move the intercepts or an active block by more than thresh?
        moved_far = False
        for c in range(k):
            if (a0[c] - a0_before[c]) ** 2 > thresh:
                moved_far = True
        for position in range(n_active):
            j = active[position]
            moved = 0.0
            for c in range(k):
                moved = max(moved, abs(coef[j, c] - coef_before[j, c]))
            if xv[j] * moved * moved > thresh:
                moved_far = True
        # the linear predictors anew, class by class, and their bounded exponentials
        for c in range(k):
            for i in range(n):
                linear[i] = a0[c] + offset[i, c]
            centring = 0.0
            for position in range(n_active):
                j = active[position]
                step = coef[j, c] / xs[j]
                if step == 0.0:
                    continue
                if sparse:
                    for t in _stored(indptr, j):
                        linear[indices[t]] += step * values[t]
                    centring -= step * xm[j]
                else:
                    _dense_centred_axpy(xd[:, j], xm[j], -step, linear)
            for i in range(n):
                exponent = min(max(linear[i] + centring, -EXPONENT_MAX), EXPONENT_MAX)
                expo_sum[i] -= expo[i, c]
                expo[i, c] = min(
                    max(share_min * expo_sum[i], np.exp(exponent)), share_max * expo_sum[i]
                )
                expo_sum[i] += expo[i, c]
        a0 -= a0.sum() / k
        if not moved_far:
            # converged: check the unscreened variables' gradients at the new fit
            _grouped_refresh(expo, expo_sum, w, y, prob, resid_kkt, kkt_sums)
            if not _screen_violators(
                xd, indptr, indices, values, sparse, xm, xs, usable, screened, resid_kkt,
                kkt_sums, l1, penalty, True,
            ):  # fmt: skip
                return passes, n_active, STATUS_OK


@_inner
def _multinomial_null_intercepts(y: np.ndarray, w: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """The intercept-only multinomial fit (``w`` summing to 1), centred to sum to zero, as glmnet
    computes it: ``log`` of the class proportions without an offset; with one, Newton steps one
    class at a time until no step exceeds 1e-7 (glmnet's own stopping point, which the rest of its
    path starts from)."""
    n, k = y.shape
    a0 = np.zeros(k)
    if not np.any(offset != 0.0):
        for c in range(k):
            share = 0.0
            for i in range(n):
                share += w[i] * y[i, c]
            a0[c] = np.log(share)
        return a0 - a0.sum() / k
    expo = np.exp(offset)
    total = np.zeros(n)
    for i in range(n):
        total[i] = expo[i].sum()
    largest_step = 1.0
    while largest_step >= 1e-7:
        largest_step = 0.0
        for c in range(k):
            score = 0.0
            curvature = 0.0
            for i in range(n):
                prob = expo[i, c] / total[i]
                score += w[i] * (y[i, c] - prob)
                curvature += w[i] * prob * (1.0 - prob)
            step = score / curvature
            a0[c] += step
            largest_step = max(largest_step, abs(step))
            factor = np.exp(step)
            for i in range(n):
                before = expo[i, c]
                expo[i, c] = before * factor
                total[i] += expo[i, c] - before
    return a0 - a0.sum() / k


@njit(cache=True, nogil=True)
def multinomial_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    intercept: bool,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
    grouped: bool,
    modified_newton: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int, float]:
    """Elastic-net path for a K-class response (``y`` n x K indicators).

    Solves ``min -sum w log softmax(offset + a + xz B)_class + lam sum_j penalty_j P(B_j)`` with
    ``P`` the elastic net of each class's coefficient (``grouped=False``, glmnet's default) or of
    the coefficient vector of variable j across classes (``grouped=True``: ``alpha ||B_j||_2 +
    (1-alpha)/2 ||B_j||^2``, a variable enters for all classes at once). Ungrouped, one class at a
    time (:func:`_multinomial_by_class`); grouped, one variable's classes at a time under a common
    curvature (:func:`_multinomial_grouped`, which counts K passes per pass, as glmnet), ``xv``
    being the weighted variances of the standardised columns. Options, lambdas and returns
    as :func:`glm_path`, with intercepts K x L and coefficients p x K x L; intercepts are centred
    to sum to zero, as glmnet reports them. Sparse x is centred implicitly: gradients read only
    the stored entries, with the weighted residual's class sums for the centring.
    """
    n = w.shape[0]
    p = xm.shape[0]
    k = y.shape[1]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, k, n_lambda))
    a0_path = np.zeros((k, n_lambda))
    dev_ratio = np.zeros(n_lambda)
    coef = np.zeros((p, k))
    a0 = np.zeros(k)
    if intercept:
        a0 = _multinomial_null_intercepts(y, w, offset)
    eta = offset.copy()
    for i in range(n):
        for c in range(k):
            eta[i, c] += a0[c]
    prob = np.empty((n, k))
    resid = np.empty((n, k))  # w (y - prob), kept with prob
    resid_sum = np.zeros(k)
    _multinomial_refresh(eta, w, y, prob, resid, resid_sum)
    null_dev = _multinomial_deviance(y, w, eta)
    thresh = thresh * _null_deviance_unit(null_dev)
    # grouped: glmnet's state, exp of the linear predictors (offsets centred over the classes)
    # bounded relative to their row sums, carried from one lambda to the next
    offset_centred = np.empty((n, k))
    expo = np.empty((n, k))
    expo_sum = np.zeros(n)
    if grouped:
        for i in range(n):
            row_mean = offset[i].sum() / k
            for c in range(k):
                offset_centred[i, c] = offset[i, c] - row_mean
                expo[i, c] = np.exp(a0[c] + offset_centred[i, c])
                expo_sum[i] += expo[i, c]
        _grouped_refresh(expo, expo_sum, w, y, prob, resid, resid_sum)
    grad = np.zeros((p, k))
    screened = np.zeros(p, dtype=np.bool_)
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)  # in order of entry
    n_active = 0
    status = STATUS_OK
    passes = 0
    n_stored = 0
    previous_ratio = 0.0
    # glmnet's strong rule screens at alpha (2 lam - previous lam); before a user's first lambda
    # the previous one is 0, before its own sequence's "infinite" first step it is unbounded
    previous_lambda = BIG_LAMBDA if early_stop else 0.0
    null_norm = np.zeros(p)
    for m in range(n_lambda):
        norms = np.zeros(p)
        for j in range(p):
            if usable[j]:
                largest = 0.0
                total = 0.0
                for c in range(k):
                    g = (
                        _centred_dot(
                            xd, indptr, indices, values, sparse, xm[j], j, resid[:, c], resid_sum[c]
                        )
                        / xs[j]
                    )
                    grad[j, c] = g
                    largest = max(largest, abs(g))
                    total += g * g
                norms[j] = np.sqrt(total) if grouped else largest
        if m == 0:
            null_norm[:] = norms
        if early_stop and m >= 1:
            if m == 1:
                for j in range(p):
                    if screened[j]:
                        norms[j] = null_norm[j]
                previous_lambda = _first_lambda_max(norms, usable, penalty, alpha)
                lambdas[1] = previous_lambda * lambda_factor
            else:
                lambdas[m] = lambdas[m - 1] * lambda_factor
        lam = lambdas[m]
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        strong_cut = alpha * (2.0 * lam - previous_lambda) if previous_lambda < BIG_LAMBDA else l1
        for j in range(p):
            if usable[j] and not screened[j] and norms[j] > strong_cut * penalty[j]:
                screened[j] = True
        if not grouped:
            passes, n_active, status = _multinomial_by_class(
                xd, indptr, indices, values, sparse, w, y, eta, xm, xs, usable, screened,
                in_active, active, coef, a0, penalty, lower, upper, l1, l2, alpha, intercept,
                thresh, max_passes, passes, n_active, max_active, xv, modified_newton,
            )  # fmt: skip
            _multinomial_refresh(eta, w, y, prob, resid, resid_sum)
            deviance = _multinomial_deviance(y, w, eta)
        else:
            passes, n_active, status = _multinomial_grouped(
                xd, indptr, indices, values, sparse, w, y, offset_centred, expo, expo_sum, xm,
                xs, xv, usable, screened, in_active, active, coef, a0, penalty, lower, upper, l1,
                l2, intercept, thresh, max_passes, passes, n_active, max_active,
            )  # fmt: skip
            deviance = _grouped_refresh(expo, expo_sum, w, y, prob, resid, resid_sum)
        if status != STATUS_OK:
            break
        beta[:, :, m] = coef
        a0_path[:, m] = a0 - a0.mean()
        ratio = 1.0 - deviance / null_dev
        dev_ratio[m] = ratio
        n_stored = m + 1
        previous_lambda = lam
        if passes > max_passes:
            status = STATUS_MAXIT
            break
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            # variables with a nonzero coefficient; glmnet's grouped fit counts the first class's
            n_nonzero = 0
            for j in range(p):
                for c in range(1 if grouped else k):
                    if coef[j, c] != 0.0:
                        n_nonzero += 1
                        break
            gain = ratio - previous_ratio
            if n_nonzero > max_df or gain < fdev or ratio > EARLY_STOP_DEVMAX:
                break
        previous_ratio = ratio
    return a0_path, beta, dev_ratio, n_stored, passes, status, null_dev


# --- Cox proportional hazards ----------------------------------------------------------------------

# coxnet's constants, its single-precision literals (0.1, 0.99, 0.999) as Fortran widens them
COX_EXPONENT_MAX = float(np.log(np.finfo(np.float64).max * float(np.float32(0.1))))  # exp() finite
COX_FDEV_FACTOR = 100.0  # coxnet stops when the deviance ratio gains under 100 fdev over 4 steps
COX_DEVMAX = EARLY_STOP_DEVMAX * float(np.float32(0.99)) / float(np.float32(0.999))
STATUS_COX_WEIGHT = 4  # a diagonal Hessian entry was not positive (coxnet's error -30000 - m)
COX_TOO_FEW_EVENTS = 30000  # coxnet's error: the first event is among the last two survival times
QUICKSORT_STACK = 64  # psort7 keeps 20 pending segments: up to 2^21 rows; 64 is ample


@_inner
def _psort7(v: np.ndarray, a: np.ndarray, first: int, last: int) -> None:
    """glmnet's ``psort7`` (Singleton's quicksort, CACM 347) on positions first..last of ``a``
    (1-based positions holding indices into ``v``), ordering them by ``v`` increasingly. Ported
    step for step: which of tied values comes first decides Cox's risk sets when a censored time
    equals an event time, so R's exact order is kept."""
    low = np.zeros(QUICKSORT_STACK, dtype=np.int64)
    high = np.zeros(QUICKSORT_STACK, dtype=np.int64)
    m = 1
    i = first
    j = last
    k = 0
    label = 10
    while True:
        if label == 10:
            if i >= j:
                label = 80
                continue
            label = 20
        if label == 20:
            k = i
            ij = (j + i) // 2
            t = a[ij]
            vt = v[t]
            if v[a[i]] > vt:
                a[ij] = a[i]
                a[i] = t
                t = a[ij]
                vt = v[t]
            lo = j
            if v[a[j]] < vt:
                a[ij] = a[j]
                a[j] = t
                t = a[ij]
                vt = v[t]
                if v[a[i]] > vt:
                    a[ij] = a[i]
                    a[i] = t
                    t = a[ij]
                    vt = v[t]
            while True:
                lo -= 1
                while v[a[lo]] > vt:
                    lo -= 1
                tt = a[lo]
                k += 1
                while v[a[k]] < vt:
                    k += 1
                if k > lo:
                    break
                a[lo] = a[k]
                a[k] = tt
            if lo - i <= j - k:
                low[m] = k
                high[m] = j
                j = lo
            else:
                low[m] = i
                high[m] = lo
                i = k
            m += 1
            label = 90
        if label == 80:
            m -= 1
            if m == 0:
                return
            i = low[m]
            j = high[m]
            label = 90
        if label == 90:
            if j - i > 10:
                label = 20
                continue
            if i == first:
                label = 10
                continue
            i -= 1
            while True:  # insertion sort; the element before the segment bounds it below
                i += 1
                if i == j:
                    break
                t = a[i + 1]
                vt = v[t]
                if v[a[i]] <= vt:
                    continue
                k = i
                while True:
                    a[k + 1] = a[k]
                    k -= 1
                    if not vt < v[a[k]]:
                        break
                a[k + 1] = t
            label = 80


@njit(cache=True, nogil=True)
def cox_groups(
    time: np.ndarray, status: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """coxnet's risk-set groups (its ``groups``): the rows of positive weight ordered by time as
    ``psort7`` orders them, less those before the first event time, and the end (exclusive) of
    each group, a group running from one event time to the next. Returns (order, group ends,
    error), the error coxnet's 30000 when the first event is among the last two times (or there
    is no event), else 0."""
    n = time.shape[0]
    a = np.empty(n + 1, dtype=np.int64)
    a[0] = 0
    for i in range(n):
        a[i + 1] = i
    _psort7(time, a, 1, n)
    kept = 0
    for j in range(1, n + 1):
        if w[a[j]] > 0.0:
            kept += 1
            a[kept] = a[j]
    no_groups = np.zeros(0, dtype=np.int64)
    if kept == 0:
        return no_groups, no_groups, COX_TOO_FEW_EVENTS
    j = 1
    while status[a[j]] <= 0.0:
        j += 1
        if j > kept:
            break
    if j >= kept - 1:
        return no_groups, no_groups, COX_TOO_FEW_EVENTS
    first_time = time[a[j]]
    before = j - 1
    while before > 0 and not time[a[before]] < first_time:
        before -= 1
    kept -= before
    order = a[before + 1 : before + 1 + kept].copy()
    ends = np.empty(kept, dtype=np.int64)
    n_groups = 0
    current = first_time
    j = 1  # 0-based position of the row after the first
    while True:
        while j < kept and not (status[order[j]] > 0.0 and time[order[j]] > current):
            j += 1
        ends[n_groups] = j
        n_groups += 1
        if j >= kept:
            break
        if j == kept - 1:
            ends[n_groups] = kept
            n_groups += 1
            break
        current = time[order[j]]
        j += 1
    return order, ends[:n_groups].copy(), 0


@_inner
def _risk_sums(order: np.ndarray, ends: np.ndarray, e: np.ndarray, u: np.ndarray) -> None:
    """u_k = the sum of e over the risk set of the k-th event time (coxnet's ``usk``)."""
    total = 0.0
    for k in range(ends.shape[0] - 1, -1, -1):
        start = ends[k - 1] if k > 0 else 0
        for s in range(ends[k] - 1, start - 1, -1):
            total += e[order[s]]
        u[k] = total


@_inner
def _cox_log_lik(
    dq: np.ndarray, dk: np.ndarray, f: np.ndarray, e: np.ndarray, order: np.ndarray,
    ends: np.ndarray, u: np.ndarray,
) -> float:  # fmt: skip
    """Breslow's log partial likelihood per unit weight (coxnet's ``risk``)."""
    _risk_sums(order, ends, e, u)
    total = 0.0
    for i in range(dq.shape[0]):
        total += dq[i] * f[i]
    for k in range(dk.shape[0]):
        total -= dk[k] * np.log(u[k])
    return total


@_inner
def _cox_quadratic(
    dq: np.ndarray, dk: np.ndarray, e: np.ndarray, order: np.ndarray, ends: np.ndarray,
    u: np.ndarray, v: np.ndarray, resid: np.ndarray,
) -> bool:  # fmt: skip
    """coxnet's ``outer``: the diagonal of the Hessian ``v`` and the gradient ``resid`` of the log
    partial likelihood in the linear predictor; False if an entry of ``v`` is not positive."""
    _risk_sums(order, ends, e, u)
    b = 0.0
    c = 0.0
    start = 0
    for k in range(ends.shape[0]):
        b += dk[k] / u[k]
        c += dk[k] / u[k] ** 2
        for s in range(start, ends[k]):
            i = order[s]
            v[i] = e[i] * (b - e[i] * c)
            if not v[i] > 0.0:
                return False
            resid[i] = dq[i] - e[i] * b
        start = ends[k]
    return True


@_inner
def _cox_exp(q: np.ndarray, f: np.ndarray, e: np.ndarray) -> None:
    """e = q exp(f), f clipped at +-log(huge / 10) as coxnet does."""
    for i in range(f.shape[0]):
        e[i] = q[i] * np.exp(max(-COX_EXPONENT_MAX, min(COX_EXPONENT_MAX, f[i])))


@_inner
def _cox_curvature(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    mean: float, j: int, v: np.ndarray, v_sum: float,
) -> float:  # fmt: skip
    """sum_i v_i (x_ij - mean)^2."""
    if not sparse:
        return _dense_centred_weighted_sq(xd[:, j], mean, v)
    total = mean * mean * v_sum
    for t in _stored(indptr, j):
        d = values[t] - mean
        total += v[indices[t]] * (d * d - mean * mean)
    return total


@_inner
def _cox_move(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    mean: float, j: int, step: float, v: np.ndarray, resid: np.ndarray, f: np.ndarray,
) -> None:  # fmt: skip
    """resid_i -= step v_i (x_ij - mean); f_i += step (x_ij - mean)."""
    if not sparse:
        _dense_irls_update(xd[:, j], mean, step, v, resid, f)
        return
    for i in range(f.shape[0]):
        resid[i] += step * v[i] * mean
        f[i] -= step * mean
    for t in _stored(indptr, j):
        i = indices[t]
        resid[i] -= step * v[i] * values[t]
        f[i] += step * values[t]


@njit(cache=True, nogil=True)
def cox_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    status: np.ndarray,
    offset: np.ndarray,
    order: np.ndarray,
    ends: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    usable: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
) -> tuple[np.ndarray, np.ndarray, int, int, int, float]:
    """Elastic-net path of the Cox model by penalised IRLS, as glmnet's Fortran ``coxnet``.

    Maximises Breslow's log partial likelihood ``sum_k (sum_{i dies at t_k} w_i eta_i - d_k log
    sum_{i at risk at t_k} w_i exp(eta_i))`` (``w`` summing to 1, ``d_k`` the weight of the
    deaths at ``t_k``) less ``lam (alpha |b|_1 + (1-alpha)/2 |b|^2)``, ``eta = offset + xz b``
    with ``xz`` x centred and scaled implicitly; no intercept. ``order``/``ends`` are the risk-set
    groups of :func:`cox_groups`. Each IRLS step takes the diagonal of the Hessian as weights,
    then runs coordinate descent passes over the strong set and the active set until the largest
    ``xv_j delta_j^2`` falls below ``thresh`` times the null deviance per unit weight; a KKT check
    of the other variables closes each lambda. The path stops early as coxnet's: more than
    ``max_df`` non-zero coefficients, a deviance ratio gaining under ``100 fdev`` of itself over
    the last four steps, or above 0.99.
    Returns (coefficients p x L, deviance ratio per step, steps stored, passes, status, null
    deviance per unit weight).
    """
    n = w.shape[0]
    p = xm.shape[0]
    n_lambda = lambdas.shape[0]
    n_groups = ends.shape[0]
    beta = np.zeros((p, n_lambda))
    dev_ratio = np.zeros(n_lambda)
    dq = status * w
    dk = np.zeros(n_groups)
    start = 0
    for k in range(n_groups):
        for s in range(start, ends[k]):
            dk[k] += dq[order[s]]
        start = ends[k]
    f = np.zeros(n)
    offset_given = False
    for i in range(n):
        if offset[i] != 0.0:
            offset_given = True
    if offset_given:
        centre = 0.0
        for i in range(n):
            centre += w[i] * offset[i]
        for i in range(n):
            f[i] = offset[i] - centre
    e = np.zeros(n)
    _cox_exp(w, f, e)
    u = np.zeros(n_groups)
    null_loglik = _cox_log_lik(dq, dk, f, e, order, ends, u)
    saturated = 0.0
    for k in range(n_groups):
        saturated += dk[k] * np.log(dk[k])
    null_dev = -(saturated + null_loglik)
    v = np.zeros(n)
    resid = np.zeros(n)
    if not _cox_quadratic(dq, dk, e, order, ends, u, v, resid):
        return beta, dev_ratio, 0, 0, STATUS_COX_WEIGHT, null_dev
    cut = thresh * null_dev
    grad = centred_products(xd, indptr, indices, values, sparse, xm, xs, usable, resid)
    for j in range(p):
        grad[j] = abs(grad[j])
    coef = np.zeros(p)
    coef_before = np.zeros(p)
    xv = np.zeros(p)
    screened = np.zeros(p, dtype=np.bool_)
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    passes = 0
    n_stored = 0
    status_code = STATUS_OK
    lam = 0.0
    min_steps = min(EARLY_STOP_MIN_STEPS, n_lambda)
    for m in range(n_lambda):
        previous_lambda = lam
        if not early_stop:
            lam = lambdas[m]
        elif m >= 2:
            lam *= lambda_factor
        elif m == 0:
            lam = BIG_LAMBDA
        else:
            previous_lambda = _first_lambda_max(grad, usable, penalty, alpha)
            lam = lambda_factor * previous_lambda
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        strong_cut = alpha * (2.0 * lam - previous_lambda)
        for j in range(p):
            if usable[j] and not screened[j] and grad[j] > strong_cut * penalty[j]:
                screened[j] = True
        too_many = False
        while True:  # one IRLS step per round
            if passes > max_passes:
                return beta, dev_ratio, n_stored, passes, STATUS_MAXIT, null_dev
            for t in range(n_active):
                coef_before[active[t]] = coef[active[t]]
            v_sum = _sum(v)
            for j in range(p):
                if screened[j]:
                    xv[j] = (
                        _cox_curvature(xd, indptr, indices, values, sparse, xm[j], j, v, v_sum)
                        / xs[j] ** 2
                    )
            while True:  # passes over the strong set, each followed by active-set passes
                passes += 1
                largest = 0.0
                for j in range(p):
                    if not screened[j]:
                        continue
                    resid_sum = _sum(resid) if sparse else 0.0
                    g = (
                        _centred_dot(
                            xd, indptr, indices, values, sparse, xm[j], j, resid, resid_sum
                        )
                        / xs[j]
                    )
                    new = _penalised_update(
                        coef[j] * xv[j] + g, xv[j], l1, l2, penalty[j], lower[j], upper[j]
                    )
                    if new == coef[j]:
                        continue
                    delta = new - coef[j]
                    coef[j] = new
                    largest = max(largest, xv[j] * delta * delta)
                    _cox_move(
                        xd, indptr, indices, values, sparse, xm[j], j, delta / xs[j], v, resid, f
                    )
                    if not in_active[j]:
                        if n_active >= max_active:
                            too_many = True
                            break
                        in_active[j] = True
                        active[n_active] = j
                        n_active += 1
                if too_many or largest < cut:
                    break
                if passes > max_passes:
                    return beta, dev_ratio, n_stored, passes, STATUS_MAXIT, null_dev
                while True:
                    passes += 1
                    largest = 0.0
                    for t in range(n_active):
                        j = active[t]
                        resid_sum = _sum(resid) if sparse else 0.0
                        g = (
                            _centred_dot(
                                xd, indptr, indices, values, sparse, xm[j], j, resid, resid_sum
                            )
                            / xs[j]
                        )
                        new = _penalised_update(
                            coef[j] * xv[j] + g, xv[j], l1, l2, penalty[j], lower[j], upper[j]
                        )
                        if new == coef[j]:
                            continue
                        delta = new - coef[j]
                        coef[j] = new
                        largest = max(largest, xv[j] * delta * delta)
                        _cox_move(
                            xd, indptr, indices, values, sparse, xm[j], j, delta / xs[j], v,
                            resid, f,
                        )  # fmt: skip
                    if largest < cut:
                        break
                    if passes > max_passes:
                        return beta, dev_ratio, n_stored, passes, STATUS_MAXIT, null_dev
            if too_many:
                status_code = STATUS_PMAX
                break
            _cox_exp(w, f, e)
            if not _cox_quadratic(dq, dk, e, order, ends, u, v, resid):
                return beta, dev_ratio, n_stored, passes, STATUS_COX_WEIGHT, null_dev
            moved = False
            for t in range(n_active):
                j = active[t]
                if not xv[j] * (coef[j] - coef_before[j]) ** 2 < cut:
                    moved = True
                    break
            if moved:
                continue
            resid_sum = _sum(resid)
            for j in range(p):
                if usable[j] and not screened[j]:
                    grad[j] = abs(
                        _centred_dot(
                            xd, indptr, indices, values, sparse, xm[j], j, resid, resid_sum
                        )
                        / xs[j]
                    )
                    if grad[j] > l1 * penalty[j]:
                        screened[j] = True
                        moved = True
            if not moved:
                break
        if status_code != STATUS_OK:
            break
        for j in range(p):
            beta[j, m] = coef[j]
        lambdas[m] = lam
        ratio = (_cox_log_lik(dq, dk, f, e, order, ends, u) - null_loglik) / null_dev
        dev_ratio[m] = ratio
        n_stored = m + 1
        if m + 1 < min_steps or not early_stop:
            continue
        n_nonzero = 0
        for j in range(p):
            if coef[j] != 0.0:
                n_nonzero += 1
        if n_nonzero > max_df:
            break
        gain = ratio - dev_ratio[m - min_steps + 1]
        if ratio != 0.0:
            if gain / ratio < COX_FDEV_FACTOR * fdev:
                break
        elif gain < 0.0:
            break
        if ratio > COX_DEVMAX:
            break
    return beta, dev_ratio, n_stored, passes, status_code, null_dev


@njit(cache=True, nogil=True)
def cox_deviances(
    eta: np.ndarray, status: np.ndarray, w: np.ndarray, order: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """The Cox deviance ``2 (l_saturated - l(eta))`` of each column of ``eta`` (n x L), Breslow's
    partial likelihood with weights ``w`` (as given, not normalised) over the risk-set groups of
    :func:`cox_groups`, as glmnet's ``coxnet.deviance``: each column is centred at its weighted
    mean first (the likelihood ignores a shift) and clipped as in the fit."""
    n, n_lambda = eta.shape
    n_groups = ends.shape[0]
    dq = status * w
    dk = np.zeros(n_groups)
    start = 0
    for k in range(n_groups):
        for s in range(start, ends[k]):
            dk[k] += dq[order[s]]
        start = ends[k]
    saturated = 0.0
    for k in range(n_groups):
        if dk[k] > 0.0:
            saturated -= dk[k] * np.log(dk[k])
    total_weight = _sum(w)
    f = np.empty(n)
    e = np.empty(n)
    u = np.zeros(n_groups)
    out = np.empty(n_lambda)
    for m in range(n_lambda):
        centre = 0.0
        for i in range(n):
            centre += w[i] * eta[i, m]
        centre /= total_weight
        for i in range(n):
            f[i] = eta[i, m] - centre
        _cox_exp(w, f, e)
        out[m] = 2.0 * (saturated - _cox_log_lik(dq, dk, f, e, order, ends, u))
    return out


@njit(cache=True, nogil=True)
def concordance(
    start: np.ndarray, time: np.ndarray, status: np.ndarray, risk: np.ndarray, w: np.ndarray
) -> float:
    """Harrell's C of the risk scores ``risk`` (higher: earlier event), as R's
    ``survival::concordance`` with case weights and glmnet's ``Cindex``: over the pairs whose
    shorter time is an event (a censored time tied with an event time counts as longer; two tied
    event times are not compared; with (start, stop] data, the other row must be at risk then,
    ``start < time``; ``start`` is -inf for right-censored data), weighted ``w_i w_j``, the share
    ordered as the times, ties in ``risk`` counting a half. NaN without a comparable pair."""
    n = time.shape[0]
    agree = 0.0
    total = 0.0
    for i in range(n):
        if status[i] <= 0.0 or w[i] <= 0.0:
            continue
        for j in range(n):
            if j == i or w[j] <= 0.0 or not start[j] < time[i]:
                continue
            if time[j] > time[i] or (time[j] == time[i] and status[j] <= 0.0):
                weight = w[i] * w[j]
                total += weight
                if risk[i] > risk[j]:
                    agree += weight
                elif risk[i] == risk[j]:
                    agree += 0.5 * weight
    if total == 0.0:
        return np.nan
    return agree / total


# --- Cox, as R's cox.path: sparse x, (start, stop] data, strata -------------------------------------


@_inner
def _scaled_dot(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    j: int, v: np.ndarray,
) -> float:  # fmt: skip
    """sum_i x_ij v_i (x uncentred, as cox.path leaves it)."""
    if sparse:
        return _sparse_dot(indptr, indices, values, j, v)
    column = xd[:, j]
    total = 0.0
    for i in range(column.shape[0]):
        total += column[i] * v[i]
    return total


@_inner
def _scaled_square(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    j: int, v: np.ndarray,
) -> float:  # fmt: skip
    """sum_i v_i x_ij^2."""
    total = 0.0
    if sparse:
        for t in _stored(indptr, j):
            total += v[indices[t]] * values[t] * values[t]
        return total
    column = xd[:, j]
    for i in range(column.shape[0]):
        total += v[i] * column[i] * column[i]
    return total


@_inner
def _scaled_move(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    j: int, step: float, v: np.ndarray, r: np.ndarray,
) -> None:  # fmt: skip
    """r_i -= step v_i x_ij."""
    if sparse:
        for t in _stored(indptr, j):
            r[indices[t]] -= step * v[indices[t]] * values[t]
        return
    column = xd[:, j]
    for i in range(column.shape[0]):
        r[i] -= step * v[i] * column[i]


@_inner
def _wls_update(
    xd: np.ndarray, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, sparse: bool,
    j: int, xs: np.ndarray, r: np.ndarray, v: np.ndarray, coef: np.ndarray, xv: np.ndarray,
    penalty: np.ndarray, lower: np.ndarray, upper: np.ndarray, l1: float, l2: float,
) -> float:  # fmt: skip
    """One coordinate of glmnet's ``wls`` on x / xs: the coefficient's change (0 if none)."""
    g = _scaled_dot(xd, indptr, indices, values, sparse, j, r) / xs[j]
    before = coef[j]
    u = g + before * xv[j]
    magnitude = abs(u) - penalty[j] * l1
    if magnitude > 0.0:
        value = (magnitude if u >= 0.0 else -magnitude) / (xv[j] + penalty[j] * l2)
        coef[j] = max(lower[j], min(upper[j], value))
    else:
        coef[j] = 0.0
    if coef[j] == before:
        return 0.0
    delta = coef[j] - before
    _scaled_move(xd, indptr, indices, values, sparse, j, delta / xs[j], v, r)
    return delta


@njit(cache=True, nogil=True)
def cox_wls(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xs: np.ndarray,
    r: np.ndarray,
    v: np.ndarray,
    usable: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lam: float,
    previous_lambda: float,
    alpha: float,
    thresh: float,
    max_passes: int,
    coef: np.ndarray,
    strong: np.ndarray,
    xv: np.ndarray,
    active: np.ndarray,
    counters: np.ndarray,
) -> int:
    """glmnet's ``wls`` (the solver of ``elnet.fit``) without intercept, as ``cox.fit`` calls it
    once per IRLS step: penalised weighted least squares of the working residual ``r`` (weights
    ``v``) on x / xs at one lambda, from the warm state of the previous call (``coef``, the
    strong set ``strong``, its curvatures ``xv``, the ever-active variables ``active`` and
    ``counters`` = [how many, passes so far, whether active-set passes come first]); all are
    updated in place. Strong rule at ``alpha (2 lam - previous_lambda)``, full passes over the
    strong set, active-set passes, KKT check. Returns STATUS_OK or STATUS_MAXIT."""
    p = xs.shape[0]
    n_active = counters[0]
    passes = counters[1]
    active_first = counters[2] != 0
    for j in range(p):
        if strong[j]:
            xv[j] = _scaled_square(xd, indptr, indices, values, sparse, j, v) / xs[j] ** 2
    l1 = lam * alpha
    l2 = lam * (1.0 - alpha)
    strong_cut = alpha * (2.0 * lam - previous_lambda)
    for j in range(p):
        if usable[j] and not strong[j]:
            g = abs(_scaled_dot(xd, indptr, indices, values, sparse, j, r)) / xs[j]
            if g > strong_cut * penalty[j]:
                strong[j] = True
                xv[j] = _scaled_square(xd, indptr, indices, values, sparse, j, v) / xs[j] ** 2
    status_code = STATUS_OK
    first_round = True
    while True:
        if not (active_first and first_round):
            done = False
            while True:  # full passes over the strong set
                passes += 1
                largest = 0.0
                for j in range(p):
                    if not strong[j]:
                        continue
                    delta = _wls_update(
                        xd, indptr, indices, values, sparse, j, xs, r, v, coef, xv, penalty,
                        lower, upper, l1, l2,
                    )  # fmt: skip
                    if delta == 0.0:
                        continue
                    if not _in(active, n_active, j):
                        active[n_active] = j
                        n_active += 1
                    largest = max(largest, xv[j] * delta * delta)
                if largest >= thresh:
                    break
                added = False
                for j in range(p):
                    if usable[j] and not strong[j]:
                        g = abs(_scaled_dot(xd, indptr, indices, values, sparse, j, r)) / xs[j]
                        if g > l1 * penalty[j]:
                            strong[j] = True
                            xv[j] = (
                                _scaled_square(xd, indptr, indices, values, sparse, j, v)
                                / xs[j] ** 2
                            )
                            added = True
                if not added:
                    done = True
                    break
            if done:
                break
            if passes > max_passes:
                status_code = STATUS_MAXIT
                break
        active_first = True
        first_round = False
        while True:  # passes over the active set
            passes += 1
            largest = 0.0
            for t in range(n_active):
                j = active[t]
                delta = _wls_update(
                    xd, indptr, indices, values, sparse, j, xs, r, v, coef, xv, penalty, lower,
                    upper, l1, l2,
                )  # fmt: skip
                largest = max(largest, xv[j] * delta * delta)
            if largest < thresh:
                break
            if passes > max_passes:
                status_code = STATUS_MAXIT
                break
        if status_code != STATUS_OK:
            break
    counters[0] = n_active
    counters[1] = passes
    counters[2] = 1 if active_first else 0
    return status_code


@_inner
def _in(active: np.ndarray, n_active: int, j: int) -> bool:
    for t in range(n_active):
        if active[t] == j:
            return True
    return False


@_inner
def _first_deaths(
    stop: np.ndarray, status: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """In rows sorted by time (events before censored times at a tie): which rows are the first
    event at their time, and the event weight of their time there (glmnet's ``fid``)."""
    n = stop.shape[0]
    first = np.zeros(n, dtype=np.bool_)
    tie_weight = w.copy()
    last = -1
    for i in range(n):
        if status[i] > 0.0:
            if last >= 0 and stop[i] == stop[last]:
                tie_weight[last] += w[i]
            else:
                first[i] = True
                last = i
    return first, tie_weight


@_inner
def _counting_denominators(
    den: np.ndarray, entry_time: np.ndarray, entry_weight: np.ndarray, times: np.ndarray,
    positions: np.ndarray,
) -> None:  # fmt: skip
    """(start, stop] data: take out of each ``den[positions[k]]`` (a risk-set sum at time
    ``times[k]``, ``times`` increasing) the rows not yet entered (start >= that time), as R's
    ``coxgrad3``: ``entry_time`` and ``entry_weight`` (w exp(eta)) are in increasing entry order."""
    pending = 0.0
    k = times.shape[0] - 1
    s = entry_time.shape[0] - 1
    while k >= 0 and s >= 0:
        if entry_time[s] < times[k]:
            den[positions[k]] -= pending
            k -= 1
        else:
            pending += entry_weight[s]
            s -= 1


@njit(cache=True, nogil=True)
def cox_gradient(
    eta: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    status: np.ndarray,
    w: np.ndarray,
    stop_order: np.ndarray,
    start_order: np.ndarray,
    counting: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of Breslow's log partial likelihood in ``eta`` and the diagonal of its
    Hessian, for one stratum, as R glmnet's ``coxgrad`` (``coxgrad2``; with ``counting``,
    ``coxgrad3`` for (start, stop] data): rows taken in ``stop_order`` (time increasing, events
    first at a tie), tied events sharing one risk set, ``eta`` centred at its mean first.

    As R's (4.1-6 to 4.1-8), the (start, stop] pass that takes out of each row the event times
    before its entry stops at the last event time: a row entering at or after it keeps the terms
    of all events up to its stop time, so its gradient and curvature are not those of the
    partial likelihood (whose deviance, :func:`cox_counting_deviance`, is right). Kept for R's
    path; data with no such row are unaffected."""
    n = eta.shape[0]
    centre = 0.0
    for i in range(n):
        centre += eta[i]
    centre /= n
    e = np.empty(n)
    t = np.empty(n)
    d = np.empty(n)
    ws = np.empty(n)
    for k in range(n):
        i = stop_order[k]
        e[k] = np.exp(eta[i] - centre)
        t[k] = stop[i]
        d[k] = status[i]
        ws[k] = w[i]
    first, tie_weight = _first_deaths(t, d, ws)
    den = np.empty(n)
    total = 0.0
    for k in range(n - 1, -1, -1):
        total += e[k] * ws[k]
        den[k] = total
    n_deaths = 0
    for k in range(n):
        if first[k]:
            n_deaths += 1
    positions = np.empty(n_deaths, dtype=np.int64)
    death_time = np.empty(n_deaths)
    m = 0
    for k in range(n):
        if first[k]:
            positions[m] = k
            death_time[m] = t[k]
            m += 1
    entry_time = np.empty(n)
    if counting:
        entry_weight = np.empty(n)
        for s in range(n):
            i = start_order[s]
            entry_time[s] = start[i]
            entry_weight[s] = w[i] * np.exp(eta[i] - centre)
        _counting_denominators(den, entry_time, entry_weight, death_time, positions)
    factor = np.empty(n_deaths)
    factor2 = np.empty(n_deaths)
    for m in range(n_deaths):
        k = positions[m]
        factor[m] = tie_weight[k] / den[k]
        factor2[m] = tie_weight[k] / den[k] ** 2
    term = np.empty(n)
    term2 = np.empty(n)
    running = 0.0
    running2 = 0.0
    m = 0
    for k in range(n):
        if first[k]:
            running += factor[m]
            running2 += factor2[m]
            m += 1
        term[k] = running
        term2[k] = running2
    if counting:
        inverse = np.empty(n, dtype=np.int64)
        for k in range(n):
            inverse[stop_order[k]] = k
        passed = 0.0
        passed2 = 0.0
        m = 0
        s = 0
        while m < n_deaths and s < n:
            if entry_time[s] < death_time[m]:
                k = inverse[start_order[s]]
                term[k] -= passed
                term2[k] -= passed2
                s += 1
            else:
                passed += factor[m]
                passed2 += factor2[m]
                m += 1
    gradient = np.empty(n)
    hessian = np.empty(n)
    for k in range(n):
        i = stop_order[k]
        we = ws[k] * e[k]
        gradient[i] = ws[k] * (d[k] - e[k] * term[k])
        hessian[i] = we * we * term2[k] - we * term[k]
    return gradient, hessian


@njit(cache=True, nogil=True)
def cox_counting_deviance(
    pred: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    status: np.ndarray,
    w: np.ndarray,
    stop_order: np.ndarray,
    start_order: np.ndarray,
) -> float:
    """The Cox deviance of (start, stop] data in one stratum, as R glmnet's
    ``coxnet.deviance3``: ``2 (l_saturated - l(pred))`` with Breslow's ties, ``pred`` used as
    given (not centred)."""
    n = pred.shape[0]
    e = np.empty(n)
    t = np.empty(n)
    d = np.empty(n)
    ws = np.empty(n)
    for k in range(n):
        i = stop_order[k]
        e[k] = np.exp(pred[i])
        t[k] = stop[i]
        d[k] = status[i]
        ws[k] = w[i]
    first, tie_weight = _first_deaths(t, d, ws)
    den = np.empty(n)
    total = 0.0
    for k in range(n - 1, -1, -1):
        total += ws[k] * e[k]
        den[k] = total
    entry_time = np.empty(n)
    entry_weight = np.empty(n)
    for s in range(n):
        i = start_order[s]
        entry_time[s] = start[i]
        entry_weight[s] = w[i] * np.exp(pred[i])
    _counting_denominators(den, entry_time, entry_weight, t, np.arange(n))
    saturated = 0.0
    loglik = 0.0
    for k in range(n):
        if d[k] > 0.0:
            loglik += ws[k] * pred[stop_order[k]]
        if first[k]:
            if tie_weight[k] > 0.0:
                saturated -= tie_weight[k] * np.log(tie_weight[k])
            loglik -= tie_weight[k] * np.log(den[k])
    return 2.0 * (saturated - loglik)


# --- multi-response Gaussian -----------------------------------------------------------------------


@_inner
def _response_gradient(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    weighted_values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    resid: np.ndarray,
    shift: np.ndarray,
    j: int,
    grad: np.ndarray,
) -> float:
    """Variable j's gradient for every response, ``grad_c = <xz_j, w r_c>``, into ``grad``;
    returns its norm. Dense x: ``resid`` holds the weighted residuals w r (K x n). Sparse x, as
    glmnet's: ``resid`` holds r less each response's mean shift ``shift_c`` (unweighted), and
    ``weighted_values`` the stored entries times their row's weight."""
    total = 0.0
    for c in range(grad.shape[0]):
        if sparse:
            g = (
                _sparse_dot(indptr, indices, weighted_values, j, resid[c]) + shift[c] * xm[j]
            ) / xs[j]
        else:
            g = _dense_centred_dot(xd[:, j], xm[j], resid[c]) / xs[j]
        grad[c] = g
        total += g * g
    return np.sqrt(total)


@_inner
def _response_block_update(
    grad: np.ndarray,
    old: np.ndarray,
    xv: float,
    penalty: float,
    l1: float,
    l2: float,
    low: np.ndarray,
    high: np.ndarray,
    u: np.ndarray,
    coef: np.ndarray,
    fixed: np.ndarray,
) -> bool:
    """glmnet's block update of one variable's K coefficients ``coef`` (from ``old``, gradient
    ``grad``): ``u = grad + xv old`` with its norm soft-thresholded at ``penalty l1``, shrunk by
    ``xv + penalty l2`` and brought into the limits [low, high] (:func:`_group_limits`). Returns
    False if the limits' solve did not converge."""
    u_norm = 0.0
    for c in range(u.shape[0]):
        u[c] = grad[c] + xv * old[c]
        u_norm += u[c] * u[c]
    u_norm = np.sqrt(u_norm)
    shrink = 1.0 - l1 * penalty / u_norm if u_norm > 0.0 else 0.0
    if shrink <= 0.0:
        coef[:] = 0.0
        return True
    factor = shrink / (xv + l2 * penalty)
    for c in range(u.shape[0]):
        coef[c] = factor * u[c]
    return _group_limits(u, u_norm, xv, low, high, l2 * penalty, l1 * penalty, coef, fixed)


@_inner
def _response_resid_update(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    resid: np.ndarray,
    shift: np.ndarray,
    j: int,
    delta: np.ndarray,
) -> None:
    """The residuals (as :func:`_response_gradient` keeps them) after variable j's standardised
    coefficients moved by ``delta`` (one per response)."""
    for c in range(delta.shape[0]):
        step = delta[c] / xs[j]
        if step == 0.0:
            continue
        if sparse:
            row = resid[c]
            for t in _stored(indptr, j):
                row[indices[t]] -= step * values[t]
            shift[c] += xm[j] * step
        else:
            _dense_centred_update(xd[:, j], xm[j], step, w, resid[c])


@njit(cache=True, nogil=True)
def mgaussian_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    yz: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    xv: np.ndarray,
    usable: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    null_rss: float,
    lambda_factor: float,
    max_active: int,
    max_df: int,
    fdev: float,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for K Gaussian responses (R's ``family = "mgaussian"``), step for step
    as glmnet's multi-response solver.

    Solves ``min 1/2 sum_i w_i ||yz_i - xz_i B||^2 + lam sum_j penalty_j (alpha ||B_j||_2 +
    (1 - alpha)/2 ||B_j||^2)`` with ``B_j`` the K coefficients of variable j (a variable enters
    for all responses at once), ``yz`` (K x n) the centred (and, with R's
    ``standardize.response``, scaled) responses, ``null_rss`` their weighted sum of squares
    (glmnet's ``ys0``), ``w`` summing to 1 and ``lower``/``upper`` (p x K) the limits in
    standardised units. Per lambda, as glmnet: the strong set grows by the sequential rule on the
    gradient norms, passes over the active set (once any were needed) and full passes over the
    strong set until the largest ``xv_j max_c delta_c^2`` is below ``thresh`` (the caller scales
    it by ``null_rss / K``) and no variable outside the strong set violates the KKT condition.
    ``dev_ratio`` is ``1 - rss / null_rss``; the early stop compares the relative fall of the
    residual sum of squares with ``fdev`` and counts the first response's nonzero coefficients
    against ``max_df``. Returns (beta p x K x L, dev_ratio, steps stored, passes, status).
    """
    p = xm.shape[0]
    k = yz.shape[0]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, k, n_lambda))
    dev_ratio = np.zeros(n_lambda)
    if sparse:
        resid = yz.copy()
        weighted_values = np.empty(values.shape[0])
        for j in range(p):
            for t in _stored(indptr, j):
                weighted_values[t] = values[t] * w[indices[t]]
    else:
        resid = np.empty_like(yz)
        for c in range(k):
            for i in range(w.shape[0]):
                resid[c, i] = w[i] * yz[c, i]
        weighted_values = values
    shift = np.zeros(k)
    coef = np.zeros((p, k))
    grad = np.empty(k)
    old = np.empty(k)
    delta = np.empty(k)
    u = np.empty(k)
    fixed = np.zeros(k, dtype=np.bool_)
    abs_grad = np.zeros(p)
    for j in range(p):
        if usable[j]:
            abs_grad[j] = _response_gradient(
                xd, indptr, indices, weighted_values, sparse, xm, xs, resid, shift, j, grad
            )
    strong = np.zeros(p, dtype=np.bool_)
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    rss = null_rss
    passes = 0
    warm = False
    failed = False
    status = STATUS_OK
    n_stored = 0
    previous = 0.0
    for m in range(n_lambda):
        if early_stop and m >= 1:
            if m == 1:
                previous = _first_lambda_max(abs_grad, usable, penalty, alpha)
                lambdas[1] = previous * lambda_factor
            else:
                lambdas[m] = lambdas[m - 1] * lambda_factor
        lam = lambdas[m]
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        rss_before = rss
        strong_cut = alpha * (2.0 * lam - previous)
        for j in range(p):
            if usable[j] and not strong[j] and abs_grad[j] > strong_cut * penalty[j]:
                strong[j] = True
        need_partial = warm
        while True:
            kkt_met = False
            if need_partial:
                warm = True
            # partial passes (over the active set) until converged, then full passes over the
            # strong set until converged with the KKT conditions met
            partial = need_partial
            while True:
                if not partial and passes > max_passes:
                    failed = True
                    break
                passes += 1
                largest_change = 0.0
                for position in range(n_active if partial else p):
                    j = active[position] if partial else position
                    if not partial and not strong[j]:
                        continue
                    _response_gradient(
                        xd, indptr, indices, weighted_values, sparse, xm, xs, resid, shift, j,
                        grad,
                    )  # fmt: skip
                    old[:] = coef[j]
                    if not _response_block_update(
                        grad, old, xv[j], penalty[j], l1, l2, lower[j], upper[j], u, coef[j],
                        fixed,
                    ):  # fmt: skip
                        status = STATUS_MAXIT  # glmnet's bnorm iteration limit stops the path
                        break
                    moved = 0.0
                    for c in range(k):
                        delta[c] = coef[j, c] - old[c]
                        moved = max(moved, abs(delta[c]))
                    if moved == 0.0:
                        continue
                    if not partial:
                        entered = _enter_active(j, in_active, active, n_active, max_active)
                        if entered < 0:
                            status = STATUS_PMAX
                            break
                        n_active = entered
                    largest_change = max(largest_change, xv[j] * moved * moved)
                    for c in range(k):
                        rss -= delta[c] * (2.0 * grad[c] - xv[j] * delta[c])
                    _response_resid_update(
                        xd, indptr, indices, values, sparse, w, xm, xs, resid, shift, j, delta
                    )
                if status != STATUS_OK:
                    failed = True
                    break
                if largest_change < thresh:
                    if partial:
                        partial = False  # converged on the active set: a full pass next
                        continue
                    violated = False
                    for j in range(p):
                        if usable[j] and not strong[j]:
                            abs_grad[j] = _response_gradient(
                                xd, indptr, indices, weighted_values, sparse, xm, xs, resid,
                                shift, j, grad,
                            )  # fmt: skip
                            if abs_grad[j] > l1 * penalty[j]:
                                strong[j] = True
                                violated = True
                    if not violated:
                        kkt_met = True
                    break
                if passes > max_passes:
                    failed = True
                    break
                if not partial:
                    break  # a full pass that did not converge: partial passes next
            if failed or kkt_met:
                break
            need_partial = not (largest_change < thresh)
        if failed:
            break
        beta[:, :, m] = coef
        dev_ratio[m] = 1.0 - rss / null_rss
        n_stored = m + 1
        previous = lam
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            n_nonzero = 0
            for a in range(n_active):
                if coef[active[a], 0] != 0.0:
                    n_nonzero += 1
            change = np.inf if rss == 0.0 else (rss_before - rss) / rss
            if n_nonzero > max_df or change < fdev or dev_ratio[m] > EARLY_STOP_DEVMAX:
                break
    if failed and status == STATUS_OK:
        passes = max(passes, max_passes + 1)
        status = STATUS_MAXIT
    return beta, dev_ratio, n_stored, passes, status
