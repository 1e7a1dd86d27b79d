"""The multi-response Gaussian path (R's ``family = "mgaussian"``), as glmnet's C++
``gaussian_multi`` and ``sp_gaussian_multi`` solvers.

Naive updates of the K residuals with one block per variable across responses (the group norm
soft-thresholded, box limits per response by ``chkbnds``), glmnet's strong rule on the gradient
norms, KKT check, pass counting, scaled ``thresh`` and early stop on the residual sum of squares:
R's path to rounding.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    EARLY_STOP_DEVMAX,
    EARLY_STOP_MIN_STEPS,
    STATUS_MAXIT,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _dense_centred_dot,
    _dense_centred_update,
    _enter_active,
    _first_lambda_max,
    _inner,
    _sparse_dot,
    _stored,
)
from statlab.glmnet._kernels._group_limits import _group_limits


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
    control: PathControl,
    null_rss: float,
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
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
