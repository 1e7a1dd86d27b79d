"""Binomial and Poisson glmnet paths on Dask input: glmnet's penalised IRLS, step for step as the
Python engine's ``glm_path``, with one blockwise pass over the rows per quadratic approximation.

Each pass evaluates the linear predictor of the current coefficients block by block and sums
what the next steps need: the working weights' Gram ``Z'VZ`` of the standardised columns
``Z = (X - m) / s`` (m, s the fit's column means and sds), ``Z'V1``, the working residuals'
gradients (with and without glmnet's probability clipping), their sums and the deviance. The
coordinate descent of one quadratic approximation then runs in memory on that Gram, updating the
gradient by Gram columns where the in-memory engine updates the residuals by data columns: the
same coordinate steps, so the same path to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from statlab import _validation as check
from statlab.glmnet._kernels import _common as k
from statlab.glmnet._kernels._common import (
    PROBABILITY_MIN,
    STATUS_OK,
    STATUS_PMAX,
    _enter_active,
    _penalised_update,
)
from statlab.glmnet._paths import PathArrays, empty_path_message


@dataclass(frozen=True)
class _PassSums:
    """Sums over a fit's rows at one linear predictor (weights normalised to the fit's total)."""

    v_sum: float  # sum v (working weights, from clipped probabilities)
    gram: np.ndarray  # p x p: Z'VZ
    z_v: np.ndarray  # p: Z'v
    resid_sum: float  # sum w (y - clipped mean)
    gradient: np.ndarray  # p: Z' w (y - clipped mean)
    raw_gradient: np.ndarray  # p: Z' w (y - mean)
    raw_resid_sum: float  # sum w (y - mean)
    information: float  # sum w mean' (unclipped: p (1 - p), or the Poisson mean)
    deviance: float

    def __add__(self, other: _PassSums) -> _PassSums:
        return _PassSums(*(getattr(self, f) + getattr(other, f) for f in _PASS_FIELDS))


_PASS_FIELDS = (
    "v_sum", "gram", "z_v", "resid_sum", "gradient", "raw_gradient", "raw_resid_sum",
    "information", "deviance",
)  # fmt: skip


def _block_pass(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    offset: np.ndarray | None,
    groups: np.ndarray | None,
    left_out: int,
    weight_total: float,
    centre: np.ndarray,
    scale: np.ndarray,
    a0: float,
    coef: np.ndarray,
    poisson: bool,
) -> _PassSums:
    """One block's :class:`_PassSums` (rows of fold ``left_out`` weigh 0)."""
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    if groups is not None and left_out > 0:
        w = np.where(groups == left_out, 0.0, w)
    w = w / weight_total
    counted = w > 0  # rows of weight 0 (a held-out fold) may overflow: they count for nothing
    z = (x - centre) / scale
    eta = z @ coef + a0
    if offset is not None:
        eta += offset
    if poisson:
        mean = np.exp(eta)
        clipped, slope = mean, mean
        positive = y > 0
        saturated = np.where(positive, y * np.log(np.where(positive, y, 1.0) / mean), 0.0)
        deviance = float(2.0 * (w[counted] @ (saturated - (y - mean))[counted]))
    else:
        mean = 1.0 / (1.0 + np.exp(-eta))
        clipped = np.clip(mean, PROBABILITY_MIN, 1.0 - PROBABILITY_MIN)
        slope = mean * (1.0 - mean)
        log_likelihood = y * np.log(clipped) + (1.0 - y) * np.log(1.0 - clipped)
        deviance = float(-2.0 * (w[counted] @ log_likelihood[counted]))
    v = w * (clipped if poisson else clipped * (1.0 - clipped))
    resid, raw_resid = w * (y - clipped), w * (y - mean)
    root = z * np.sqrt(v)[:, None]
    return _PassSums(
        float(v.sum()), root.T @ root, v @ z, float(resid.sum()), resid @ z, raw_resid @ z,
        float(raw_resid.sum()), float(w @ slope), deviance,
    )  # fmt: skip


def _sum_all(*parts: _PassSums) -> _PassSums:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


@dataclass
class _Passes:
    """Runs blockwise passes over ``data`` for one fit (the rows not in fold ``left_out``)."""

    data: Any
    groups: Any
    left_out: int
    weight_total: float
    centre: np.ndarray
    scale: np.ndarray
    poisson: bool

    def at(self, a0: float, coef: np.ndarray) -> _PassSums:
        from statlab.glmnet import _dask

        _dask.announce_pass(f"IRLS pass (fold {self.left_out})" if self.left_out else "IRLS pass")
        return _dask.blockwise_reduce(
            self.data, self.groups, _block_pass, _sum_all, self.left_out, self.weight_total,
            self.centre, self.scale, a0, coef, self.poisson,
        )  # fmt: skip


