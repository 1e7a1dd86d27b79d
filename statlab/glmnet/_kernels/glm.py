"""The binomial and Poisson paths, as glmnet's C++ ``binomial_two_class`` and ``poisson_naive``
solvers (and their sparse ``sp_`` versions).

Iteratively reweighted least squares around penalised coordinate descent, with an offset and the
intercept unpenalised, a sequential strong-rule screen with a KKT check, glmnet's deviance-ratio
early stopping and its probability bounds. As glmnet, ``thresh`` is scaled by the null deviance per
unit weight, so at R's default ``thresh`` the passes are glmnet's and the path agrees with R to
rounding. The penalised weighted least squares here also serves the ungrouped multinomial.
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
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _dense_centred_dot,
    _dense_centred_weighted_sq,
    _dense_irls_update,
    _enter_active,
    _first_lambda_max,
    _inner,
    _penalised_update,
    _sparse_dot,
    _stored,
    _sum,
)
from statlab.glmnet._kernels.column_sums import centred_products

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
    control: PathControl,
    intercept: bool,
    modified_newton: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int, float]:
    """Elastic-net path for a 0/1 (``family=BINOMIAL``) or count (``POISSON``) response by
    penalised IRLS.

    Solves ``min -sum w loglik(offset + a0 + xz b) + lam (alpha |b|_1 + (1-alpha)/2 |b|^2)`` with
    ``w`` summing to 1 and ``xz`` the implicitly standardised x. The options (``control``)
    are those of :func:`~statlab.glmnet._kernels.gaussian_cov.gaussian_cov_path`; without ``intercept`` a0 stays 0 (the null
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
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
