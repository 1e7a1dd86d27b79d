"""The Cox path as R glmnet 4.1-6's ``cox.path`` computes it: the algorithm R runs for sparse x,
(start, stop] data and strata (right-censored data in one stratum on dense x go to the Fortran
``coxnet``, :func:`statlab.glmnet._kernels.cox_path`).

Per lambda, ``cox.fit``'s IRLS: the gradient and the diagonal of the Hessian of Breslow's log
partial likelihood (``coxgrad``, stratum by stratum), one warm-started ``wls`` solve
(:func:`statlab.glmnet._kernels.cox_wls`) of the quadratic approximation, until the penalised
deviance changes by less than ``epsnr`` (1e-6) of itself (at most ``mxitnr`` = 25 steps). x is
scaled by its weighted sd but not centred, as in R; the lambda sequence starts at
``get_cox_lambda_max`` and the path stops early by cox.path's rule. Written here because no
Python package fits glmnet's Cox path; the loops over rows are numba kernels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab import _validation as check
from statlab.glmnet._paths import PathArrays, PathOptions

IRLS_TOLERANCE = 1e-6  # glmnet.control()$epsnr
IRLS_MAX_STEPS = 25  # glmnet.control()$mxitnr
BIG = 9.9e35  # glmnet.control()$big
MIN_STEPS = 5  # glmnet.control()$mnlam
DEVMAX = 0.999 * 0.99 / 0.999  # cox.path: glmnet.control()$devmax * 0.99 / 0.999
FDEV_FACTOR = 100.0  # cox.path stops when the deviance ratio gains under 100 fdev over 4 steps
CONSTANT_VARIANCE = 10 * np.finfo(np.float64).eps  # weighted_mean_sd: smaller variances are 0


@dataclass(frozen=True)
class Survival:
    """A Cox response as cox.path reads it: (start,) stop and status per row, and per stratum (in
    order of first appearance, as R's ``unique``) its rows, their order by stop time (events first
    at a tie, else row order) and, for (start, stop] data, their order by start time."""

    start: np.ndarray | None
    stop: np.ndarray
    status: np.ndarray
    strata: list[np.ndarray]
    stop_orders: list[np.ndarray]
    start_orders: list[np.ndarray]

    @classmethod
    def of(cls, y: np.ndarray, strata: np.ndarray | None) -> Survival:
        """From y (time, status) or (start, stop, status) and the stratum of each row (None: one)."""
        counting = y.shape[1] == 3
        start = np.ascontiguousarray(y[:, 0]) if counting else None
        stop, status = np.ascontiguousarray(y[:, -2]), np.ascontiguousarray(y[:, -1])
        if strata is None:
            groups = [np.arange(y.shape[0])]
        else:
            _, first, codes = np.unique(strata, return_index=True, return_inverse=True)
            groups = [np.flatnonzero(codes.reshape(-1) == c) for c in np.argsort(first)]
        stop_orders = [np.lexsort((-status[rows], stop[rows])) for rows in groups]
        start_orders = [
            np.argsort(start[rows], kind="stable") if counting else np.zeros(0, dtype=np.int64)
            for rows in groups
        ]
        return cls(start, stop, status, groups, stop_orders, start_orders)

    @property
    def counting(self) -> bool:
        return self.start is not None

    def gradient(self, eta: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """R's ``coxgrad(eta, y, w, std.weights = FALSE, diag.hessian = TRUE)``."""
        from statlab.glmnet import _kernels

        gradient, hessian = np.empty_like(eta), np.empty_like(eta)
        start = self.start if self.counting else self.stop
        for rows, stop_order, start_order in zip(
            self.strata, self.stop_orders, self.start_orders, strict=True
        ):
            gradient[rows], hessian[rows] = _kernels.cox_gradient(
                eta[rows], start[rows], self.stop[rows], self.status[rows], w[rows],
                stop_order, start_order, self.counting,
            )  # fmt: skip
        return gradient, hessian

    def deviance(self, eta: np.ndarray, w: np.ndarray) -> float:
        """R's ``coxnet.deviance(pred = eta, y, weights = w, std.weights = FALSE)``: the strata's
        deviances summed."""
        from statlab.glmnet import _backend_python, _kernels

        total = 0.0
        for rows, stop_order, start_order in zip(
            self.strata, self.stop_orders, self.start_orders, strict=True
        ):
            if self.counting:
                total += _kernels.cox_counting_deviance(
                    eta[rows], self.start[rows], self.stop[rows], self.status[rows], w[rows],
                    stop_order, start_order,
                )  # fmt: skip
            else:
                y = np.column_stack([self.stop[rows], self.status[rows]])
                order, ends = _backend_python.risk_set_groups(y, w[rows])
                total += float(
                    _kernels.cox_deviances(
                        eta[rows, None], y[:, 1].copy(), w[rows].copy(), order, ends
                    )[0]
                )
        return total