@njit(cache=True, nogil=True)
def _gram_least_squares(
    gram: np.ndarray,
    z_v: np.ndarray,
    v_sum: float,
    gradient: np.ndarray,
    resid_sum: float,
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
) -> tuple[float, int, int, int]:
    """The Python engine's ``_weighted_least_squares`` on the working weights' Gram: the same
    passes (the screened variables, then the active ones until they settle, the intercept after
    each), the gradient updated by Gram columns. Updates ``coef``, ``xv`` and the active list in
    place; returns (intercept, passes, variables ever active, status)."""
    p = coef.shape[0]
    status = STATUS_OK
    for j in range(p):
        if screened[j]:
            xv[j] = gram[j, j]
    grad = gradient.copy()
    partial = False
    while passes <= max_passes:
        passes += 1
        members = active[:n_active].copy() if partial else np.flatnonzero(screened)
        largest_change = 0.0
        for j in members:
            old = coef[j]
            new = _penalised_update(
                grad[j] + xv[j] * old, xv[j], l1, l2, penalty[j], lower[j], upper[j]
            )
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
            for i in range(p):
                grad[i] -= delta * gram[i, j]
            resid_sum -= delta * z_v[j]
        if status != STATUS_OK:
            break
        delta0 = resid_sum / v_sum if intercept else 0.0
        if delta0 != 0.0:
            a0 += delta0
            largest_change = max(largest_change, v_sum * delta0 * delta0)
            for i in range(p):
                grad[i] -= delta0 * z_v[i]
            resid_sum -= delta0 * v_sum
        if largest_change < thresh:
            if not partial:
                break
            partial = False
        else:
            partial = True
    return a0, passes, n_active, status


def _null_intercept(passes: _Passes, y_mean: float, has_offset: bool) -> float:
    """The intercept-only fit with the offset, as the in-memory engine: closed form without an
    offset (and for Poisson), else Newton's method, one pass per step."""
    p = passes.centre.shape[0]
    zero = np.zeros(p)
    if passes.poisson:
        if not has_offset:
            return float(np.log(y_mean))
        exposure = passes.at(0.0, zero)  # sum w exp(offset) is the mean's sum at a0 = 0
        return float(np.log(y_mean / (y_mean - exposure.raw_resid_sum)))
    a0 = float(np.log(y_mean / (1.0 - y_mean)))
    if not has_offset:
        return a0
    for _ in range(100):
        sums = passes.at(a0, zero)
        step = sums.raw_resid_sum / sums.information
        a0 += step
        if abs(step) < 1e-13 * (1.0 + abs(a0)):
            break
    return a0


