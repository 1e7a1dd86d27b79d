"""glmnet's general GLM path (R glmnet 4.1-6's ``glmnet.path``, R/glmnetFlex.R) for any
:class:`~statlab.glmnet._families.GlmFamily`: a family object with its link.

As R: x standardised (weighted 1/N sd) and centred implicitly, the null model (the weighted mean
of y, or R's ``glm(y ~ 1)`` with an offset, or a GLM on the unpenalised variables) gives the null
deviance and ``lambda_max`` (the largest penalised gradient over ``max(alpha, 1e-3)``), a
log-spaced sequence to ``lambda_min_ratio * lambda_max``, and at each lambda IRLS
(``glmnet.fit``): working response and weights from the family's link and variance, the
weighted elastic net solved by :func:`statlab.glmnet._flex_kernels.wls_point` warm-started from
the last solve, step halving when the objective is not finite, the fit leaves the family's
domain or the objective rises, until the objective (half the deviance plus the penalty) changes
by less than ``epsnr = 1e-6`` relative, at most ``mxitnr = 25`` times. The path stops early as
glmnet.path's does; its first lambda is ``lambda_max`` itself.

The IRLS loop is in numpy (each iteration is a few vector operations and one compiled solve);
the null GLMs follow R's ``glm.fit`` (whose stopping point the path inherits).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from statlab import _validation as check
from statlab.glmnet._families import GlmFamily
from statlab.glmnet._paths import PathArrays

BIG = 9.9e35  # glmnet.control()$big: the first lambda of glmnet's own sequence
IRLS_TOLERANCE = 1e-6  # glmnet.control()$epsnr
IRLS_MAX_ITER = 25  # glmnet.control()$mxitnr
EARLY_STOP_MIN_STEPS = 5  # glmnet.control()$mnlam
EARLY_STOP_DEVMAX = 0.999  # glmnet.control()$devmax
RIDGE_ALPHA_FLOOR = 1e-3
OBJECTIVE_RISE = 1e-7  # glmnet.fit halves a step that raises the objective by more
GLM_TOLERANCE = 1e-8  # glm.control()$epsilon
GLM_MAX_ITER = 25  # glm.control()$maxit


class _Problem:
    """The data of one fit: x (kernel arrays), implicit centring and scaling, y, weights
    normalised to sum 1, offset and the rows of positive weight."""

    def __init__(self, columns: Any, y: np.ndarray, weights: np.ndarray, offset: np.ndarray,
                 xm: np.ndarray, xs: np.ndarray) -> None:  # fmt: skip
        self.columns = columns
        self.args = columns.kernel_args()
        self.y = y
        self.w = weights / weights.sum()
        self.offset = offset
        self.xm = xm
        self.xs = xs
        self.rows = weights > 0
        if columns.sparse:
            import scipy.sparse as sp

            self.x = sp.csc_matrix(
                (columns.values, columns.indices, columns.indptr),
                shape=(columns.n_rows, columns.n_cols),
            )
        else:
            self.x = columns.dense

    def eta(self, coef: np.ndarray, a0: float) -> np.ndarray:
        """The linear predictor with the offset: ``offset + a0 + xz coef``."""
        scaled = coef / self.xs
        return self.x @ scaled + (a0 - self.xm @ scaled) + self.offset


def fit_rows(
    columns: Any,
    y: np.ndarray,
    weights: np.ndarray,
    n_obs: int,
    settings: Any,
    stats: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> PathArrays:
    """glmnet.path on the rows of positive ``weights`` (a fold has its held-out rows at 0)."""
    from statlab.glmnet import _flex_kernels, _kernels

    family: GlmFamily = settings.family
    options = settings.options
    x_mean, x_var, usable = stats
    usable = usable & options.included
    p = columns.n_cols
    xs = np.sqrt(np.maximum(x_var, 0.0)) if settings.standardize else np.ones(p)
    xs = np.where(usable & (xs > 0), xs, 1.0)
    xm = x_mean if options.intercept else np.zeros(p)
    offset = settings.offset if settings.offset is not None else np.zeros(columns.n_rows)
    problem = _Problem(columns, y, weights, offset, xm, xs)
    # R: excluded and constant variables count as penalty factor 1 when the factors are rescaled
    factors = np.where(usable, np.maximum(options.penalty_factor, 0.0), 1.0)
    penalty = factors * (p / factors.sum())
    lower = np.where(np.isfinite(options.lower), options.lower * xs, -BIG)
    upper = np.where(np.isfinite(options.upper), options.upper * xs, BIG)
    if settings.thresh >= IRLS_TOLERANCE:
        warnings.warn(
            "thresh should be smaller than 1e-6 (glmnet.control()$epsnr) for a family object",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
    # as R, glmnet.path's null model has the weights given, glmnet.fit's them normalised (a
    # binomial GLM's starting means, hence its stopping point, depend on their scale)
    null_mu, mu = _null_mean(problem, family, settings, usable, penalty, weights)
    nulldev = float(family.dev_resids(y, null_mu, weights)[problem.rows].sum())
    null_mu_unit, start_mu = _null_mean(problem, family, settings, usable, penalty, problem.w)
    nulldev_unit = float(family.dev_resids(y, null_mu_unit, problem.w)[problem.rows].sum())
    eta = family.linkfun(mu)
    rv = np.where(problem.rows, (y - mu) / family.variance(mu) * family.mu_eta(eta) * problem.w, 0)
    gradient = np.abs(_kernels.centred_products(*problem.args, xm, xs, usable, rv))
    gradient = gradient / np.where(penalty > 0, penalty, 1.0)
    own_sequence = settings.lambdas is None
    if own_sequence:
        ratio = settings.lambda_min_ratio
        if ratio is None:
            ratio = 0.01 if n_obs < p else 1e-4
        lambda_max = gradient.max() / max(settings.alpha, RIDGE_ALPHA_FLOOR)
        lambdas = np.exp(np.linspace(np.log(lambda_max), np.log(lambda_max * ratio),
                                     settings.nlambda))  # fmt: skip
    else:
        lambdas = np.asarray(settings.lambdas, dtype=np.float64)
    n_lambdas = lambdas.shape[0]
    state = _WarmStart(p)
    a0_path, beta_path = np.zeros(n_lambdas), np.zeros((p, n_lambdas))
    dev_ratio = np.zeros(n_lambdas)
    unconverged, n_steps = 0, 0
    for k in range(n_lambdas):
        lam = lambdas[k] if (k > 0 or not own_sequence) else BIG
        mu, converged, status, solved = _irls(
            problem, family, settings, lam, state, usable, penalty, lower, upper, start_mu,
            _flex_kernels,
        )  # fmt: skip
        if status != _kernels.STATUS_OK:  # maxit passes: the path stops here, as R's (the
            break  # backend's warning says so, from npasses)
        unconverged += not converged
        # as R: the last weighted least-squares solution, before any step halving (which
        # moves the warm start and the fitted mean, hence dev_ratio, but not what is stored)
        a0_path[k], beta_path[:, k] = solved[1], solved[0]
        dev = float(family.dev_resids(y, mu, problem.w)[problem.rows].sum())
        dev_ratio[k] = 1 - dev / nulldev_unit
        n_steps = k + 1
        if settings.on_step is not None:
            settings.on_step(1)
        if own_sequence and _stops(family, dev_ratio, k, n_lambdas, options.fdev):
            break
    if unconverged:
        warnings.warn(
            f"glmnet.fit: IRLS did not converge in {IRLS_MAX_ITER} iterations at "
            f"{unconverged} lambda(s)",
            RuntimeWarning,
            stacklevel=check.caller_stacklevel(),
        )
    beta = beta_path[:, :n_steps] / xs[:, None]
    return PathArrays(
        lambdas=lambdas[:n_steps].copy(),
        a0=a0_path[:n_steps] - xm @ beta,
        beta=beta,
        df=np.count_nonzero(beta, axis=0),
        dev_ratio=dev_ratio[:n_steps].copy(),
        nulldev=nulldev,
        npasses=state.passes,
        pmax_reached=False,
    )


class _WarmStart:
    """What glmnet's ``elnet.fit`` carries from one solve to the next (its ``warm_fit``)."""

    def __init__(self, p: int) -> None:
        self.coef = np.zeros(p)
        self.a0 = 0.0
        self.strong = np.zeros(p, dtype=np.bool_)
        self.xv = np.zeros(p)
        self.abs_grad = np.zeros(p)
        self.in_active = np.zeros(p, dtype=np.bool_)
        self.active = np.zeros(p, dtype=np.int64)
        self.n_active = 0
        self.passes = 0
        self.warm = False
        self.started = False  # False until the first solve (R's warm = NULL)
        self.previous_lambda = 0.0


