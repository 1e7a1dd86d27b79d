"""Compiled coordinate-descent kernels reproducing R glmnet 4.1-6's path algorithms.

No maintained Python package runs glmnet's algorithm on current NumPy/SciPy (glmnet-py fails at import,
python-glmnet needs numpy.distutils), and scikit-learn's coordinate descent is 30-145x slower than R on
the course's problems, so the algorithm is written here and compiled with numba:

* Gaussian, ``covariance`` (R's ``type.gaussian = "covariance"``): covariance updates of the gradient
  through Gram rows of the variables ever active, pass for pass as glmnet's C++ core: full passes over
  all columns, passes over the active set in between, the same convergence rule (largest
  ``xv_j * delta^2`` below ``thresh``), pass counting (``maxit``) and early stopping of the path.
* Gaussian, ``naive``: the residual is kept and each update takes one inner product with its column,
  with glmnet's sequential strong rule and KKT check, in glmnet's order. Both agree with R to rounding
  even at R's default ``thresh``, not only at the optimum.
* Binomial: iteratively reweighted least squares around penalised coordinate descent, with the
  intercept unpenalised, a sequential strong-rule screen with a KKT check, glmnet's deviance-ratio
  early stopping and its probability bounds. Its iterations are not glmnet's, so it meets R at the
  optimum (``thresh`` small) rather than step for step.

Data are never copied or standardised up front. ``x`` is either a column-major dense matrix or a CSC
matrix (``indptr``, ``indices``, ``values``); every kernel reads whole columns only, and centres and
scales implicitly with the weighted column means ``xm`` and scales ``xs``, as glmnet does for sparse
``x``. Rows of weight zero take no part in a fit, so a cross-validation fold is the full ``x`` with the
held-out rows' weights set to zero, and no fold copies ``x``. The dense inner loops are compiled with
reassociation allowed so that they vectorise (deterministic for a given machine).

Kernels compile on first call (never at import) and are cached on disk by numba (``cache=True``).
Lambdas are in the standardised problem's units. A path of glmnet's own starts at ``BIG_LAMBDA`` (its
"lambda = infinity") and stops early (``early_stop``); a user-supplied sequence is solved in full.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EARLY_STOP_MIN_STEPS = 5  # glmnet.control()$mnlam
EARLY_STOP_FDEV = 1e-5  # glmnet.control()$fdev
EARLY_STOP_DEVMAX = 0.999  # glmnet.control()$devmax
PROBABILITY_MIN = 1e-9  # glmnet.control()$pmin
BIG_LAMBDA = 9.9e35  # glmnet.control()$big: the path's first step, where every coefficient is 0

_VECTORISE = {"reassoc", "contract", "nsz"}


@njit(cache=True, inline="always")
def _soft_threshold(u: float, threshold: float) -> float:
    magnitude = abs(u) - threshold
    if magnitude <= 0.0:
        return 0.0
    return magnitude if u > 0.0 else -magnitude


# --- column primitives: dense (column-major) --------------------------------------------------------


@njit(cache=True, fastmath=_VECTORISE)
def _dense_centred_dot(column: np.ndarray, mean: float, v: np.ndarray) -> float:
    """sum_i (x_i - mean) v_i."""
    total = 0.0
    for i in range(column.shape[0]):
        total += (column[i] - mean) * v[i]
    return total


@njit(cache=True, fastmath=_VECTORISE)
def _dense_centred_weighted_sq(column: np.ndarray, mean: float, v: np.ndarray) -> float:
    """sum_i v_i (x_i - mean)^2."""
    total = 0.0
    for i in range(column.shape[0]):
        d = column[i] - mean
        total += v[i] * d * d
    return total


@njit(cache=True, fastmath=_VECTORISE)
def _dense_centred_update(
    column: np.ndarray, mean: float, step: float, v: np.ndarray, out: np.ndarray
) -> None:
    """out_i -= step * v_i * (x_i - mean)."""
    for i in range(column.shape[0]):
        out[i] -= step * v[i] * (column[i] - mean)


@njit(cache=True, fastmath=_VECTORISE)
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


@njit(cache=True, fastmath=_VECTORISE)
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
def _sparse_dot(
    indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, j: int, v: np.ndarray
) -> float:
    """sum over the stored entries of column j of x_ij v_i."""
    total = 0.0
    for t in range(indptr[j], indptr[j + 1]):
        total += values[t] * v[indices[t]]
    return total


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
            for t in range(indptr[j], indptr[j + 1]):
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
            if sparse:
                out[j] = (_sparse_dot(indptr, indices, values, j, v) - xm[j] * v_sum) / xs[j]
            else:
                out[j] = _dense_centred_dot(xd[:, j], xm[j], v) / xs[j]
    return out


# --- Gaussian: covariance updates ------------------------------------------------------------------


@njit(cache=True, nogil=True)
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
) -> None:
    """Fill ``gram[row, j]`` = weighted covariance of standardised columns j and k (the Gram row of
    the variable k becoming active), copying the entries of variables already active."""
    p = xm.shape[0]
    n = w.shape[0]
    if sparse:
        for t in range(indptr[k], indptr[k + 1]):
            scratch[indices[t]] = w[indices[t]] * values[t]
    else:
        column = xd[:, k]
        for i in range(n):
            scratch[i] = w[i] * (column[i] - xm[k])
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
            gram[row, j] = _dense_centred_dot(xd[:, j], xm[j], scratch) / (xs[j] * xs[k])
    if sparse:
        for t in range(indptr[k], indptr[k + 1]):
            scratch[indices[t]] = 0.0


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
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Elastic-net path for a Gaussian response by covariance updates, step for step as glmnet's
    covariance solver: full passes over every usable coefficient until the largest
    ``xv_k * delta^2`` is below ``thresh``, with passes over the active set in between (and first,
    once any were needed), the gradient kept by covariance updates.

    Solves, for each lambda, ``min 1/2 sum w (yz - xz b)^2 + lam (alpha |b|_1 + (1-alpha)/2 |b|^2)``
    with ``xz`` the implicitly standardised x, ``w`` summing to 1 and ``yz`` centred with unit
    weighted variance; ``grad0`` is ``xz' (w yz)``.
    Returns (coefficients p x L, R^2 per step, number of steps stored, total passes); the number
    of passes exceeds ``max_passes`` when a step did not converge (that step is not stored).
    """
    n = w.shape[0]
    p = xm.shape[0]
    n_lambda = lambdas.shape[0]
    beta = np.zeros((p, n_lambda))
    rsq_path = np.zeros(n_lambda)
    capacity = min(p, 64)
    gram = np.zeros((capacity, p))  # gram[a, :] = covariances of the a-th variable to become active
    slot = np.full(p, -1)  # position of each variable in the active list, -1 if never active
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    coef = np.zeros(p)
    grad = grad0.copy()
    coef_before = np.zeros(p)
    scratch = np.zeros(n)
    rsq = 0.0
    passes = 0
    warm = False
    n_stored = 0
    for m in range(n_lambda):
        lam = lambdas[m]
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        rsq_before = rsq
        converged = True
        while True:
            if warm:
                # passes over the active set only
                for a in range(n_active):
                    coef_before[a] = coef[active[a]]
                while True:
                    passes += 1
                    largest_change = 0.0
                    for a in range(n_active):
                        k = active[a]
                        old = coef[k]
                        new = _soft_threshold(grad[k] + old * xv[k], l1) / (xv[k] + l2)
                        if new == old:
                            continue
                        delta = new - old
                        coef[k] = new
                        largest_change = max(largest_change, xv[k] * delta * delta)
                        rsq += delta * (2.0 * grad[k] - delta * xv[k])
                        for b in range(n_active):
                            grad[active[b]] -= gram[a, active[b]] * delta
                    if largest_change < thresh:
                        break
                    if passes > max_passes:
                        converged = False
                        break
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
            # a full pass over every usable variable
            passes += 1
            largest_change = 0.0
            for k in range(p):
                if not usable[k]:
                    continue
                old = coef[k]
                new = _soft_threshold(grad[k] + old * xv[k], l1) / (xv[k] + l2)
                if new == old:
                    continue
                if slot[k] < 0:
                    if n_active == capacity:
                        capacity = min(p, 2 * capacity)
                        grown = np.zeros((capacity, p))
                        grown[:n_active] = gram[:n_active]
                        gram = grown
                    slot[k] = n_active
                    active[n_active] = k
                    _gram_row(
                        xd, indptr, indices, values, sparse, w, xm, xs, xv, usable, slot, gram,
                        n_active, k, scratch,
                    )  # fmt: skip
                    n_active += 1
                delta = new - old
                coef[k] = new
                largest_change = max(largest_change, xv[k] * delta * delta)
                rsq += delta * (2.0 * grad[k] - delta * xv[k])
                row = slot[k]
                for j in range(p):
                    if usable[j]:
                        grad[j] -= gram[row, j] * delta
            if largest_change < thresh:
                break
            if passes > max_passes:
                converged = False
                break
            warm = True
        if not converged:
            break
        beta[:, m] = coef
        rsq_path[m] = rsq
        n_stored = m + 1
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            change = np.inf if rsq == 0.0 else (rsq - rsq_before) / rsq
            if change < EARLY_STOP_FDEV or rsq > EARLY_STOP_DEVMAX:
                break
    return beta, rsq_path, n_stored, passes


