"""The weighted elastic-net solve at one lambda inside glmnet's general GLM path: R glmnet
4.1-6's ``elnet.fit`` (glmnetpp's ``wls``), compiled with numba.

It keeps, from one call to the next (IRLS iterations, then lambdas), what glmnet's warm start
keeps: the coefficients and intercept, the strong set, the variables ever active in order of
entry, the pass count (``maxit`` caps the whole path's passes) and whether active-set passes
have run once (later calls then start with them). Per call: each usable variable's gradient
from the working residual, the strong rule at ``alpha (2 lam - previous lam)``, full passes over
the strong set alternating with passes over the active set until ``max xv_j d_j^2`` (intercept:
``sum(v) d^2``) falls below ``thresh``, then a KKT check of the variables outside the strong set.
x is centred and scaled implicitly (``xm``, ``xs``), dense or CSC, as in
:mod:`statlab.glmnet._kernels`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numba.core.dispatcher import Dispatcher

from statlab.glmnet._kernels._common import (
    STATUS_MAXIT,
    STATUS_OK,
    _centred_dot,
    _inner,
    _penalised_update,
    _stored,
    _sum,
)


def dispatchers() -> dict[str, Any]:
    """This module's kernels Python calls, by name (see :func:`statlab.glmnet._kernels.dispatchers`)."""
    return {
        name: value
        for name, value in globals().items()
        if isinstance(value, Dispatcher)
        and value.py_func.__module__ == __name__
        and value.targetoptions.get("inline", "never") == "never"
    }


@_inner
def _weighted_sq(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    j: int,
    v: np.ndarray,
    v_sum: float,
) -> float:
    """sum_i v_i ((x_ij - xm_j) / xs_j)^2."""
    if sparse:
        sq = 0.0
        vx = 0.0
        for t in _stored(indptr, j):
            weighted = v[indices[t]] * values[t]
            sq += weighted * values[t]
            vx += weighted
        return (sq - 2.0 * xm[j] * vx + xm[j] * xm[j] * v_sum) / (xs[j] * xs[j])
    total = 0.0
    column = xd[:, j]
    for i in range(column.shape[0]):
        d = column[i] - xm[j]
        total += v[i] * d * d
    return total / (xs[j] * xs[j])


@_inner
def _residual_update(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    j: int,
    step: float,
    v: np.ndarray,
    r: np.ndarray,
) -> None:
    """r_i -= step * v_i * (x_ij - xm_j) / xs_j."""
    scaled = step / xs[j]
    if sparse:
        for t in _stored(indptr, j):
            i = indices[t]
            r[i] -= scaled * v[i] * values[t]
        shift = scaled * xm[j]
        for i in range(r.shape[0]):
            r[i] += shift * v[i]
    else:
        column = xd[:, j]
        for i in range(r.shape[0]):
            r[i] -= scaled * v[i] * (column[i] - xm[j])


@_inner
def _coordinate_pass(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    v: np.ndarray,
    v_sum: float,
    r: np.ndarray,
    coef: np.ndarray,
    members: np.ndarray,
    xv: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    l1: float,
    l2: float,
    in_active: np.ndarray,
    active: np.ndarray,
    n_active: int,
) -> tuple[float, int]:
    """One pass of coordinate updates over ``members``; returns the largest ``xv_j d_j^2`` and
    the number of variables ever active."""
    largest = 0.0
    for k in members:
        r_sum = _sum(r) if sparse else 0.0
        gk = _centred_dot(xd, indptr, indices, values, sparse, xm[k], k, r, r_sum) / xs[k]
        old = coef[k]
        new = _penalised_update(gk + old * xv[k], xv[k], l1, l2, penalty[k], lower[k], upper[k])
        if new == old:
            continue
        coef[k] = new
        if not in_active[k]:
            in_active[k] = True
            active[n_active] = k
            n_active += 1
        d = new - old
        _residual_update(xd, indptr, indices, values, sparse, xm, xs, k, d, v, r)
        largest = max(largest, xv[k] * d * d)
    return largest, n_active


