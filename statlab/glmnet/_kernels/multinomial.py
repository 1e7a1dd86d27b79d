"""The multinomial path, as glmnet's C++ ``binomial_multi_class`` (ungrouped, R's default) and
``binomial_multi_class_group`` (``type.multinomial = "grouped"``) solvers, dense and sparse.

Ungrouped: as glmnet, penalised IRLS one class at a time (the other classes' linear predictors
held), each variable's coefficients then shifted across classes to the penalty's favourite, from
glmnet's intercept-only start and with its scaled ``thresh``: R's path to rounding. Grouped: as
glmnet, IRLS on a quadratic approximation with one curvature for every class (twice the largest
``p (1 - p)``), the intercepts moved by its Newton step, then block coordinate descent with one
block per variable across classes (the group norm soft-thresholded, box limits by glmnet's
``chkbnds``/``bnorm`` solve), its active-set passes, convergence measure and KKT check, each pass
counting K towards ``maxit``: R's path to rounding, including where ``maxit`` stops it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    BIG_LAMBDA,
    EARLY_STOP_DEVMAX,
    EARLY_STOP_MIN_STEPS,
    PROBABILITY_MIN,
    STATUS_MAXIT,
    STATUS_MIN_VARIANCE,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _centred_dot,
    _dense_centred_axpy,
    _dense_centred_update,
    _enter_active,
    _first_lambda_max,
    _inner,
    _stored,
)
from statlab.glmnet._kernels._group_limits import _group_limits
from statlab.glmnet._kernels.glm import _null_deviance_unit, _weighted_least_squares


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


GROUPED_MIN_CURVATURE = 1e-6  # glmnet.control()$eps: the grouped fit stops below this p (1 - p)
EXPONENT_MAX = 250.0  # glmnet.control()$exmx: linear predictors are clipped to +-EXPONENT_MAX


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
    control: PathControl,
    intercept: bool,
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
    being the weighted variances of the standardised columns. Options, lambdas and returns as
    :func:`~statlab.glmnet._kernels.glm.glm_path`, with intercepts K x L and coefficients
    p x K x L; intercepts are centred to sum to zero, as glmnet reports them. Sparse x is centred implicitly: gradients read only
    the stored entries, with the weighted residual's class sums for the centring.
    """
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
