"""The Gaussian path by covariance updates (R's ``type.gaussian = "covariance"``), as glmnet's C++
``elnet_path``/``elnet_point`` ``gaussian_cov`` (dense x) and ``sp_gaussian_cov`` (sparse x).

Covariance updates of the gradient through Gram rows of the variables ever active, pass for pass
as glmnet's core: full passes over all columns, passes over the active set in between, the same
convergence rule (largest ``xv_j * delta^2`` below ``thresh``), pass counting (``maxit``) and early
stopping of the path. The rows come from a sweep of x per variable entering, or from rows computed
beforehand (cross-validation's fits share one BLAS product of x with the columns their paths
reach). Agrees with R to rounding even at R's default ``thresh``, not only at the optimum.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    _VECTORISE,
    STATUS_MAXIT,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
    _dense_centred_dot,
    _first_lambda_max,
    _inner,
    _shrunk_update,
    _sparse_dot,
    _stops_early,
    _stored,
)


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
    control: PathControl,
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

    glmnet's options, in ``control`` (:class:`PathControl`): variable j's penalty is scaled by ``penalty[j]`` (renormalised penalty
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
    (alpha, lambdas, early_stop, thresh, max_passes, penalty, lower, upper, lambda_factor,
     max_active, max_df, fdev) = control  # fmt: skip
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
