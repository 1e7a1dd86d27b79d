"""The Cox path for dense right-censored data without strata, as glmnet's Fortran ``coxnet``, step
for step, with the partial-likelihood deviance and Harrell's concordance of ``cv.coxnet``.

Risk sets from its own quicksort (``psort7``, whose order of tied times decides where a censored
time tied with an event falls when the nudge glmnet gives censored times is below their
resolution), penalised IRLS with the diagonal of the Hessian as weights, strong-set and active-set
passes, its scaled ``thresh``, KKT check and early stop, with its single-precision constants: R's
path to rounding at the default ``thresh``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    BIG_LAMBDA,
    EARLY_STOP_DEVMAX,
    EARLY_STOP_MIN_STEPS,
    STATUS_MAXIT,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _centred_dot,
    _dense_centred_weighted_sq,
    _dense_irls_update,
    _first_lambda_max,
    _inner,
    _penalised_update,
    _stored,
    _sum,
)
from statlab.glmnet._kernels.column_sums import centred_products

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
    control: PathControl,
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
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