# --- Gaussian: naive updates -----------------------------------------------------------------------


@njit(cache=True, inline="always")
def _naive_gradient(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    weighted_values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    resid: np.ndarray,
    offset: float,
    k: int,
) -> float:
    """<xz_k, w r>. Dense x: ``resid`` is the weighted residual w r. Sparse x (``weighted_values``
    the stored entries times their row's weight): ``resid`` is the residual less ``offset``
    (glmnet's mean-shift correction), unweighted, as in glmnet."""
    if sparse:
        return (_sparse_dot(indptr, indices, weighted_values, k, resid) + offset * xm[k]) / xs[k]
    return _dense_centred_dot(xd[:, k], xm[k], resid) / xs[k]


@njit(cache=True, nogil=True)
def gaussian_naive_path(
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
    lambda_max: float,
    early_stop: bool,
    thresh: float,
    max_passes: int,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Elastic-net path for a Gaussian response by naive updates (R's ``type.gaussian = "naive"``),
    step for step as glmnet's naive solver.

    Per lambda: the strong set grows by glmnet's sequential rule (``|grad_j| > alpha (2 lam -
    lam_prev)``); passes over the active set (once any were needed), then full passes over the strong
    set until the largest ``xv_k * delta^2`` is below ``thresh`` and no variable outside the strong
    set violates the KKT condition. Same problem, arguments and returns as
    :func:`gaussian_cov_path`; ``abs_grad0`` is ``|xz' (w yz)|`` and ``lambda_max`` the path's
    largest finite lambda.
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
        resid = yz.copy()
        weighted_values = np.empty(values.shape[0])
        for t in range(values.shape[0]):
            weighted_values[t] = w[indices[t]] * values[t]
    else:
        resid = w * yz
        weighted_values = values
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
    n_stored = 0
    previous = 0.0
    for m in range(n_lambda):
        lam = lambdas[m]
        if early_stop and m == 1:
            previous = lambda_max
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        rsq_before = rsq
        strong_cut = alpha * (2.0 * lam - previous)
        for j in range(p):
            if usable[j] and not strong[j] and abs_grad[j] > strong_cut:
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
                            xd, indptr, indices, weighted_values, sparse, xm, xs, resid, offset, k
                        )
                        old = coef[k]
                        new = _soft_threshold(g + old * xv[k], l1) / (xv[k] + l2)
                        if new == old:
                            continue
                        delta = new - old
                        coef[k] = new
                        largest_change = max(largest_change, xv[k] * delta * delta)
                        rsq += delta * (2.0 * g - delta * xv[k])
                        step = delta / xs[k]
                        if sparse:
                            for t in range(indptr[k], indptr[k + 1]):
                                resid[indices[t]] -= step * values[t]
                            offset += step * xm[k]
                        else:
                            _naive_dense_update(xd[:, k], xm[k], step, w, equal_weight, resid)
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
                        xd, indptr, indices, weighted_values, sparse, xm, xs, resid, offset, k
                    )
                    old = coef[k]
                    new = _soft_threshold(g + old * xv[k], l1) / (xv[k] + l2)
                    if new == old:
                        continue
                    if not in_active[k]:
                        in_active[k] = True
                        active[n_active] = k
                        n_active += 1
                    delta = new - old
                    coef[k] = new
                    largest_change = max(largest_change, xv[k] * delta * delta)
                    rsq += delta * (2.0 * g - delta * xv[k])
                    step = delta / xs[k]
                    if sparse:
                        for t in range(indptr[k], indptr[k + 1]):
                            resid[indices[t]] -= step * values[t]
                        offset += step * xm[k]
                    else:
                        _naive_dense_update(xd[:, k], xm[k], step, w, equal_weight, resid)
                if largest_change >= thresh:
                    if passes > max_passes:
                        failed = True
                    break
                violated = False
                for j in range(p):
                    if usable[j] and not strong[j]:
                        abs_grad[j] = abs(
                            _naive_gradient(
                                xd,
                                indptr,
                                indices,
                                weighted_values,
                                sparse,
                                xm,
                                xs,
                                resid,
                                offset,
                                j,
                            )
                        )
                        if abs_grad[j] > l1:
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
        beta[:, m] = coef
        rsq_path[m] = rsq
        n_stored = m + 1
        previous = lam
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            change = np.inf if rsq == 0.0 else (rsq - rsq_before) / rsq
            if change < EARLY_STOP_FDEV or rsq > EARLY_STOP_DEVMAX:
                break
    if failed:
        passes = max(passes, max_passes + 1)
    return beta, rsq_path, n_stored, passes