def _irls(
    problem: _Problem,
    family: GlmFamily,
    settings: Any,
    lam: float,
    state: _WarmStart,
    usable: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    null_mu: np.ndarray,
    kernels: Any,
) -> tuple[np.ndarray, bool, int, tuple[np.ndarray, float]]:
    """R's ``glmnet.fit`` at one lambda, warm-started from ``state`` (updated in place); returns
    the fitted mean, whether IRLS converged, the solver's status and the last weighted
    least-squares solution (coefficients, intercept)."""
    y, w, rows, alpha = problem.y, problem.w, problem.rows, settings.alpha

    def objective(mu: np.ndarray, coef: np.ndarray) -> float:
        dev = family.dev_resids(y, mu, w)[rows].sum()
        pen = penalty * (alpha * np.abs(coef) + (1 - alpha) / 2 * coef**2)
        return float(dev / 2 + lam * pen.sum())

    with np.errstate(all="ignore"):
        if not state.started:
            mu = null_mu
            eta = family.linkfun(mu)
            coef_old, a0_old = np.zeros_like(state.coef), float((eta - problem.offset)[0])
        else:
            coef_old, a0_old = state.coef.copy(), state.a0
            eta = problem.eta(coef_old, a0_old)
            mu = family.linkinv(eta)
        if not family.valid(eta[rows], mu[rows]):
            raise RuntimeError("glmnet.fit: cannot find valid starting values")
        objective_old = objective(mu, coef_old)
        for _ in range(IRLS_MAX_ITER):
            variance = family.variance(mu)
            if np.isnan(variance[rows]).any() or (variance[rows] == 0).any():
                raise RuntimeError("glmnet.fit: NAs or 0s in the variance V(mu)")
            mu_eta = family.mu_eta(eta)
            z = (eta - problem.offset) + (y - mu) / mu_eta
            v = np.where(rows, w * mu_eta**2 / variance, 0.0)
            if state.started:
                r = np.where(rows, v * (z - eta + problem.offset), 0.0)
            else:  # R's first solve starts from zero coefficients and intercept
                r = np.where(rows, v * z, 0.0)
            state.a0, state.n_active, state.passes, state.warm, status = kernels.wls_point(
                *problem.args, problem.xm, problem.xs, v, r, state.coef, state.a0, usable,
                state.strong, state.xv, state.abs_grad, state.in_active, state.active,
                state.n_active, penalty, lower, upper, lam, state.previous_lambda, alpha,
                settings.options.intercept, settings.thresh, settings.max_passes, state.passes,
                state.warm,
            )  # fmt: skip
            state.started = True
            state.previous_lambda = lam
            solved = (state.coef.copy(), state.a0)
            if status != 0:
                return mu, False, status, solved
            coef, a0 = state.coef.copy(), state.a0
            eta = problem.eta(coef, a0)
            mu = family.linkinv(eta)
            value = objective(mu, coef)
            halved = False
            for reason in ("finite", "valid", "decrease"):
                for _ in range(IRLS_MAX_ITER + 1):
                    if reason == "finite":
                        bad = not np.isfinite(value) or value > BIG
                    elif reason == "valid":
                        bad = not family.valid(eta[rows], mu[rows])
                    else:
                        bad = value > objective_old + OBJECTIVE_RISE
                    if not bad:
                        break
                    halved = True
                    coef, a0 = (coef + coef_old) / 2, (a0 + a0_old) / 2
                    eta = problem.eta(coef, a0)
                    mu = family.linkinv(eta)
                    value = objective(mu, coef)
                else:
                    raise RuntimeError(f"glmnet.fit: cannot correct the step size ({reason})")
            if halved:
                state.coef[:] = coef
                state.a0 = a0
            if abs(value - objective_old) / (0.1 + abs(value)) < IRLS_TOLERANCE:
                return mu, True, 0, solved
            coef_old, a0_old, objective_old = coef, a0, value
    return mu, False, 0, solved


