"""Sweeps of x outside the paths: the weighted column means, variances and non-constant columns
glmnet standardises with (its C++ driver's ``standardize`` and ``chkvars``), the gradient
``xz' v`` at the first step, and the held-out rows' sums that let ``cv.glmnet``'s Gaussian fits
share one sweep of dense x.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from statlab.glmnet._kernels._common import (
    _VECTORISE,
    _centred_dot,
    _dense_centred_weighted_sq,
    _stored,
)


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