@dataclass
class _WarmStart:
    """What one ``cox.fit`` hands the next (R's ``warm_fit``): coefficients on the scaled x,
    strong set, curvatures, ever-active variables, [their number, passes, active-set first],
    the last lambda and the null deviance at normalised weights."""

    coef: np.ndarray
    strong: np.ndarray
    xv: np.ndarray
    active: np.ndarray
    counters: np.ndarray
    previous_lambda: float
    nulldev: float


def fit_path(
    columns: Any,
    survival: Survival,
    weights: np.ndarray,
    offset: np.ndarray | None,
    alpha: float,
    standardize: bool,
    nlambda: int,
    lambda_min_ratio: float,
    lambdas: np.ndarray | None,
    thresh: float,
    max_passes: int,
    options: PathOptions,
) -> PathArrays:
    """R's ``cox.path(x, y, weights, offset, alpha, ...)`` on the kernels' ``columns``: the path's
    lambdas, coefficients (on x's scale), df, deviance ratios and null deviance."""
    from statlab.glmnet import _kernels

    n, p = columns.n_rows, columns.n_cols
    offset = np.zeros(n) if offset is None else offset
    w = weights / weights.sum()
    _, x_var, _ = _kernels.column_stats(*columns.kernel_args(), w)
    x_var = np.where(x_var < CONSTANT_VARIANCE, 0.0, x_var)
    usable = (x_var > 0) & options.included
    if not usable.any():
        raise check.InvalidArgumentError(
            "X: all used predictors have zero variance (R's cox.path stops there too)"
        )
    x_scale = np.where(x_var > 0, np.sqrt(x_var), 1.0) if standardize else np.ones(p)
    penalty = options.penalty
    lower, upper = options.lower * x_scale, options.upper * x_scale
    fdev = options.fdev
    nulldev = survival.deviance(offset, weights)
    own_sequence = lambdas is None
    if own_sequence:
        lambda_max = _lambda_max(columns, survival, w, offset, alpha, x_scale, usable, penalty)
        path_lambdas = np.exp(_r_seq(np.log(lambda_max), np.log(lambda_max * lambda_min_ratio),
                                     nlambda))  # fmt: skip
    else:
        path_lambdas = np.sort(np.asarray(lambdas, dtype=np.float64))[::-1]
    n_lambda = path_lambdas.shape[0]
    beta = np.zeros((p, n_lambda))
    dev_ratio = np.zeros(n_lambda)
    warm = None
    stored = 0
    args = (columns, survival, w, offset, x_scale, usable, penalty, lower, upper)
    for k in range(n_lambda):
        lam = path_lambdas[k] if k > 0 or not own_sequence else BIG
        fitted = _cox_fit(*args, lam, alpha, thresh, max_passes, warm)
        if fitted is None:
            warnings.warn(
                f"coordinate descent did not converge in {max_passes} passes (maxit) at lambda "
                f"number {k + 1}; the path stops at {k} lambdas",
                RuntimeWarning,
                stacklevel=check.caller_stacklevel(),
            )
            break
        warm, ratio = fitted
        beta[:, k] = warm.coef
        dev_ratio[k] = ratio
        stored = k + 1
        if stored >= min(n_lambda, MIN_STEPS) and own_sequence:
            if ratio > DEVMAX:
                break
            if k > 0 and ratio - dev_ratio[k - min(n_lambda, MIN_STEPS) + 1] < (
                fdev * FDEV_FACTOR * ratio
            ):
                break
    beta = beta[:, :stored] / x_scale[:, None]
    passes = int(warm.counters[1]) if warm is not None else 0
    return PathArrays(
        lambdas=path_lambdas[:stored].copy(),
        a0=np.zeros(stored),
        beta=beta,
        df=np.count_nonzero(beta, axis=0),
        dev_ratio=dev_ratio[:stored].copy(),
        nulldev=float(nulldev),
        npasses=passes,
        pmax_reached=False,
    )


def _r_seq(start: float, end: float, length: int) -> np.ndarray:
    """R's ``seq(start, end, length.out = length)``: ``start + i * by``, the last exactly ``end``.

    >>> _r_seq(0.0, 1.0, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    if length == 1:
        return np.array([start])
    step = (end - start) / (length - 1)
    return np.concatenate([[start], start + np.arange(1, length - 1) * step, [end]])


def _linear(columns: Any, coef: np.ndarray, x_scale: np.ndarray) -> np.ndarray:
    """x (coef / xs), as R's ``get_eta`` on x scaled by xs."""
    scaled = coef / x_scale
    if columns.sparse:
        matrix = sp.csc_matrix(
            (columns.values, columns.indices, columns.indptr),
            shape=(columns.n_rows, columns.n_cols),
        )
        return np.asarray(matrix @ scaled).reshape(-1)
    return columns.dense @ scaled