@njit(cache=True, nogil=True)
def wls_point(
    xd: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    sparse: bool,
    xm: np.ndarray,
    xs: np.ndarray,
    v: np.ndarray,
    r: np.ndarray,
    coef: np.ndarray,
    a0: float,
    usable: np.ndarray,
    strong: np.ndarray,
    xv: np.ndarray,
    abs_grad: np.ndarray,
    in_active: np.ndarray,
    active: np.ndarray,
    n_active: int,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lam: float,
    previous_lam: float,
    alpha: float,
    intercept: bool,
    thresh: float,
    max_passes: int,
    passes: int,
    warm: bool,
) -> tuple[float, int, int, bool, int]:
    """Minimise ``1/2 sum v (z - a0 - xz b)^2 + lam sum penalty (alpha |b| + (1-alpha)/2 b^2)``
    with ``r = v (z - a0 - xz b)`` the weighted residual at the current ``coef``/``a0``, as
    glmnet's ``wls``. ``coef``, ``r``, ``strong``, ``xv``, ``abs_grad``, ``in_active`` and
    ``active`` are updated in place. Returns (intercept, variables ever active, passes, warm,
    status)."""
    p = xm.shape[0]
    v_sum = _sum(v)
    r_sum = _sum(r)
    for j in range(p):
        if usable[j]:
            abs_grad[j] = abs(
                _centred_dot(xd, indptr, indices, values, sparse, xm[j], j, r, r_sum) / xs[j]
            )
    for j in range(p):
        if strong[j]:
            xv[j] = _weighted_sq(xd, indptr, indices, values, sparse, xm, xs, j, v, v_sum)
    l1 = lam * alpha
    l2 = lam * (1.0 - alpha)
    strong_cut = alpha * (2.0 * lam - previous_lam)
    for j in range(p):
        if usable[j] and not strong[j] and abs_grad[j] > strong_cut * penalty[j]:
            strong[j] = True
            xv[j] = _weighted_sq(xd, indptr, indices, values, sparse, xm, xs, j, v, v_sum)
    active_first = warm
    while True:
        if not active_first:
            passes += 1
            largest, n_active = _coordinate_pass(
                xd, indptr, indices, values, sparse, xm, xs, v, v_sum, r, coef,
                np.flatnonzero(strong), xv, penalty, lower, upper, l1, l2, in_active, active,
                n_active,
            )  # fmt: skip
            a0, largest = _intercept_step(a0, largest, intercept, v, v_sum, r)
            if largest < thresh:
                entered = False
                r_sum = _sum(r)
                for j in range(p):
                    if usable[j] and not strong[j]:
                        g = _centred_dot(xd, indptr, indices, values, sparse, xm[j], j, r, r_sum)
                        abs_grad[j] = abs(g / xs[j])
                        if abs_grad[j] > l1 * penalty[j]:
                            strong[j] = True
                            xv[j] = _weighted_sq(
                                xd, indptr, indices, values, sparse, xm, xs, j, v, v_sum
                            )
                            entered = True
                if entered:
                    continue
                return a0, n_active, passes, warm, STATUS_OK
            if passes > max_passes:
                return a0, n_active, passes, warm, STATUS_MAXIT
        active_first = False
        warm = True
        while True:
            passes += 1
            largest, n_active = _coordinate_pass(
                xd, indptr, indices, values, sparse, xm, xs, v, v_sum, r, coef,
                active[:n_active].copy(), xv, penalty, lower, upper, l1, l2, in_active, active,
                n_active,
            )  # fmt: skip
            a0, largest = _intercept_step(a0, largest, intercept, v, v_sum, r)
            if largest < thresh:
                break
            if passes > max_passes:
                return a0, n_active, passes, warm, STATUS_MAXIT


@_inner
def _intercept_step(
    a0: float, largest: float, intercept: bool, v: np.ndarray, v_sum: float, r: np.ndarray
) -> tuple[float, float]:
    """The intercept's update after a pass, as glmnet's: the weighted mean residual."""
    if not intercept:
        return a0, largest
    d = _sum(r) / v_sum
    if d == 0.0:
        return a0, largest
    for i in range(r.shape[0]):
        r[i] -= d * v[i]
    return a0 + d, max(largest, v_sum * d * d)