def _null_mean(
    problem: _Problem,
    family: GlmFamily,
    settings: Any,
    usable: np.ndarray,
    penalty: np.ndarray,
    weights: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``get_start``: the null model's mean (the intercept and offset; it gives the null
    deviance) and the starting mean (with the unpenalised variables, if any, fitted too)."""
    y, rows = problem.y, problem.rows
    intercept = settings.options.intercept
    if not intercept:
        null = family.linkinv(problem.offset)
    elif settings.offset is None:
        null = np.full(y.shape[0], weights @ y / weights.sum())
    else:
        null = _glm_mean(family, y, np.ones((y.shape[0], 1)), problem.offset, weights, rows)
    unpenalised = np.flatnonzero(usable & (penalty == 0))
    if unpenalised.size == 0:
        return null, null
    design = np.zeros((y.shape[0], unpenalised.size))
    for slot, j in enumerate(unpenalised):
        unit = np.zeros(problem.xm.shape[0])
        unit[j] = 1.0
        design[:, slot] = problem.eta(unit, 0.0) - problem.offset
    if intercept:
        design = np.column_stack([np.ones(y.shape[0]), design])
    return null, _glm_mean(family, y, design, problem.offset, weights, rows)


def _glm_mean(
    family: GlmFamily,
    y: np.ndarray,
    design: np.ndarray,
    offset: np.ndarray,
    weights: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """The fitted means (at every row) of an unpenalised GLM fitted on the rows of positive
    weight as R's ``glm.fit`` fits it: its starting means, weighted least squares per iteration,
    its relative deviance change below 1e-8 to stop, at most 25 iterations. glmnet's path starts
    from these means, so R's stopping point, not the exact maximum, is what is reproduced."""
    y_fit, x_fit, offset_fit, w_fit = y[rows], design[rows], offset[rows], weights[rows]
    if family.name == "binomial":
        mu = (w_fit * y_fit + 0.5) / (w_fit + 1)
    elif family.name in ("poisson", "quasipoisson"):
        mu = y_fit + 0.1
    else:
        mu = y_fit.copy()
    eta = family.linkfun(mu)
    dev_old = family.dev_resids(y_fit, mu, w_fit).sum()
    coef = np.zeros(design.shape[1])
    for _ in range(GLM_MAX_ITER):
        mu_eta = family.mu_eta(eta)
        z = eta - offset_fit + (y_fit - mu) / mu_eta
        root_w = np.sqrt(w_fit * mu_eta**2 / family.variance(mu))
        coef = np.linalg.lstsq(x_fit * root_w[:, None], z * root_w, rcond=None)[0]
        eta = x_fit @ coef + offset_fit
        mu = family.linkinv(eta)
        dev = family.dev_resids(y_fit, mu, w_fit).sum()
        if abs(dev - dev_old) / (abs(dev) + 0.1) < GLM_TOLERANCE:
            break
        dev_old = dev
    return family.linkinv(design @ coef + offset)


