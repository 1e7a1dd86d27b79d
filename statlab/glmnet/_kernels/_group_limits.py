"""glmnet's box limits on a group of coefficients (its ``chkbnds`` and ``bnorm``), shared by the
grouped multinomial and the multi-response Gaussian: the group norm soft-thresholded, then the
coefficients outside their limits fixed there and the norm of the others solved anew.
"""

from __future__ import annotations

import numpy as np

from statlab.glmnet._kernels._common import _inner

BNORM_THRESH = 1e-10  # glmnet.control()$prec: the grouped box-limit solve's tolerance
BNORM_MAX_ITER = 100  # glmnet.control()$mxit: its iteration cap


@_inner
def _group_norm_root(start: float, ridge: float, lasso: float, g: float, fixed_sq: float) -> float:
    """glmnet's ``bnorm``: Newton's method for the norm b >= 0 of a group's free coefficients
    solving ``b (ridge + lasso / sqrt(b^2 + fixed_sq)) = g``, from ``start``, to
    :data:`BNORM_THRESH`; -1 if it does not settle within :data:`BNORM_MAX_ITER` steps."""
    b = start
    z_sq = b * b + fixed_sq
    if z_sq <= 0.0:
        return 0.0
    z = np.sqrt(z_sq)
    f = b * (ridge + lasso / z) - g
    for _ in range(BNORM_MAX_ITER):
        b -= f / (ridge + lasso * fixed_sq / (z * z_sq))
        z_sq = b * b + fixed_sq
        if z_sq <= 0.0:
            return 0.0
        z = np.sqrt(z_sq)
        f = b * (ridge + lasso / z) - g
        if abs(f) <= BNORM_THRESH:
            return b
        if b <= 0.0:
            return 0.0
    return -1.0


@_inner
def _group_limits(
    u: np.ndarray,
    u_norm: float,
    xv: float,
    low: np.ndarray,
    high: np.ndarray,
    l2: float,
    l1: float,
    coef: np.ndarray,
    fixed: np.ndarray,
) -> bool:
    """glmnet's ``chkbnds``: a group's coefficients ``coef`` (the unconstrained update of
    ``u = g + xv b``, norm ``u_norm``, penalties ``l1``, ``l2`` including the factor) brought
    into [low_c, high_c] one coefficient at a time, the farthest outside first, each fixed at its
    bound and the others re-solved with the group norm from :func:`_group_norm_root`. Returns
    False if that solve did not converge."""
    ridge = 1.0 + l2 / xv
    lasso = l1 / xv
    g_sq = u_norm * u_norm
    coef_sq = 0.0
    for c in range(coef.shape[0]):
        fixed[c] = False
        coef_sq += coef[c] * coef[c]
    fixed_sq = 0.0
    bound = 0.0
    while True:
        largest = 0.0
        worst = -1
        for c in range(coef.shape[0]):
            outside = max(coef[c] - high[c], low[c] - coef[c])
            if outside > largest:
                largest = outside
                worst = c
        if largest <= 0.0 or fixed[worst]:
            return True
        g_sq -= u[worst] * u[worst]
        g = np.sqrt(abs(g_sq)) / xv
        if coef[worst] < low[worst]:
            bound = low[worst]
        if coef[worst] > high[worst]:
            bound = high[worst]
        fixed_sq += bound * bound
        if fixed_sq == 0.0:
            b = max(0.0, (g - lasso) / ridge)
        else:
            b = _group_norm_root(
                np.sqrt(abs(coef_sq - coef[worst] * coef[worst])), ridge, lasso, g, fixed_sq
            )
            if b < 0.0:
                return False
        coef_sq = fixed_sq + b * b
        if coef_sq <= 0.0:
            for c in range(coef.shape[0]):
                coef[c] = 0.0
            return True
        coef[worst] = bound
        fixed[worst] = True
        factor = 1.0 / (xv * (ridge + lasso / np.sqrt(coef_sq)))
        for c in range(coef.shape[0]):
            if not fixed[c]:
                coef[c] = factor * u[c]