def _lambda_max(
    columns: Any,
    survival: Survival,
    w: np.ndarray,
    offset: np.ndarray,
    alpha: float,
    x_scale: np.ndarray,
    usable: np.ndarray,
    penalty: np.ndarray,
) -> float:
    """R's ``get_cox_lambda_max``: the largest |gradient| / penalty factor at the fit of the
    unpenalised variables alone (by ``cox.fit`` at lambda 0, R's route for sparse x; R fits dense
    x there with ``survival::coxph``), over max(alpha, 1e-3)."""
    from statlab.glmnet import _kernels

    unpenalised = usable & (penalty == 0)
    eta = offset
    if unpenalised.any():
        fitted = _cox_fit(
            columns, survival, w, offset, x_scale, unpenalised, np.ones(columns.n_cols),
            np.full(columns.n_cols, -np.inf), np.full(columns.n_cols, np.inf),
            0.0, 1.0, 1e-10, 100_000, None,
        )  # fmt: skip
        if fitted is not None:
            eta = _linear(columns, fitted[0].coef, x_scale) + offset
    eta = eta - eta.mean()
    gradient, _ = survival.gradient(eta, w)
    g = np.abs(_kernels.centred_products(
        *columns.kernel_args(), np.zeros(columns.n_cols), x_scale, usable, gradient
    ))  # fmt: skip
    g = g / np.where(penalty > 0, penalty, 1.0)
    return float(g[usable].max() / max(alpha, 1e-3))


def _penalty(coef: np.ndarray, alpha: float, penalty: np.ndarray) -> float:
    """R's ``pen_function``."""
    return float(np.sum(penalty * (alpha * np.abs(coef) + (1 - alpha) / 2 * coef**2)))


def _cox_fit(
    columns: Any,
    survival: Survival,
    w: np.ndarray,
    offset: np.ndarray,
    x_scale: np.ndarray,
    usable: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lam: float,
    alpha: float,
    thresh: float,
    max_passes: int,
    warm: _WarmStart | None,
) -> tuple[_WarmStart, float] | None:
    """R's ``cox.fit`` at one lambda from ``warm`` (None: zero): the new warm start and the
    deviance ratio, or None where ``wls`` ran out of passes (R's non-zero ``jerr``)."""
    from statlab.glmnet import _kernels

    p = columns.n_cols
    if warm is None:
        nulldev = survival.deviance(offset, w)
        coef = np.zeros(p)
        eta = offset.copy()
        state = _WarmStart(
            coef, np.zeros(p, dtype=np.bool_), np.zeros(p), np.zeros(p, dtype=np.int64),
            np.zeros(3, dtype=np.int64), 0.0, nulldev,
        )  # fmt: skip
        fresh = True
    else:
        state = _WarmStart(
            warm.coef.copy(), warm.strong.copy(), warm.xv.copy(), warm.active.copy(),
            warm.counters.copy(), warm.previous_lambda, warm.nulldev,
        )  # fmt: skip
        coef = state.coef
        eta = _linear(columns, coef, x_scale) + offset
        fresh = False
    coef_before = coef.copy()
    objective_before = survival.deviance(eta, w) + lam * _penalty(coef, alpha, penalty)
    converged = False
    for _ in range(IRLS_MAX_STEPS):
        gradient, hessian = survival.gradient(eta, w)
        v = -hessian
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (eta - offset) - np.where(v != 0, -gradient / v, 0.0)
        r = v * z if fresh else v * (z - eta + offset)
        fresh = False
        status = _kernels.cox_wls(
            *columns.kernel_args(), x_scale, r, v, usable, penalty, lower, upper, lam,
            state.previous_lambda, alpha, thresh, max_passes, coef, state.strong, state.xv,
            state.active, state.counters,
        )  # fmt: skip
        state.previous_lambda = lam
        if status != _kernels.STATUS_OK:
            return None
        eta = _linear(columns, coef, x_scale) + offset
        objective = survival.deviance(eta, w) + lam * _penalty(coef, alpha, penalty)
        halvings = 0
        while not np.isfinite(objective) or objective > BIG:
            if halvings == 0:
                warnings.warn(
                    "cox.fit: infinite objective function; step size truncated due to divergence",
                    RuntimeWarning,
                    stacklevel=check.caller_stacklevel(),
                )
            halvings += 1
            if halvings > IRLS_MAX_STEPS:
                raise check.InvalidArgumentError(
                    "y: the Cox fit diverged and halving its step did not help (R's 'inner loop "
                    "1; cannot correct step size')"
                )
            coef[:] = (coef + coef_before) / 2
            eta = _linear(columns, coef, x_scale) + offset
            objective = survival.deviance(eta, w) + lam * _penalty(coef, alpha, penalty)
        if abs(objective - objective_before) / (0.1 + abs(objective)) < IRLS_TOLERANCE:
            converged = True
            break
        coef_before = coef.copy()
        objective_before = objective
    if not converged:
        warnings.warn(
            "cox.fit: algorithm did not converge",
            RuntimeWarning,
            stacklevel=check.caller_stacklevel(),
        )
    ratio = 1.0 - survival.deviance(eta, w) / state.nulldev
    return state, ratio