def _stops(family: GlmFamily, dev_ratio: np.ndarray, k: int, n_lambdas: int, fdev: float) -> bool:
    """glmnet.path's early stop after the (k+1)-th lambda of its own sequence."""
    min_steps = min(n_lambdas, EARLY_STOP_MIN_STEPS)
    if k + 1 < min_steps:
        return False
    if dev_ratio[k] > EARLY_STOP_DEVMAX:
        return True
    if k == 0:
        return False
    gain = dev_ratio[k] - dev_ratio[k - 1]
    if family.name == "gaussian":
        return gain < fdev * dev_ratio[k]
    if family.name == "poisson":
        return dev_ratio[k] - dev_ratio[k + 1 - min_steps] < 10 * fdev * dev_ratio[k]
    return gain < fdev


def loss(y: np.ndarray, link: np.ndarray, family: GlmFamily, measure: str) -> np.ndarray:
    """cv.glmnetfit's loss per observation and lambda from the out-of-fold linear predictors:
    the squared or absolute error of the mean, or the unit deviance."""
    with np.errstate(all="ignore"):
        mu = family.linkinv(link)
        if measure == "deviance":
            return family.dev_resids(np.broadcast_to(y[:, None], mu.shape), mu, np.ones(1))
        error = y[:, None] - mu
        return np.abs(error) if measure == "mae" else error**2