# --- binomial --------------------------------------------------------------------------------------


@njit(cache=True)
def _binomial_deviance(y: np.ndarray, w: np.ndarray, eta: np.ndarray) -> float:
    dev = 0.0
    for i in range(y.shape[0]):
        if w[i] == 0.0:
            continue
        prob = 1.0 / (1.0 + np.exp(-eta[i]))
        prob = min(max(prob, PROBABILITY_MIN), 1.0 - PROBABILITY_MIN)
        dev -= 2.0 * w[i] * (y[i] * np.log(prob) + (1.0 - y[i]) * np.log(1.0 - prob))
    return dev


@njit(cache=True, nogil=True)
def binomial_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    w: np.ndarray,
    y: np.ndarray,
    xm: np.ndarray,
    xs: np.ndarray,
    usable: np.ndarray,
    alpha: float,
    lambdas: np.ndarray,
    early_stop: bool,
    thresh: float,
    max_passes: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Elastic-net path for a 0/1 response by penalised IRLS.

    Solves ``min -sum w loglik(a0 + xz b) + lam (alpha |b|_1 + (1-alpha)/2 |b|^2)`` with ``w`` summing
    to 1 and ``xz`` the implicitly standardised x. Returns (intercepts L, coefficients p x L,
    deviance ratio per step, steps stored, passes).

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
    ybar = 0.0
    for i in range(n):
        ybar += w[i] * y[i]
    a0 = np.log(ybar / (1.0 - ybar))
    coef = np.zeros(p)
    eta = np.full(n, a0)
    null_dev = _binomial_deviance(y, w, eta)
    screened = np.zeros(p, dtype=np.bool_)
    prob = np.zeros(n)
    v = np.zeros(n)
    resid = np.zeros(n)
    xv = np.zeros(p)
    vx = np.zeros(p)  # sparse: sum_i v_i x_ij over the stored entries
    in_active = np.zeros(p, dtype=np.bool_)
    active = np.empty(p, dtype=np.int64)
    n_active = 0
    passes = 0
    previous_lambda = BIG_LAMBDA
    n_stored = 0
    previous_ratio = 0.0
    for m in range(n_lambda):
        lam = lambdas[m]
        if lam >= BIG_LAMBDA:
            a0_path[m] = a0
            n_stored = m + 1
            continue
        l1 = alpha * lam
        l2 = (1.0 - alpha) * lam
        for i in range(n):
            resid[i] = w[i] * (y[i] - 1.0 / (1.0 + np.exp(-eta[i])))
        grad = centred_products(xd, indptr, indices, values, sparse, xm, xs, usable, resid)
        strong_cut = alpha * (2.0 * lam - previous_lambda) if previous_lambda < BIG_LAMBDA else l1
        for j in range(p):
            if usable[j] and not screened[j] and abs(grad[j]) > strong_cut:
                screened[j] = True
        while True:
            # quadratic approximation at the current fit
            v_sum = 0.0
            for i in range(n):
                prob[i] = 1.0 / (1.0 + np.exp(-eta[i]))
                prob[i] = min(max(prob[i], PROBABILITY_MIN), 1.0 - PROBABILITY_MIN)
                v[i] = w[i] * prob[i] * (1.0 - prob[i])
                resid[i] = w[i] * (y[i] - prob[i])
                v_sum += v[i]
            for j in range(p):
                if screened[j]:
                    if sparse:
                        vx[j] = _sparse_dot(indptr, indices, values, j, v)
                        sq = 0.0
                        for t in range(indptr[j], indptr[j + 1]):
                            sq += v[indices[t]] * values[t] * values[t]
                        xv[j] = (sq - 2.0 * xm[j] * vx[j] + xm[j] * xm[j] * v_sum) / (xs[j] * xs[j])
                    else:
                        xv[j] = _dense_centred_weighted_sq(xd[:, j], xm[j], v) / (xs[j] * xs[j])
            coef_before = coef.copy()
            a0_before = a0
            # weighted least squares: a full pass over the screened set, then passes over the
            # variables ever active until they settle, then a full pass again (as glmnet)
            partial = False
            while passes <= max_passes:
                passes += 1
                members = active[:n_active].copy() if partial else np.flatnonzero(screened)
                largest_change = 0.0
                resid_sum = 0.0
                for i in range(n):
                    resid_sum += resid[i]
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
                    new = _soft_threshold(g + xv[j] * old, l1) / (xv[j] + l2)
                    if new == old:
                        continue
                    if not in_active[j]:
                        in_active[j] = True
                        active[n_active] = j
                        n_active += 1
                    delta = new - old
                    coef[j] = new
                    largest_change = max(largest_change, xv[j] * delta * delta)
                    step = delta / xs[j]
                    if sparse:
                        for t in range(indptr[j], indptr[j + 1]):
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
                r_sum = 0.0
                for i in range(n):
                    r_sum += resid[i]
                delta0 = r_sum / v_sum
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
            outer_change = v_sum * (a0 - a0_before) ** 2
            for j in range(p):
                outer_change = max(outer_change, xv[j] * (coef[j] - coef_before[j]) ** 2)
            if passes > max_passes:
                break
            if outer_change < thresh:
                # converged at this quadratic approximation: check the unscreened gradients
                violation = False
                for i in range(n):
                    resid[i] = w[i] * (y[i] - 1.0 / (1.0 + np.exp(-eta[i])))
                grad = centred_products(
                    xd, indptr, indices, values, sparse, xm, xs, usable & ~screened, resid
                )
                for j in range(p):
                    if usable[j] and not screened[j] and abs(grad[j]) > l1:
                        screened[j] = True
                        violation = True
                if not violation:
                    break
        beta[:, m] = coef
        a0_path[m] = a0
        ratio = 1.0 - _binomial_deviance(y, w, eta) / null_dev
        dev_ratio[m] = ratio
        n_stored = m + 1
        previous_lambda = lam
        if passes > max_passes:
            break
        if early_stop and m + 1 >= EARLY_STOP_MIN_STEPS:
            if ratio - previous_ratio < EARLY_STOP_FDEV or ratio > EARLY_STOP_DEVMAX:
                break
        previous_ratio = ratio
    return a0_path, beta, dev_ratio, n_stored, passes