def glm_path(
    data: Any, groups: Any, left_out: int, stats: Any, n_obs: int, settings: Any
) -> PathArrays:
    """glmnet's binomial or Poisson path on the rows of ``data`` not in fold ``left_out`` (of the
    labels ``groups``; 0: all rows), from passes over the data, as the Python engine's
    ``glm_path`` with its ``_fit_rows`` set-up; ``stats`` (one group of
    :class:`statlab.glmnet._dask._Moments` over the fit's rows, y without the offset) gives the
    column means, sds and y's mean."""
    from statlab.glmnet import _backend_python as engine

    options = settings.options
    usable, x_mean, x_scale = passes_standardisation(stats, settings)
    passes = _Passes(
        data, groups, left_out, float(stats.weight[0]), x_mean, x_scale,
        settings.family == "poisson",
    )  # fmt: skip
    p = x_mean.shape[0]
    ratio = (
        settings.lambda_min_ratio
        if settings.lambda_min_ratio is not None
        else (0.01 if n_obs < p else 1e-4)
    )
    factor = max(ratio, engine.MIN_LAMBDA_RATIO) ** (1.0 / (settings.nlambda - 1.0))
    early_stop = settings.lambdas is None
    lambdas = (
        np.full(settings.nlambda, k.BIG_LAMBDA) if early_stop else settings.lambdas.astype(float)
    )
    lower, upper = options.lower * x_scale, options.upper * x_scale
    penalty = options.penalty
    y_mean = float(stats.y_mean[0])
    if not 0 < y_mean < (np.inf if passes.poisson else 1):
        raise check.InvalidArgumentError(
            "y must have two classes (0 and 1) for family='binomial'"
            if not passes.poisson
            else "y is all zero: nothing to fit for family='poisson'"
        )
    a0 = _null_intercept(passes, y_mean, data.offset is not None) if options.intercept else 0.0
    coef = np.zeros(p)
    current = passes.at(a0, coef)
    null_dev = current.deviance
    thresh = settings.thresh * 0.5 * null_dev
    n_lambda = lambdas.shape[0]
    beta, a0_path, dev_ratio = np.zeros((p, n_lambda)), np.zeros(n_lambda), np.zeros(n_lambda)
    screened, in_active = np.zeros(p, dtype=bool), np.zeros(p, dtype=bool)
    active, xv = np.empty(p, dtype=np.int64), np.zeros(p)
    n_active, n_passes, n_stored, status = 0, 0, 0, k.STATUS_OK
    previous_lambda = k.BIG_LAMBDA if early_stop else 0.0
    previous_ratio, null_grad = 0.0, None
    for m in range(n_lambda):
        grad = np.where(usable, current.raw_gradient, 0.0)
        if m == 0:
            null_grad = grad.copy()
        if early_stop and m >= 1:
            if m == 1:
                grad[screened] = null_grad[screened]
                previous_lambda = k._first_lambda_max(grad, usable, penalty, settings.alpha)
                lambdas[1] = previous_lambda * factor
            else:
                lambdas[m] = lambdas[m - 1] * factor
        lam = lambdas[m]
        l1, l2 = settings.alpha * lam, (1.0 - settings.alpha) * lam
        strong = (
            settings.alpha * (2 * lam - previous_lambda) if previous_lambda < k.BIG_LAMBDA else l1
        )
        screened |= usable & (np.abs(grad) > strong * penalty)
        while True:
            coef_before, a0_before = coef.copy(), a0
            a0, n_passes, n_active, status = _gram_least_squares(
                current.gram, current.z_v, current.v_sum, current.gradient, current.resid_sum,
                coef, a0, screened, in_active, active, n_active, options.pmax, penalty, lower,
                upper, l1, l2, options.intercept, thresh, settings.max_passes, n_passes, xv,
            )  # fmt: skip
            outer_change = max(current.v_sum * (a0 - a0_before) ** 2,
                               float(np.max(xv * (coef - coef_before) ** 2)))  # fmt: skip
            if status != k.STATUS_OK:
                break
            current = passes.at(a0, coef)
            if n_passes > settings.max_passes:
                break
            if outer_change < thresh:
                unscreened = usable & ~screened
                violation = unscreened & (np.abs(current.raw_gradient) > l1 * penalty)
                screened |= violation
                if not violation.any():
                    break
        if status != k.STATUS_OK:
            break
        beta[:, m], a0_path[m] = coef, a0
        ratio = 1.0 - current.deviance / null_dev
        dev_ratio[m] = ratio
        n_stored, previous_lambda = m + 1, lam
        if n_passes > settings.max_passes:
            status = k.STATUS_MAXIT
            break
        if early_stop and m + 1 >= k.EARLY_STOP_MIN_STEPS:
            if passes.poisson:
                earlier = dev_ratio[m - k.EARLY_STOP_MIN_STEPS + 1]
                gain = np.inf if ratio == 0.0 else (ratio - earlier) / (10.0 * ratio)
            else:
                gain = ratio - previous_ratio
            if (
                np.count_nonzero(coef) > options.dfmax
                or gain < options.fdev
                or ratio > k.EARLY_STOP_DEVMAX
            ):
                break
        previous_ratio = ratio
    if n_stored == 0 and status == k.STATUS_PMAX:
        raise check.InvalidArgumentError(empty_path_message(options.pmax))
    path_beta = beta[:, :n_stored] / x_scale[:, None]
    path_lambdas = lambdas[:n_stored].copy()
    if early_stop:
        path_lambdas[0] = engine._first_lambda(path_lambdas)
    return PathArrays(
        lambdas=path_lambdas,
        a0=a0_path[:n_stored] - x_mean @ path_beta,
        beta=path_beta,
        df=np.count_nonzero(path_beta, axis=0),
        dev_ratio=dev_ratio[:n_stored].copy(),
        nulldev=float(null_dev * stats.weight[0]),
        npasses=int(n_passes),
        pmax_reached=status == k.STATUS_PMAX,
    )


def passes_standardisation(stats: Any, settings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The usable columns, centres (0 without intercept) and scales of a GLM fit, as the
    in-memory engine's ``_fit_rows``."""
    options = settings.options
    weight = float(stats.weight[0])
    x_mean = stats.x_mean[0].copy()
    x_var = np.diag(stats.xx[0]) / weight
    usable = (stats.high[0] > stats.low[0]) & options.included
    if not usable.any():
        raise check.InvalidArgumentError(
            "exclude: no variable is left to fit (every column is excluded or constant); "
            "R stops with 'All used predictors have zero variance'"
        )
    p = x_mean.shape[0]
    x_scale = np.sqrt(np.maximum(x_var, 0.0)) if settings.standardize else np.ones(p)
    x_scale = np.where(usable & (x_scale > 0), x_scale, 1.0)
    if not options.intercept:
        x_mean = np.zeros(p)
    return usable, x_mean, x_scale
