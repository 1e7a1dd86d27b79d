"""Cox for sparse x, (start, stop] data and strata, where R runs ``cox.path`` (its R code, driven
from :mod:`statlab.glmnet._coxpath`) instead of ``coxnet``: here its ``wls`` solver (glmnet's C++
``gaussian_wls`` point), ``coxgrad`` and ``coxnet.deviance3``, for the counting-process data and
strata those take.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import STATUS_MAXIT, STATUS_OK, _inner, _sparse_dot, _stored


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
