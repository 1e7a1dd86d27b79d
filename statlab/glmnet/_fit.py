"""Entry points :func:`glmnet` and :func:`cv_glmnet`: they check arguments, draw the folds and hand
the same inputs to the R or the Python backend, which return the same result types."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from statlab import _rbridge
from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.glmnet import _backend_python, _backend_r, _dask, _inputs
from statlab.glmnet._families import GlmFamily, glm_family_options
from statlab.glmnet._paths import PathArrays, PathOptions
from statlab.glmnet.result import CVGlmnetResult, GlmnetPath, RelaxedCV

Backend = Literal["auto", "r", "python"]


@check.keyword_only(after=2)
def glmnet(
    X: Any,
    y: Any,
    *,
    alpha: float = 1.0,
    family: str | Any = "gaussian",
    standardize: bool = True,
    nlambda: int = 100,
    lambda_min_ratio: float | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
    thresh: float = 1e-7,
    maxit: int = 100_000,
    lambdas: Sequence[float] | np.ndarray | None = None,
    type_gaussian: str | None = None,
    penalty_factor: Sequence[float] | np.ndarray | None = None,
    exclude: Sequence[str | int] | str | int | Callable[..., Any] | None = None,
    intercept: bool = True,
    lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
    upper_limits: float | Sequence[float] | np.ndarray = np.inf,
    dfmax: int | None = None,
    pmax: int | None = None,
    offset: Sequence[float] | np.ndarray | None = None,
    type_multinomial: str = "ungrouped",
    type_logistic: str = "Newton",
    standardize_response: bool = False,
    relax: bool = False,
    trace_it: bool = False,
    strata: Sequence[Any] | np.ndarray | None = None,
    backend: Backend = "auto",
) -> GlmnetPath:
    """Fit the elastic-net path of R's ``glmnet(x, y, alpha = alpha, family = family)``.

    .. math::

        \\min_{b_0, b}\\; \\frac{1}{N}\\sum_i w_i \\ell(y_i, b_0 + x_i^T b)
        + \\lambda\\left(\\alpha \\lVert b \\rVert_1 + \\frac{1-\\alpha}{2}\\lVert b \\rVert_2^2\\right)

    with ``l`` half the squared error (Gaussian) or the negative log-likelihood (binomial, or
    ``family="poisson"`` for counts, ``"multinomial"`` for K classes), x standardised internally.
    ``family="cox"`` fits the proportional-hazards model by Breslow's partial likelihood (ties
    as glmnet: a censored time tied with an event time is at risk at it), without intercept;
    ``y`` is (time, status), or (start, stop, status) for counting-process data: a data frame
    with those columns or an array with them in that order, status 1 for an event and 0 for
    censoring; ``strata`` (one label per row) stratifies the model, as R's ``stratifySurv``;
    ``predict(type="response")`` gives the relative risk ``exp(eta)``. As in R 4.1-6,
    right-censored data in one stratum on dense x run glmnet's Fortran ``coxnet``, everything
    else its ``cox.path`` (IRLS around its WLS solver).
    A multinomial fit has one coefficient set per class, penalised class by class
    (``type_multinomial="ungrouped"``) or per variable across classes (``"grouped"``); its
    ``offset`` is an n x K matrix. ``family="mgaussian"`` fits K Gaussian responses (``y`` an
    n x K matrix) with one coefficient vector per variable across responses under the grouped
    penalty ``alpha ||b_j||_2 + (1 - alpha)/2 ||b_j||^2``, as R's ``multelnet``;
    ``standardize_response`` (R's ``standardize.response``) scales each response to unit sd
    first, and lambdas are then in those units; its ``offset`` is an n x K matrix too.
    ``family`` may also be a family object, as R's ``family = binomial(link = "probit")``: a
    statsmodels family instance with its link (``sm.families.Binomial(link=
    sm.families.links.Probit())``, ``Poisson()``, ``Gamma(link=sm.families.links.Log())``,
    ``Gaussian(link=sm.families.links.Log())``; R's links only) or ``"quasipoisson"`` (R's
    ``quasipoisson()``, which statsmodels lacks). It is solved as R's ``glmnet.path``: IRLS
    around the weighted elastic net, with ``lambda_max`` from the null model as the first lambda
    and R's step halving; ``dfmax``, ``pmax`` and ``relax`` do not apply, and
    ``predict(type="response")`` applies the inverse link.
    ``offset`` is added to the linear predictor (e.g. log exposure
    for counts); predictions then need ``new_offset``. ``lambdas`` (R's ``lambda``) replaces
    glmnet's own sequence; it is then solved in full, without early stopping. ``backend="auto"``
    runs R when R, rpy2 and glmnet load, else Python; the result's ``backend`` says which ran.

    ``X`` may be dense or sparse (``scipy.sparse``, or a data frame with pandas sparse columns);
    sparse X is never densified (R receives a ``dgCMatrix``). ``type_gaussian`` picks glmnet's
    Gaussian algorithm, ``"covariance"`` or ``"naive"``; by default R's choice, covariance below
    500 variables and naive from 500 on. ``type_logistic`` (R's ``type.logistic``, binomial and
    multinomial) picks the IRLS curvature: ``"Newton"`` the exact one, ``"modified.Newton"`` its
    upper bound (``p (1 - p) <= 1/4``) fixed for the whole path; a grouped multinomial fit
    ignores it, as R does.

    Per-variable options, in R's meaning: ``penalty_factor`` scales each column's penalty (0 leaves
    it unpenalised, ``inf`` excludes it; glmnet rescales the factors to sum to the number of
    columns), ``exclude`` drops columns (names or 0-based positions, or a function
    ``exclude(x, y, weights)`` returning them, as R's: called with X as a matrix, y as fitted
    (0/1 for binomial) and the weights (ones by default); :func:`cv_glmnet` calls it again on
    each fold's training rows), ``lower_limits`` (<= 0) and
    ``upper_limits`` (>= 0) bound the coefficients (a scalar or one per column; a limit at 0 turns
    off glmnet's relative-R^2 early stop, as in R), ``intercept=False`` fits through the origin,
    ``dfmax`` stops the path once more than that many coefficients are non-zero and ``pmax`` once
    more than that many have ever been (with a warning, as R).

    ``trace_it=True`` (R's ``trace.it = 1``) draws a progress bar over the lambdas on stderr (a
    family object's path moves it lambda by lambda; the compiled paths of the built-in families
    at their end; the R backend draws R's).

    ``relax=True`` adds glmnet 4's relaxed fit (R's ``relax.glmnet``), as ``path.relaxed``: at each
    lambda the unpenalised fit (glmnet at lambda = 0, with the same family, weights, offset,
    limits and intercept) on that lambda's active set; lambdas with no active variable keep the
    intercept-only fit, and those with more than n - 3 active variables are left out of it.
    ``coef``/``predict`` then take ``gamma``: ``gamma * penalised + (1 - gamma) * relaxed``
    (1, R's default, is the penalised fit; R takes 0 as 1e-5).

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> path = sl.glmnet(sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), backend="python")
    >>> len(path.lambdas), int(path.df[-1])
    (89, 38)
    >>> relaxed = sl.glmnet(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), relax=True,
    ...                     backend="python")
    >>> relaxed.coef(0.05, gamma=0).round(3).tolist()[:2]
    [0.52, 0.0]
    """
    if _dask.holds_dask(X, y, weights, offset):  # larger than memory: statlab.glmnet._dask
        return _dask.glmnet(**locals())
    problem = _prepare(
        X,
        y,
        alpha,
        family,
        standardize,
        nlambda,
        lambda_min_ratio,
        weights,
        thresh,
        maxit,
        lambdas,
        type_gaussian,
        backend,
        {
            "penalty_factor": penalty_factor,
            "exclude": exclude,
            "intercept": intercept,
            "lower_limits": lower_limits,
            "upper_limits": upper_limits,
            "dfmax": dfmax,
            "pmax": pmax,
            "offset": offset,
            "type_multinomial": type_multinomial,
            "type_logistic": type_logistic,
            "standardize_response": standardize_response,
            "relax": relax,
            "strata": strata,
        },
    )
    engine = _backend_r if problem.backend == "r" else _backend_python
    relax = _inputs.flag(relax, "relax")
    _no_cox_relax(relax, problem.fit_args["family"])
    arrays = engine.fit_path(
        problem.x, problem.y, problem.weights, relax=relax,
        trace_it=_inputs.flag(trace_it, "trace_it"), **problem.fit_args,
    )  # fmt: skip
    return _problem_path(arrays, problem)


@check.keyword_only(after=2)
def cv_glmnet(
    X: Any,
    y: Any,
    *,
    alpha: float = 1.0,
    family: str | Any = "gaussian",
    nfolds: int = 10,
    foldid: Sequence[int] | np.ndarray | None = None,
    seed: int | None = None,
    standardize: bool = True,
    nlambda: int = 100,
    lambda_min_ratio: float | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
    thresh: float = 1e-7,
    maxit: int = 100_000,
    lambdas: Sequence[float] | np.ndarray | None = None,
    type_gaussian: str | None = None,
    penalty_factor: Sequence[float] | np.ndarray | None = None,
    exclude: Sequence[str | int] | str | int | Callable[..., Any] | None = None,
    intercept: bool = True,
    lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
    upper_limits: float | Sequence[float] | np.ndarray = np.inf,
    dfmax: int | None = None,
    pmax: int | None = None,
    offset: Sequence[float] | np.ndarray | None = None,
    type_multinomial: str = "ungrouped",
    type_logistic: str = "Newton",
    standardize_response: bool = False,
    type_measure: str = "default",
    grouped: bool = True,
    keep: bool = False,
    relax: bool = False,
    gamma: Sequence[float] | np.ndarray | None = None,
    n_jobs: int | None = None,
    trace_it: bool = False,
    strata: Sequence[Any] | np.ndarray | None = None,
    backend: Backend = "auto",
) -> CVGlmnetResult:
    """K-fold cross-validation of the glmnet path, as R's ``cv.glmnet``.

    statlab draws ``foldid`` itself from ``seed`` (None: a fresh seed, recorded in the result's
    ``seed``; R's own RNG is never used) and gives the same folds to either backend.
    ``type_measure`` picks the loss as R does: "default" (mean squared error for Gaussian and
    mgaussian, deviance otherwise), "mse", "deviance",
    "mae" (for mgaussian summed over the responses, "deviance" being "mse"), and for
    binomial "class" and "auc" (maximised; with under 10 observations per fold R's warning and
    "deviance"), for Cox "deviance" (the partial-likelihood deviance per event; grouped, each
    fold's as the full data's less its training rows', as R's ``cv.coxnet``) and "C" (Harrell's
    concordance of the held-out rows, maximised); for a family object the family's deviance
    (default), "mse" and "mae" of the mean, as R's ``cv.glmnetfit``. ``grouped=False`` computes the standard error per observation rather than per
    fold; ``keep=True`` returns the out-of-fold linear predictors as ``fit_preval``.
    ``lambda_min`` and ``lambda_1se`` follow glmnet's rules. Each fold fits its
    own lambda sequence unless ``lambdas`` is given, as in R. ``X``, ``type_gaussian``,
    ``type_logistic`` and the
    per-variable options (``penalty_factor``, ``exclude``, limits, ``intercept``, ``dfmax``,
    ``pmax``) as in :func:`glmnet`; every fold is fitted with them. ``n_jobs`` fits the full path
    and the folds in that many threads (R's ``parallel = TRUE``; the Python backend only; None:
    the active ``joblib.parallel_config``'s count, else 1), with results identical to
    ``n_jobs=1``. With the Gaussian covariance solver on dense ``X`` (fewer
    than 500 columns, at least nfolds + 1 rows per column, rows x columns >= 50,000) the Python
    backend sums each fold's held-out rows once (their cross-products by BLAS) and derives every
    fit's Gram rows, column statistics and starting gradient from those sums, rather than each
    fit sweeping ``X``.

    ``trace_it=True`` draws a progress bar over the fits (the full data's, then each fold's) on
    stderr; the R backend draws R's (``trace.it = 1``).

    ``relax=True`` cross-validates the relaxed fit (see :func:`glmnet`) on the same folds, one curve
    per ``gamma`` (default 0, 0.25, 0.5, 0.75, 1; values outside [0, 1] dropped with R's warning):
    ``result.relaxed`` holds the curves and R's relaxed choice (``lambda_min``/``gamma_min``,
    ``lambda_1se``/``gamma_1se``: the smallest error over the grid, and the largest lambda, then
    gamma, within one standard error of it). ``cvm``, ``lambda_min`` and ``lambda_1se`` stay
    those of the penalised fit (gamma = 1), as in R; ``coef``/``predict`` use the relaxed choice.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> X = sl.model_matrix("O3 ~ .^2", ozone)
    >>> fit = sl.cv_glmnet(X, np.log(ozone["O3"]), alpha=1, seed=479, backend="python")
    >>> fit.coef("lambda.1se").index[0], fit.predict(X, s="lambda.min").shape
    ('(Intercept)', (330,))
    """
    if foldid is None:
        seed = resolved_seed(seed)
    if _dask.holds_dask(X, y, weights, offset, foldid):  # larger than memory
        return replace(_dask.cv_glmnet(**locals()), seed=seed)
    problem = _prepare(
        X,
        y,
        alpha,
        family,
        standardize,
        nlambda,
        lambda_min_ratio,
        weights,
        thresh,
        maxit,
        lambdas,
        type_gaussian,
        backend,
        {
            "penalty_factor": penalty_factor,
            "exclude": exclude,
            "intercept": intercept,
            "lower_limits": lower_limits,
            "upper_limits": upper_limits,
            "dfmax": dfmax,
            "pmax": pmax,
            "offset": offset,
            "type_multinomial": type_multinomial,
            "type_logistic": type_logistic,
            "standardize_response": standardize_response,
            "relax": relax,
            "strata": strata,
        },
    )
    fit_args, ran = problem.fit_args, problem.backend
    family = fit_args["family"]
    _inputs.cv_lambda_grid(fit_args["lambdas"])
    jobs = check.worker_count(n_jobs)
    folds = _inputs.fold_ids(foldid, nfolds, problem.x.shape[0], seed)
    _inputs.fold_weights(problem.weights, folds)
    _inputs.fold_responses(problem.y, problem.weights, folds, family)
    _inputs.class_shares(problem.y, problem.weights, family, problem.labels, folds)
    measure = _inputs.cv_measure(type_measure, family, folds)
    relax = _inputs.flag(relax, "relax")
    _no_cox_relax(relax, family)
    cv_args = {
        "fold_exclusions": _fold_exclusions(exclude, problem, folds),
        "type_measure": measure,
        "grouped": _inputs.flag(grouped, "grouped"),
        "keep": _inputs.flag(keep, "keep"),
        "relax": relax,
        "gamma": _inputs.relax_gamma(gamma, relax),
        "trace_it": _inputs.flag(trace_it, "trace_it"),
    }
    data = (problem.x, problem.y, problem.weights, folds)
    if ran == "r":
        arrays = _backend_r.cross_validate(*data, **cv_args, **fit_args)
    else:
        arrays = _backend_python.cross_validate(*data, n_jobs=jobs, **cv_args, **fit_args)
    path = _problem_path(arrays.path, problem)
    nzero = _cv_nonzero(path, fit_args)
    measure_name = _inputs.measure_name(measure, family)
    return CVGlmnetResult(
        lambdas=path.lambdas,
        cvm=arrays.cvm,
        cvsd=arrays.cvsd,
        nzero=nzero,
        index_min=arrays.index_min,
        index_1se=arrays.index_1se,
        foldid=folds,
        measure=measure_name,
        backend=ran,
        path=path,
        type_measure=measure,
        fit_preval=arrays.fit_preval,
        relaxed=None
        if arrays.relaxed is None
        else RelaxedCV(
            gamma=arrays.relaxed.gamma,
            lambdas=path.lambdas,
            cvm=arrays.relaxed.cvm,
            cvsd=arrays.relaxed.cvsd,
            nzero=nzero,
            choice_min=arrays.relaxed.choice_min,
            choice_1se=arrays.relaxed.choice_1se,
            measure=measure_name,
            backend=ran,
            fit_preval=arrays.relaxed.fit_preval,
        ),
        seed=seed,
    )


@dataclass(frozen=True)
class PreparedProblem:
    """A glmnet call's inputs after every check: the ``backend`` that will run, ``x`` (dense
    float64 or CSC), ``y`` in glmnet's coding (class indicators, (time, status), ...), the class
    ``labels`` (None unless y has classes), the observation ``weights``, the column ``names`` and
    the backend's keyword arguments ``fit_args``."""

    backend: Literal["r", "python"]
    x: Any
    y: np.ndarray
    labels: list[str] | None
    weights: np.ndarray
    names: list[str]
    fit_args: dict[str, Any]


def _prepare(
    X: Any,
    y: Any,
    alpha: float,
    family: str | Any,
    standardize: bool,
    nlambda: int,
    lambda_min_ratio: float | None,
    weights: Any,
    thresh: float,
    maxit: int,
    lambdas: Any,
    type_gaussian: str | None,
    backend: str,
    options: dict[str, Any],
) -> PreparedProblem:
    family = _inputs.family_name(family)
    if isinstance(family, GlmFamily):
        glm_family_options(family, options)
    alpha = _inputs.mixing(alpha)
    nlambda, lambda_min_ratio, thresh = _inputs.path_settings(nlambda, lambda_min_ratio, thresh)
    maxit = check.integer(maxit, "maxit", low=1)
    x, names = _inputs.design(X, allow_sparse=True)
    _inputs.no_empty_columns(x, names)
    type_gaussian = _inputs.gaussian_algorithm(type_gaussian, x.shape[1])
    y_values, labels = _inputs.response(y, x.shape[0], family)
    w = _inputs.observation_weights(weights, x.shape[0])
    _inputs.class_shares(y_values, w, family, labels)
    if family == "cox":
        options = {**options, "intercept": _cox_intercept(options["intercept"])}
    _inputs.varying(x)
    if callable(options["exclude"]):
        chosen = _inputs.excluded_by_function(options["exclude"], x, y_values, w, names)
        options = {**options, "exclude": chosen}
    ran = _rbridge.resolve_backend(backend)
    fit_args = {
        "alpha": alpha,
        "family": family,
        "standardize": check.flag(standardize, "standardize"),
        "nlambda": nlambda,
        "lambda_min_ratio": lambda_min_ratio,
        "thresh": thresh,
        "max_passes": int(maxit),
        "lambdas": _inputs.lambda_grid(lambdas),
        "type_gaussian": _backend_python.gaussian_type(type_gaussian, x.shape[1]),
        "options": _path_options(options, names),
        "offset": _inputs.offsets(
            options["offset"],
            x.shape[0],
            n_classes=len(labels) if family in ("multinomial", "mgaussian") else None,
        ),
        "type_multinomial": _inputs.multinomial_type(options["type_multinomial"]),
        "type_logistic": _inputs.logistic_type(options["type_logistic"], family),
        "standardize_response": _inputs.response_scaling(options["standardize_response"], family),
        "strata": _inputs.strata_labels(options["strata"], x.shape[0], family),
    }
    return PreparedProblem(ran, x, y_values, labels, w, names, fit_args)


def _no_cox_relax(relax: bool, family: str) -> None:
    if relax and family == "cox":
        raise check.InvalidArgumentError("relax: the relaxed fit is not available for family='cox'")


def _cox_intercept(intercept: Any) -> bool:
    """The Cox model has no intercept (its partial likelihood ignores one): ``intercept=False``
    is accepted with R's warning; x is centred either way, as glmnet's coxnet does."""
    if not _inputs.flag(intercept, "intercept"):
        warnings.warn(
            "intercept: Cox model has no intercept",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
    return True


def _fold_exclusions(
    exclude: Any, problem: PreparedProblem, folds: np.ndarray
) -> list[np.ndarray] | None:
    """For an ``exclude`` function, the columns it excludes for the full fit and for each fold,
    called on that fold's training rows as R's cv.glmnet does; None otherwise."""
    if not callable(exclude):
        return None
    exclusions = [problem.fit_args["options"].exclude]
    for fold in range(1, int(folds.max()) + 1):
        train = np.flatnonzero(folds != fold)
        exclusions.append(
            _inputs.excluded_by_function(
                exclude, problem.x[train], problem.y[train], problem.weights[train], problem.names
            )
        )
    return exclusions


def _cv_nonzero(path: GlmnetPath, fit_args: dict[str, Any]) -> np.ndarray:
    """cv.glmnet's nzero: the path's df, except for an ungrouped multinomial fit, where it is
    the median over classes of each class's non-zero count, rounded up."""
    if fit_args["family"] == "multinomial" and fit_args["type_multinomial"] == "ungrouped":
        per_class = np.count_nonzero(path.beta, axis=0)  # classes x lambdas
        return np.ceil(np.median(per_class, axis=0)).astype(np.int64)
    return path.df.copy()


def _path_options(options: dict[str, Any], names: list[str]) -> PathOptions:
    """glmnet's per-variable options checked against the columns of X."""
    n_features = len(names)
    lower, upper = _inputs.coefficient_limits(
        _inputs.by_column_name(options["lower_limits"], names, "lower_limits"),
        _inputs.by_column_name(options["upper_limits"], names, "upper_limits"),
        n_features,
    )
    dfmax, pmax = _inputs.size_limits(options["dfmax"], options["pmax"], n_features)
    path_options = PathOptions(
        penalty_factor=_inputs.penalty_factors(
            _inputs.by_column_name(options["penalty_factor"], names, "penalty_factor"), n_features
        ),
        exclude=_inputs.excluded_columns(options["exclude"], names),
        lower=lower,
        upper=upper,
        intercept=_inputs.flag(options["intercept"], "intercept"),
        dfmax=dfmax,
        pmax=pmax,
    )
    if not path_options.included.any():
        raise check.InvalidArgumentError(
            "exclude: every column of X is excluded (by exclude or an infinite penalty_factor); "
            "R stops with 'All used predictors have zero variance'"
        )
    return path_options


def _problem_path(arrays: PathArrays, problem: PreparedProblem) -> GlmnetPath:
    return _path_result(arrays, problem.names, problem.fit_args, problem.backend, problem.labels)


def _path_result(
    arrays: PathArrays,
    names: list[str],
    fit_args: dict[str, Any],
    backend: str,
    labels: list[str] | None,
) -> GlmnetPath:
    common = {
        "nulldev": arrays.nulldev,
        "feature_names": names,
        "family": fit_args["family"],
        "alpha": fit_args["alpha"],
        "backend": backend,
        "class_labels": labels,
        "has_offset": fit_args["offset"] is not None,
    }
    relaxed = arrays.relaxed
    return GlmnetPath(
        lambdas=arrays.lambdas,
        a0=arrays.a0,
        beta=arrays.beta,
        df=arrays.df,
        dev_ratio=arrays.dev_ratio,
        **common,
        relaxed=None
        if relaxed is None
        else GlmnetPath(
            lambdas=arrays.lambdas[relaxed.kept],
            a0=relaxed.a0,
            beta=relaxed.beta,
            df=arrays.df[relaxed.kept],
            dev_ratio=relaxed.dev_ratio,
            **common,
        ),
    )
