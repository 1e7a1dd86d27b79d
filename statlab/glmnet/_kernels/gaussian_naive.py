"""The Gaussian path by naive updates (R's ``type.gaussian = "naive"``), as glmnet's C++
``gaussian_naive`` (dense x) and ``sp_gaussian_naive`` (sparse x) solvers.

The residual is kept and each update takes one inner product with its column, with glmnet's
sequential strong rule and KKT check, in glmnet's order; one compiled kernel per kind of x. Agrees
with R to rounding even at R's default ``thresh``, not only at the optimum.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    STATUS_MAXIT,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _dense_centred_dot,
    _enter_active,
    _first_lambda_max,
    _inner,
    _naive_dense_update,
    _penalised_update,
    _sparse_dot,
    _stops_early,
    _stored,
)


class NaiveProblem(NamedTuple):
    """The data of a naive-update fit, one argument to its kernels (beside x and the
    :class:`~statlab.glmnet._kernels._common.PathControl`)."""

    w: np.ndarray  # row weights summing to 1 (0: the row takes no part)
    yz: np.ndarray  # the response centred and scaled to unit weighted variance
    xm: np.ndarray  # the columns' weighted means (0 without an intercept)
    xs: np.ndarray  # the columns' scales
    xv: np.ndarray  # the standardised columns' weighted sums of squares
    usable: np.ndarray  # the columns taking part (not constant, not excluded)
    abs_grad0: np.ndarray  # |xz' (w yz)|, the gradient at b = 0


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
    problem: NaiveProblem,
    control: PathControl,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for a Gaussian response by naive updates (R's ``type.gaussian = "naive"``),
    step for step as glmnet's naive solver.

    Per lambda: the strong set grows by glmnet's sequential rule (``|grad_j| > alpha (2 lam -
    lam_prev)``); passes over the active set (once any were needed), then full passes over the strong
    set until the largest ``xv_k * delta^2`` is below ``thresh`` and no variable outside the strong
    set violates the KKT condition (both thresholds scaled by ``penalty[j]``). Same problem,
    options and returns as :func:`~statlab.glmnet._kernels.gaussian_cov.gaussian_cov_path`, the
    data in ``problem``.
    """
    w, yz, xm, xs, xv, usable, abs_grad0 = problem
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
    problem: NaiveProblem,
    control: PathControl,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    return _gaussian_naive_path(xd, indptr, indices, values, True, problem, control)


@njit(cache=True, nogil=True)
def _gaussian_naive_path_dense(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    problem: NaiveProblem,
    control: PathControl,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    return _gaussian_naive_path(xd, indptr, indices, values, False, problem, control)


def gaussian_naive_path(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    problem: NaiveProblem,
    control: PathControl,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Elastic-net path for a Gaussian response by naive updates: :func:`_gaussian_naive_path`
    compiled for sparse or for dense x."""
    kernel = _gaussian_naive_path_sparse if sparse else _gaussian_naive_path_dense
    return kernel(xd, indptr, indices, values, problem, control)
