"""The pure-Python glmnet backend: standardisation, lambda sequence and cross-validation as in
R glmnet 4.1-6, with the coordinate descent itself in :mod:`statlab.glmnet._kernels`.

Objective (Gaussian; ``w`` normalised to sum 1, ``s_y`` the 1/N sd of y)::

    1/2 sum w (y - b0 - X b)^2 + lambda * alpha * |b~|_1 + lambda * (1 - alpha) / (2 s_y) * |b~|^2

where ``b~_j = b_j * s_j`` are coefficients of the 1/N-standardised columns. Binomial replaces the
squared error by the negative log-likelihood and has no ``s_y``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from statlab import _validation as check
from statlab._progress import progress_bar
from statlab.glmnet import _flex
from statlab.glmnet._families import GlmFamily
from statlab.glmnet._interp import interpolate, linear_part
from statlab.glmnet._paths import (
    CVArrays,
    PathArrays,
    PathOptions,
    RelaxedArrays,
    RelaxedCVArrays,
    blend,
    cv_statistics,
    empty_path_message,
    pmax_warning,
    select_lambda,
    select_lambda_gamma,
)

if TYPE_CHECKING:
    from statlab.glmnet._kernels import PathControl

# numba and the kernels (statlab.glmnet._kernels) are imported by the functions calling them, so
# that importing statlab.glmnet, or running the R backend, loads neither

MIN_LAMBDA_RATIO = 1e-6  # glmnet.control()$eps floors lambda.min.ratio
PROBABILITY_CLIP = 1e-5  # cv.glmnet clips predicted probabilities for the deviance


NAIVE_FROM_P = 500  # glmnet: type.gaussian = "covariance" below 500 variables, else "naive"


def gaussian_type(type_gaussian: str | None, n_features: int) -> str:
    """The Gaussian algorithm glmnet runs: the one asked for, else R's choice by the number of
    variables.

    >>> gaussian_type(None, 499), gaussian_type(None, 500), gaussian_type("naive", 10)
    ('covariance', 'naive', 'naive')
    """
    if type_gaussian is not None:
        return type_gaussian
    return "covariance" if n_features < NAIVE_FROM_P else "naive"


@dataclass(frozen=True)
class _Columns:
    """x as the kernels read it: a column-major dense matrix, or the three arrays of a CSC matrix."""

    dense: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray
    sparse: bool
    n_rows: int
    n_cols: int

    @classmethod
    def of(cls, x: Any) -> _Columns:
        if sp.issparse(x):
            csc = sp.csc_matrix(x)
            csc.sum_duplicates()
            csc.sort_indices()
            return cls(
                _NO_DENSE,
                _read_only(csc.indptr.astype(np.int64)),
                # unsigned row numbers: the kernels' gathers then skip negative-index handling
                _read_only(csc.indices.astype(np.uint32 if csc.shape[0] < 2**32 else np.int64)),
                _read_only(np.asarray(csc.data, dtype=np.float64)),
                True,
                *csc.shape,
            )
        dense = _read_only(np.asfortranarray(x, dtype=np.float64))
        return cls(dense, _NO_INDEX, _NO_ROWS, _NO_VALUES, False, *dense.shape)

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        return self.dense, self.indptr, self.indices, self.values, self.sparse


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array``, as the kernels take every array of the user's data: numba
    compiles a kernel anew for read-only arrays (pandas hands them out), so all are made so, for
    one compiled signature and no copy.

    >>> _read_only(np.zeros(2)).flags.writeable
    False
    """
    view = array.view()
    view.flags.writeable = False
    return view


# placeholders: one compiled signature for both kinds of x
_NO_DENSE = _read_only(np.zeros((2, 2), order="F"))
_NO_INDEX = _read_only(np.zeros(1, dtype=np.int64))
_NO_ROWS = _read_only(np.zeros(1, dtype=np.uint32))
_NO_VALUES = _read_only(np.zeros(1))


def fit_path(
    x: np.ndarray | sp.spmatrix,
    y: np.ndarray,
    weights: np.ndarray,
    *,
    alpha: float,
    family: str,
    standardize: bool,
    nlambda: int,
    lambda_min_ratio: float | None,
    thresh: float,
    max_passes: int,
    lambdas: np.ndarray | None = None,
    type_gaussian: str | None = None,
    options: PathOptions | None = None,
    offset: np.ndarray | None = None,
    type_multinomial: str = "ungrouped",
    type_logistic: str = "Newton",
    standardize_response: bool = False,
    relax: bool = False,
    trace_it: bool = False,
    strata: np.ndarray | None = None,
) -> PathArrays:
    """Fit glmnet's path on (x, y): its own lambda sequence with early stopping, or the decreasing
    ``lambdas`` given, each solved. ``x`` is dense or ``scipy.sparse``; it is never densified.
    ``options`` carries glmnet's penalty factors, exclusions, limits, intercept, dfmax and pmax;
    ``standardize_response`` scales each response of an mgaussian fit to unit sd (R's
    ``standardize.response``); ``relax`` adds the relaxed fit (:func:`_relax`)."""
    columns = _Columns.of(x)
    settings = _Settings(
        alpha, family, standardize, nlambda, lambda_min_ratio, thresh, max_passes, lambdas,
        gaussian_type(type_gaussian, columns.n_cols),
        options if options is not None else PathOptions.defaults(columns.n_cols), offset,
        type_multinomial == "grouped", standardize_response, strata=strata,
        modified_newton=type_logistic == "modified.Newton",
    )  # fmt: skip
    n_lambdas = nlambda if lambdas is None else len(lambdas)
    training_sums, stats = _path_sums(columns, y, weights, settings)
    with progress_bar(n_lambdas, "glmnet path", trace_it, unit="lambda") as bar:
        path = _fit_rows(
            columns, y, weights, columns.n_rows, replace(settings, on_step=bar.update),
            training_sums, stats,
        )  # fmt: skip
    _warn_unconverged(path, settings)
    if relax:
        path = replace(path, relaxed=_relax(columns, y, weights, columns.n_rows, settings, path))
    return path


def _path_sums(
    columns: _Columns, y: np.ndarray, weights: np.ndarray, settings: _Settings
) -> tuple[_TrainingSums | None, ColumnStats | None]:
    """For one Gaussian covariance path on dense x large enough to pay (:func:`_shares_gram`
    with a single fit), the rows' sums and one BLAS Gram product of the variables the path may
    reach, in place of a sweep of x per variable entering; else (None, None)."""
    single_fit = np.ones(1, dtype=np.int64)
    if not _shares_gram(columns, single_fit, settings):
        return None, None
    included, short_path = _gram_variables(settings)
    if short_path:
        return None, None
    response = y - settings.offset if settings.offset is not None else y
    # the rows in chunks of at most PATH_SUMS_CHUNK_BYTES: the weighted, centred copy of one
    # chunk is alive at a time
    n, p = columns.n_rows, columns.n_cols
    n_chunks = -(-n * p * 8 // PATH_SUMS_CHUNK_BYTES)
    chunks = np.arange(n, dtype=np.int64) * n_chunks // n + 1
    sums = _held_out_sums(columns, response, weights, chunks, included, included)
    return sums.training(0)


def _relax(
    columns: _Columns,
    y: np.ndarray,
    weights: np.ndarray,
    n_obs: int,
    settings: _Settings,
    path: PathArrays,
    training_sums: _TrainingSums | None = None,
    stats: ColumnStats | None = None,
) -> RelaxedArrays:
    """R's ``relax.glmnet``: for each distinct non-empty active set of the path, glmnet at
    ``lambda = 0`` with every other column excluded (same family, weights, offset, limits,
    intercept, thresh), its fit given to every lambda with that active set. Active sets of more
    than ``n_obs - 3`` variables are not refitted and their lambdas are omitted (R's ``maxp``); a
    refit that does not converge within ``maxit`` passes is R's empty model (all zero)."""
    beta = path.beta
    active = (np.abs(beta).sum(axis=1) if beta.ndim == 3 else beta) != 0  # p x L
    kept = active.sum(axis=0) <= n_obs - 3
    a0, relaxed_beta, dev_ratio = path.a0.copy(), beta.copy(), path.dev_ratio.copy()
    patterns, which = np.unique(active.T, axis=0, return_inverse=True)
    unconverged = 0
    stats = stats if stats is not None else _column_stats(columns, weights)
    for k, pattern in enumerate(patterns):
        if not pattern.any() or pattern.sum() > n_obs - 3:
            continue
        options = replace(settings.options, exclude=np.flatnonzero(~pattern))
        refit = _fit_rows(
            columns, y, weights, n_obs,
            replace(settings, lambdas=np.zeros(1), options=options), training_sums, stats,
        )  # fmt: skip
        at = which.reshape(-1) == k
        if refit.npasses > settings.max_passes:  # R's glmnet returns an empty model: all zero
            unconverged += 1
            a0[..., at], relaxed_beta[..., at], dev_ratio[at] = 0.0, 0.0, 0.0
            continue
        if settings.family == "multinomial" and not settings.grouped_multinomial:
            _centre_over_classes(refit.beta, columns, weights, settings.alpha, options)
        a0[..., at] = refit.a0[..., -1:]
        relaxed_beta[..., at] = refit.beta[..., -1:]
        dev_ratio[at] = refit.dev_ratio[-1]
    if unconverged:
        warnings.warn(
            f"relax: {unconverged} relaxed refit(s) did not converge in {settings.max_passes} "
            "passes (maxit); as in R, their lambdas get an empty relaxed fit (intercept and "
            "coefficients 0)",
            RuntimeWarning,
            stacklevel=check.caller_stacklevel(),
        )
    return RelaxedArrays(kept, a0[..., kept], relaxed_beta[..., kept], dev_ratio[kept])


ColumnStats = tuple[np.ndarray, np.ndarray, np.ndarray]


def _column_stats(columns: _Columns, weights: np.ndarray) -> ColumnStats:
    """The weighted column means and variances of x over the rows of positive weight, and which
    columns are not constant there."""
    from statlab.glmnet import _kernels

    return _kernels.column_stats(*columns.kernel_args(), weights / weights.sum())


@dataclass(frozen=True)
class _Settings:
    alpha: float
    family: str
    standardize: bool
    nlambda: int
    lambda_min_ratio: float | None
    thresh: float
    max_passes: int
    lambdas: np.ndarray | None
    type_gaussian: str
    options: PathOptions
    offset: np.ndarray | None = None  # added to the linear predictor (R's offset)
    grouped_multinomial: bool = False  # type_multinomial="grouped"
    standardize_response: bool = False  # mgaussian: each response scaled to unit sd
    on_step: Callable[[int], Any] | None = None  # told how many lambdas a path has fitted
    strata: np.ndarray | None = None  # Cox: each row's stratum
    modified_newton: bool = False  # type_logistic="modified.Newton"


def path_control(
    settings: _Settings,
    lambdas_std: np.ndarray,
    factor: float,
    x_scale: np.ndarray,
    y_scale: float = 1.0,
    thresh: float | None = None,
) -> PathControl:
    """The path kernels' :class:`~statlab.glmnet._kernels._common.PathControl` from ``settings``:
    the lambdas ``lambdas_std`` and the box limits (times ``x_scale / y_scale``; p x K limits
    where ``x_scale`` is p x K) in the standardised problem's units, glmnet's own sequence (ratio
    ``factor``) where the user gave none, and ``thresh`` where the family scales it (else the
    user's)."""
    from statlab.glmnet import _kernels

    options = settings.options
    lower, upper = options.lower, options.upper
    if x_scale.ndim == 2:  # one limit a variable, scaled per response
        lower, upper = lower[:, None], upper[:, None]
    return _kernels.PathControl(
        settings.alpha, lambdas_std, settings.lambdas is None,
        settings.thresh if thresh is None else thresh, settings.max_passes, options.penalty,
        np.ascontiguousarray(lower * x_scale / y_scale),
        np.ascontiguousarray(upper * x_scale / y_scale), factor, options.pmax, options.dfmax,
        options.fdev,
    )  # fmt: skip


def _fit_rows(
    columns: _Columns,
    y: np.ndarray,
    weights: np.ndarray,
    n_obs: int,
    settings: _Settings,
    training_sums: _TrainingSums | None = None,
    stats: ColumnStats | None = None,
) -> PathArrays:
    """The path on the rows of positive weight (a fold is all of x with held-out weights 0).
    ``training_sums``, sums over these rows shared by a cross-validation's fits, give the
    Gaussian covariance solver its gradient and Gram rows;
    ``stats``, these rows' column means, variances and non-constant columns, saves a sweep of x
    (the relaxed refits share their path's)."""
    from statlab.glmnet import _kernels

    if isinstance(settings.family, GlmFamily):  # a family object: glmnet.path's IRLS
        stats = stats if stats is not None else _column_stats(columns, weights)
        return _flex.fit_rows(columns, y, weights, n_obs, settings, stats)
    w = weights / weights.sum()
    args = columns.kernel_args()
    options = settings.options
    x_mean, x_var, usable = stats if stats is not None else _column_stats(columns, weights)
    usable = usable & options.included
    if not usable.any():
        raise check.InvalidArgumentError(
            "exclude: no variable is left to fit (every column is excluded or constant); "
            "R stops with 'All used predictors have zero variance'"
        )
    p = columns.n_cols
    x_scale = np.sqrt(np.maximum(x_var, 0.0)) if settings.standardize else np.ones(p)
    x_scale = np.where(usable & (x_scale > 0), x_scale, 1.0)
    if options.intercept:
        x_var_std = np.ones(p) if settings.standardize else x_var
    else:
        # glmnet without an intercept: columns are scaled by their (centred) sd but not centred
        x_var_std = 1.0 + x_mean**2 / x_scale**2 if settings.standardize else x_var + x_mean**2
        x_mean = np.zeros(p)
    ratio = (
        settings.lambda_min_ratio
        if settings.lambda_min_ratio is not None
        else (0.01 if n_obs < p else 1e-4)
    )
    own_sequence = settings.lambdas is None
    factor = max(ratio, MIN_LAMBDA_RATIO) ** (1.0 / (settings.nlambda - 1.0))
    if settings.family == "gaussian":
        if settings.offset is not None:
            y = y - settings.offset
        y_mean = w @ y if options.intercept else 0.0
        y_scale = float(np.sqrt(w @ (y - y_mean) ** 2))
        yz = (y - y_mean) / y_scale
        if training_sums is not None:
            gradient = np.where(
                usable, training_sums.gradient(x_mean, y_mean, x_scale, y_scale), 0.0
            )
        else:
            gradient = _kernels.centred_products(*args, x_mean, x_scale, usable, w * yz)
        if own_sequence:
            lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
        else:
            lambdas_std = settings.lambdas / y_scale
        control = path_control(settings, lambdas_std, factor, x_scale, y_scale)
        if settings.type_gaussian == "naive":
            problem = _kernels.NaiveProblem(
                w, yz, x_mean, x_scale, x_var_std, usable, np.abs(gradient)
            )
            beta_std, dev_ratio, n_steps, passes, status = _kernels.gaussian_naive_path(
                *args, problem, control
            )
        else:
            shared, shared_rows, shared_columns = _NO_GRAM, np.full(p, -1), np.full(p, -1)
            if training_sums is not None:
                shared, shared_rows, shared_columns = training_sums.gram(x_mean, x_scale)
            beta_std, dev_ratio, n_steps, passes, status = _kernels.gaussian_cov_path(
                *args, w, x_mean, x_scale, x_var_std, usable, gradient, control,
                shared, shared_rows, shared_columns,
            )  # fmt: skip
        beta = beta_std[:, :n_steps] * y_scale / x_scale[:, None]
        a0 = y_mean - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps] * y_scale
        nulldev = float(weights @ (y - y_mean) ** 2)
    elif settings.family == "mgaussian":
        beta, a0, dev_ratio, path_lambdas, nulldev, n_steps, passes, status = _mgaussian_rows(
            columns, y, weights, w, x_mean, x_scale, x_var_std, usable, settings, factor
        )
    elif settings.family == "multinomial":
        if own_sequence:
            lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
        else:
            lambdas_std = settings.lambdas.astype(np.float64)
        offset = settings.offset if settings.offset is not None else np.zeros(y.shape)
        a0_std, beta_std, dev_ratio, n_steps, passes, status, null_dev = (
            _kernels.multinomial_path(
                *args, w, _kernel_data(y), _kernel_data(offset), x_mean, x_scale, x_var_std, usable,
                path_control(settings, lambdas_std, factor, x_scale), options.intercept,
                settings.grouped_multinomial, settings.modified_newton,
            )
        )  # fmt: skip
        beta = beta_std[:, :, :n_steps] / x_scale[:, None, None]
        a0 = a0_std[:, :n_steps] - np.einsum("j,jkl->kl", x_mean, beta)
        a0 -= a0.mean(axis=0)  # glmnet centres the intercepts over the classes
        path_lambdas = lambdas_std[:n_steps].copy()
        nulldev = float(null_dev * weights.sum())
    elif settings.family == "cox" and uses_cox_path(columns.sparse, y, settings.strata):
        return _cox_path_rows(columns, y, weights, settings, ratio)
    elif settings.family == "cox":
        if own_sequence:
            lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
        else:
            lambdas_std = settings.lambdas.astype(np.float64)
        offset = settings.offset if settings.offset is not None else np.zeros(columns.n_rows)
        status = np.ascontiguousarray(y[:, 1])
        order, ends = risk_set_groups(y, w, np.flatnonzero(w > 0))
        # coxnet's exponent 1.0 / (nlam - 1) is a single-precision constant
        cox_factor = max(ratio, MIN_LAMBDA_RATIO) ** float(
            np.float32(1.0) / np.float32(settings.nlambda - 1)
        )
        beta_std, dev_ratio, n_steps, passes, status_code, null_dev = _kernels.cox_path(
            *args, w, status, _kernel_data(offset), order, ends, x_mean, x_scale, usable,
            path_control(settings, lambdas_std, cox_factor, x_scale),
        )  # fmt: skip
        status = status_code
        if status == _kernels.STATUS_COX_WEIGHT:
            _warn_cox_weights(n_steps)
        beta = beta_std[:, :n_steps] / x_scale[:, None]
        a0 = np.zeros(n_steps)
        path_lambdas = lambdas_std[:n_steps].copy()
        nulldev = float(2.0 * null_dev * weights.sum())
    else:
        if own_sequence:
            lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
        else:
            lambdas_std = settings.lambdas.astype(np.float64)
        offset = settings.offset if settings.offset is not None else np.zeros(columns.n_rows)
        family = _kernels.POISSON if settings.family == "poisson" else _kernels.BINOMIAL
        a0_std, beta_std, dev_ratio, n_steps, passes, status, null_dev = _kernels.glm_path(
            *args, w, _kernel_data(y), _kernel_data(offset), family, x_mean, x_scale, x_var_std,
            usable, path_control(settings, lambdas_std, factor, x_scale), options.intercept,
            settings.modified_newton,
        )  # fmt: skip
        beta = beta_std[:, :n_steps] / x_scale[:, None]
        a0 = a0_std[:n_steps] - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps].copy()
        nulldev = float(null_dev * weights.sum())
    if settings.on_step is not None:  # the compiled paths report once, at their end
        settings.on_step(n_steps)
    if n_steps == 0 and status == _kernels.STATUS_PMAX:
        raise check.InvalidArgumentError(empty_path_message(options.pmax))
    if own_sequence:
        path_lambdas[0] = _first_lambda(path_lambdas)
    return PathArrays(
        lambdas=path_lambdas,
        a0=np.asarray(a0, dtype=np.float64),
        beta=beta,
        df=np.count_nonzero(np.abs(beta).sum(axis=1) if beta.ndim == 3 else beta, axis=0),
        dev_ratio=dev_ratio[:n_steps].copy(),
        nulldev=nulldev,
        npasses=int(passes),
        pmax_reached=status == _kernels.STATUS_PMAX,
        curvature_floor_reached=status == _kernels.STATUS_MIN_VARIANCE,
    )


def _mgaussian_rows(
    columns: _Columns,
    y: np.ndarray,
    weights: np.ndarray,
    w: np.ndarray,
    x_mean: np.ndarray,
    x_scale: np.ndarray,
    x_var_std: np.ndarray,
    usable: np.ndarray,
    settings: _Settings,
    factor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int, int, int]:
    """The multi-response Gaussian path (n x K ``y``) as glmnet's ``multelnet``: responses
    centred (with an intercept) and, with ``standardize_response``, scaled to unit weighted
    sd; lambdas, limits and ``thresh`` in those units (``thresh`` times the responses' total
    weighted sum of squares over K). Returns beta (p x K x L), intercepts (K x L), dev_ratio,
    lambdas, the null deviance, steps, passes and the kernel's status."""
    from statlab.glmnet import _kernels

    options = settings.options
    if settings.offset is not None:
        y = y - settings.offset
    n_responses = y.shape[1]
    y_mean = w @ y if options.intercept else np.zeros(n_responses)
    centred = y - y_mean
    sum_sq = w @ centred**2
    if settings.standardize_response:
        # without an intercept glmnet scales by the sd about the mean yet does not centre
        y_scale = np.sqrt(sum_sq if options.intercept else sum_sq - (w @ y) ** 2)
        null_rss = float(n_responses if options.intercept else np.sum(sum_sq / y_scale**2))
    else:
        y_scale = np.ones(n_responses)
        null_rss = float(sum_sq.sum())
    yz = np.ascontiguousarray((centred / y_scale).T)
    if settings.lambdas is None:
        lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
    else:
        lambdas_std = settings.lambdas.astype(np.float64)
    limits = x_scale[:, None] / y_scale[None, :]
    beta_std, dev_ratio, n_steps, passes, status = _kernels.mgaussian_path(
        *columns.kernel_args(), w, _kernel_data(yz), x_mean, x_scale, x_var_std, usable,
        path_control(
            settings, lambdas_std, factor, limits, thresh=settings.thresh * null_rss / n_responses
        ),
        null_rss,
    )  # fmt: skip
    beta = beta_std[:, :, :n_steps] * y_scale[None, :, None] / x_scale[:, None, None]
    a0 = y_mean[:, None] - np.einsum("j,jkl->kl", x_mean, beta)
    # R's null deviance: about the weighted means whether or not there is an intercept
    nulldev = float(np.sum(weights @ (y - weights @ y / weights.sum()) ** 2))
    return (
        beta, a0, dev_ratio, lambdas_std[:n_steps].copy(), nulldev, n_steps, passes, status
    )  # fmt: skip


def uses_cox_path(sparse: bool, y: np.ndarray, strata: np.ndarray | None) -> bool:
    """Whether R glmnet 4.1-6 fits this Cox model with ``cox.path`` (sparse x, (start, stop]
    data or more than one stratum) rather than the Fortran ``coxnet`` (its ``use.cox.path``)."""
    return sparse or y.shape[1] == 3 or (strata is not None and np.unique(strata).shape[0] > 1)


def _cox_path_rows(
    columns: _Columns, y: np.ndarray, weights: np.ndarray, settings: _Settings, ratio: float
) -> PathArrays:
    """cox.path on the rows of positive weight, taken out of x (R fits a fold on its rows)."""
    from statlab.glmnet import _coxpath

    rows = np.flatnonzero(weights > 0)
    offset = settings.offset
    if rows.shape[0] < columns.n_rows:
        columns = _Columns.of(_row_subset(columns, rows))
        y, weights = y[rows], weights[rows]
        offset = None if offset is None else offset[rows]
    strata = None if settings.strata is None else settings.strata[rows]
    return _coxpath.fit_path(
        columns, _coxpath.Survival.of(y, strata), weights, offset, settings.alpha,
        settings.standardize, settings.nlambda, ratio, settings.lambdas, settings.thresh,
        settings.max_passes, settings.options,
    )  # fmt: skip


def _row_subset(columns: _Columns, rows: np.ndarray) -> Any:
    if columns.sparse:
        matrix = sp.csc_matrix(
            (columns.values, columns.indices, columns.indptr),
            shape=(columns.n_rows, columns.n_cols),
        )
        return matrix[rows]
    return columns.dense[rows]


COX_TIE_NUDGE = 100 * np.finfo(np.float64).eps  # coxnet adds this to censored times
COX_FEW_EVENTS_MESSAGE = (
    "y: too few events to fit the Cox model (the first event is among the last two survival "
    "times of the rows fitted, or there is none); R's glmnet stops with 'Inititialization "
    "numerical error; probably too many censored observations'"
)


def risk_set_times(y: np.ndarray) -> np.ndarray:
    """The survival times as coxnet sorts them: censored times moved up by 100 machine epsilons,
    so that a censored time tied with an event time stays in that event's risk set (where the
    nudge is below the time's resolution, the tie is left to the sort, as in R).

    >>> bool(risk_set_times(np.array([[1.0, 1.0], [1.0, 0.0]]))[1] > 1.0)
    True
    """
    return np.ascontiguousarray(y[:, 0] + (1.0 - y[:, 1]) * COX_TIE_NUDGE)


def risk_set_groups(
    y: np.ndarray, weights: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """coxnet's risk-set groups of the rows ``rows`` (default all; R's data, in their order) of
    the survival response ``y`` (time, status): the row numbers in coxnet's time order and each
    group's end (:func:`statlab.glmnet._kernels.cox_groups`)."""
    from statlab.glmnet import _kernels

    if rows is None:
        rows = np.arange(y.shape[0])
    order, ends, error = _kernels.cox_groups(
        risk_set_times(y[rows]),
        np.ascontiguousarray(y[rows, 1]),
        np.ascontiguousarray(weights[rows]),
    )
    if error:
        raise check.InvalidArgumentError(COX_FEW_EVENTS_MESSAGE)
    return rows[order], ends


def cox_deviance(
    y: np.ndarray,
    eta: np.ndarray,
    weights: np.ndarray,
    rows: np.ndarray | None = None,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """glmnet's ``coxnet.deviance`` of the linear predictors ``eta`` (n x L) on the rows ``rows``
    (default all), their weights rescaled to sum to the number of rows, as R does; summed over
    the strata, if any."""
    from statlab.glmnet import _coxpath, _kernels

    if rows is None:
        rows = np.arange(y.shape[0])
    w = weights[rows] * (rows.shape[0] / weights[rows].sum())
    if y.shape[1] == 3 or strata is not None:
        survival = _coxpath.Survival.of(y[rows], None if strata is None else strata[rows])
        return np.array([survival.deviance(eta[rows, m], w) for m in range(eta.shape[1])])
    order, ends = risk_set_groups(y[rows], w)
    return _kernels.cox_deviances(
        np.ascontiguousarray(eta[rows]), np.ascontiguousarray(y[rows, 1]), w, order, ends
    )


def _warn_cox_weights(n_steps: int) -> None:
    warnings.warn(
        f"numerical error at lambda number {n_steps + 1}: a Cox working weight was not positive; "
        f"the path stops at {n_steps} lambdas (as R's glmnet does)",
        RuntimeWarning,
        stacklevel=check.caller_stacklevel(),
    )


def _kernel_data(values: np.ndarray) -> np.ndarray:
    """The response or offset as the kernels take it: C-contiguous float64, read-only."""
    return _read_only(np.ascontiguousarray(values, dtype=np.float64))


def _warn_unconverged(fitted: PathArrays, settings: _Settings) -> None:
    if fitted.pmax_reached:
        pmax_warning(settings.options.pmax, len(fitted.lambdas))
    if fitted.curvature_floor_reached:
        warnings.warn(
            f"the fitted probabilities' largest p (1 - p) fell below 1e-6 at lambda number "
            f"{len(fitted.lambdas) + 1}; the path stops at {len(fitted.lambdas)} lambdas (as R's "
            "glmnet does)",
            RuntimeWarning,
            stacklevel=check.caller_stacklevel(),
        )
    if fitted.npasses > settings.max_passes:
        warnings.warn(
            f"coordinate descent did not converge in {settings.max_passes} passes (maxit); the "
            f"path stops at {len(fitted.lambdas)} lambdas",
            RuntimeWarning,
            stacklevel=check.caller_stacklevel(),
        )


def _centre_over_classes(
    beta: np.ndarray,
    columns: _Columns,
    weights: np.ndarray,
    alpha: float,
    options: PathOptions,
) -> None:
    """An unpenalised multinomial fit is unique only up to a shift of each variable's
    coefficients across classes; glmnet picks the shift its elastic net penalty favours (``elc``
    in glmnetpp: the median over classes for the lasso, the mean for ridge or an unpenalised
    variable), on the standardised scale and within the limits. Applied in place to ``beta``
    (features x classes x lambdas)."""
    _, x_var, _ = _column_stats(columns, weights)
    scale = np.sqrt(np.maximum(x_var, 0.0))
    scale = np.where(scale > 0, scale, 1.0)
    penalty = options.penalty
    for j in np.flatnonzero(options.included):
        for step in range(beta.shape[2]):
            row = beta[j, :, step] * scale[j]
            if penalty[j] <= 0:
                shift = row.mean()
            else:
                shift = _penalty_shift(alpha, row)
            shift = max(
                (row - options.upper[j] * scale[j]).max(),
                min((row - options.lower[j] * scale[j]).min(), shift),
            )
            beta[j, :, step] = (row - shift) / scale[j]


def _penalty_shift(alpha: float, row: np.ndarray) -> float:
    """glmnet's ``elc``: the s minimising ``sum_k alpha |a_k - s| + (1 - alpha) / 2 (a_k - s)^2``
    over the class coefficients ``a`` of one variable (the median for alpha = 1, the mean for 0).

    >>> _penalty_shift(1.0, np.array([0.0, 1.0, 5.0])), _penalty_shift(0.0, np.array([0.0, 1.0, 5.0]))
    (1.0, 2.0)
    """
    from statlab.glmnet import _kernels

    return float(_kernels.class_shift(alpha, np.ascontiguousarray(row, dtype=np.float64)))


def cross_validate(
    x: np.ndarray | sp.spmatrix,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    *,
    n_jobs: int = 1,
    type_measure: str | None = None,
    grouped: bool = True,
    keep: bool = False,
    relax: bool = False,
    gamma: np.ndarray | None = None,
    fold_exclusions: list[np.ndarray] | None = None,
    trace_it: bool = False,
    **fit_args: Any,
) -> CVArrays:
    """cv.glmnet: a full-data path, each fold's own path, out-of-fold loss at the full-data lambdas.

    ``type_measure`` is a measure :func:`statlab.glmnet._inputs.cv_measure` resolved (None: the
    family's default); ``grouped`` and ``keep`` as in R (``keep`` returns the out-of-fold linear
    predictors, R's ``fit.preval``). ``relax`` relaxes every fit and adds one curve per ``gamma``
    (sorted, checked values in [0, 1]); the main curve is then gamma = 1's, as in R.

    A fold is fitted on the full ``x`` with the held-out rows' weights set to zero, so no fold
    copies ``x``; with ``n_jobs > 1`` the full fit and the folds run in threads (the kernels release
    the GIL), with results identical to ``n_jobs=1``.
    """
    columns = _Columns.of(x)
    fit_args.setdefault("lambdas", None)
    fit_args.setdefault("type_gaussian", None)
    settings = _Settings(
        fit_args["alpha"], fit_args["family"], fit_args["standardize"], fit_args["nlambda"],
        fit_args["lambda_min_ratio"], fit_args["thresh"], fit_args["max_passes"],
        fit_args["lambdas"], gaussian_type(fit_args["type_gaussian"], columns.n_cols),
        fit_args.get("options") or PathOptions.defaults(columns.n_cols), fit_args.get("offset"),
        fit_args.get("type_multinomial") == "grouped",
        bool(fit_args.get("standardize_response", False)),
        strata=fit_args.get("strata"),
        modified_newton=fit_args.get("type_logistic") == "modified.Newton",
    )  # fmt: skip
    n_folds = int(foldid.max())
    bar = progress_bar(n_folds + 1, "cv_glmnet fits", trace_it, unit="fit")

    def fit(fold: int, sums: _HeldOutSums | None, path: PathArrays | None = None) -> PathArrays:
        if fold == 0:
            fold_weights, n_obs = weights, columns.n_rows
        else:
            train = foldid != fold
            fold_weights, n_obs = np.where(train, weights, 0.0), int(train.sum())
        training_sums, stats = (None, None) if sums is None else sums.training(fold)
        fold_settings = settings
        if fold_exclusions is not None:  # an exclude function's choice for this fit
            options = replace(settings.options, exclude=fold_exclusions[fold])
            fold_settings = replace(settings, options=options)
        fitted = (
            path
            if path is not None
            else _fit_rows(columns, y, fold_weights, n_obs, fold_settings, training_sums, stats)
        )
        if relax:
            relaxed = _relax(
                columns, y, fold_weights, n_obs, fold_settings, fitted, training_sums, stats
            )
            fitted = replace(fitted, relaxed=relaxed)
        bar.update(1)
        return fitted

    def run(folds: range, sums: _HeldOutSums | None) -> list[PathArrays]:
        if n_jobs == 1:
            return [fit(fold, sums) for fold in folds]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=n_jobs, prefer="threads")(delayed(fit)(f, sums) for f in folds)

    if fold_exclusions is not None or not _shares_gram(columns, foldid, settings):
        fits = run(range(n_folds + 1), None)
    else:
        response = y - settings.offset if settings.offset is not None else y
        included, short_path = _gram_variables(settings)
        if not short_path:
            # the rows and columns of the variables not excluded: no fit reads the others
            sums = _held_out_sums(columns, response, weights, foldid, included, included)
            fits = run(range(n_folds + 1), sums)
        else:
            # a path dfmax or pmax keeps short: the full-data path first, its statistics from
            # the sums, computing the Gram rows of the few variables it reaches; the folds share
            # only those (a fold reaching another variable computes its row from x)
            sums = _held_out_sums(columns, response, weights, foldid, None, included)
            path = _fit_rows(columns, y, weights, columns.n_rows, settings, *sums.training(0))
            sums = sums.with_gram_rows(np.flatnonzero(np.abs(path.beta).sum(axis=1)))
            fits = [fit(0, sums, path), *run(range(1, n_folds + 1), sums)]
    bar.close()
    for fitted in fits:
        _warn_unconverged(fitted, settings)
    full = fits[0]
    rows = x.tocsr() if sp.issparse(x) else x
    measure = type_measure or (
        "mse" if settings.family in ("gaussian", "mgaussian") else "deviance"
    )

    if settings.family == "cox":
        cvm, cvsd, fit_preval = _cox_curve(
            rows, y, weights, foldid, fits, settings.offset, measure, grouped, settings.strata
        )
        index_min, index_1se = select_lambda(-cvm if measure == "C" else cvm, cvsd)
        return CVArrays(full, cvm, cvsd, index_min, index_1se, fit_preval if keep else None)

    def curve(gamma_value: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        predictions = _out_of_fold(rows, fits, foldid, settings.offset, gamma_value)
        fit_preval = predictions if keep else None
        if measure == "auc":
            cvm, cvsd = _auc_curve(y, predictions, weights, foldid)
        else:
            loss = _loss(y, predictions, settings.family, measure, in_place=not keep)
            cvm, cvsd = _cv_curve(loss, weights, foldid, grouped)
        return cvm, cvsd, fit_preval

    sign = -1.0 if measure == "auc" else 1.0  # AUC is maximised
    cvm, cvsd, fit_preval = curve(1.0)
    index_min, index_1se = select_lambda(sign * cvm, cvsd)
    relaxed = None
    if relax:
        curves = [curve(g) if g != 1 else (cvm, cvsd, fit_preval) for g in gamma]
        cvm_grid = np.vstack([c[0] for c in curves])
        cvsd_grid = np.vstack([c[1] for c in curves])
        choice_min, choice_1se = select_lambda_gamma(
            sign * cvm_grid, cvsd_grid, full.lambdas, gamma
        )
        relaxed = RelaxedCVArrays(
            gamma, cvm_grid, cvsd_grid, choice_min, choice_1se,
            np.stack([c[2] for c in curves]) if keep else None,
        )  # fmt: skip
    return CVArrays(full, cvm, cvsd, index_min, index_1se, fit_preval, relaxed)


COX_GROUPED_MIN_PER_FOLD = 10  # cv.coxnet computes ungrouped deviances from 10 rows per fold


def _cox_curve(
    rows: Any,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    fits: list[PathArrays],
    offset: np.ndarray | None,
    measure: str,
    grouped: bool,
    strata: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """cv.coxnet's curve, one value per fold (R's ``buildPredmat.coxnetlist``, ``cv.coxnet``):
    "C", each fold's held-out concordance, weighted by the fold's weight; "deviance", each fold's
    partial-likelihood deviance per unit weight of its events, weighted by that weight: grouped,
    the full data's deviance less the training rows' at the fold's coefficients (Verweij and van
    Houwelingen), else the held-out rows' own. Returns (cvm, cvsd, R's ``fit.preval``: x b out
    of fold, without the offset)."""
    from statlab.glmnet import _kernels

    n_folds = int(foldid.max())
    if not grouped and foldid.shape[0] / n_folds < COX_GROUPED_MIN_PER_FOLD:
        warnings.warn(
            "grouped: grouped=True enforced for cv.coxnet, since < 10 observations per fold "
            "(as R does)",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
        grouped = True
    linear = _out_of_fold(rows, fits, foldid, None, 1.0)
    n_lambda = linear.shape[1]
    folds = [np.flatnonzero(foldid == k) for k in range(1, n_folds + 1)]
    status = y[:, -1]
    per_fold = np.empty((n_folds, n_lambda))
    if measure == "C":
        fold_weights = np.array([weights[held].sum() for held in folds])
        for k, held in enumerate(folds):
            fold_start = y[held, 0].copy() if y.shape[1] == 3 else np.full(held.shape[0], -np.inf)
            fold_time, fold_status = y[held, -2].copy(), status[held].copy()
            fold_weight, fold_linear = weights[held].copy(), linear[held]
            per_fold[k] = [
                _kernels.concordance(
                    fold_start, fold_time, fold_status, fold_linear[:, m].copy(), fold_weight
                )
                for m in range(n_lambda)
            ]
    else:
        fold_weights = np.array([weights[held] @ status[held] for held in folds])
        full = fits[0]
        for k, held in enumerate(folds):
            _, beta = interpolate(
                fits[k + 1].a0, fits[k + 1].beta, fits[k + 1].lambdas, full.lambdas
            )
            eta = np.asarray(linear_part(rows, beta))
            if offset is not None:
                eta = eta + offset[:, None]
            if grouped:
                training = np.flatnonzero(foldid != k + 1)
                per_fold[k] = cox_deviance(y, eta, weights, strata=strata) - cox_deviance(
                    y, eta, weights, training, strata
                )
            else:
                per_fold[k] = cox_deviance(y, eta, weights, held, strata)
        per_fold /= fold_weights[:, None]
    cvm, cvsd = _fold_statistics(per_fold, fold_weights)
    return cvm, cvsd, linear


def _fold_statistics(
    per_fold: np.ndarray, fold_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """glmnet's ``cvstats`` over folds, leaving out a fold's missing (NaN) value, as R's
    ``weighted.mean(na.rm = TRUE)`` does (a fold without comparable pairs has no C).

    >>> cvm, cvsd = _fold_statistics(np.array([[1.0], [np.nan], [3.0]]), np.ones(3))
    >>> cvm.tolist(), cvsd.round(4).tolist()
    ([2.0], [0.7071])
    """
    present = ~np.isnan(per_fold)
    w = np.where(present, fold_weights[:, None], 0.0)
    values = np.where(present, per_fold, 0.0)
    cvm = (w * values).sum(axis=0) / w.sum(axis=0)
    spread = (w * (values - cvm) ** 2).sum(axis=0) / w.sum(axis=0)
    return cvm, np.sqrt(spread / (per_fold.shape[0] - 1))


@dataclass(frozen=True)
class _TrainingSums:
    """Weighted sums over a fit's rows of dense x (weights ``v``, not normalised) around the full
    data's weighted means, x's at ``centre`` and y's at ``y_centre``: enough for the fit to get
    its Gram rows and its starting gradient without a sweep of x."""

    centre: np.ndarray
    y_centre: float
    weight_sum: float  # V = sum_i v_i
    shift: np.ndarray  # the rows' weighted column means less ``centre``
    y_shift: float  # the rows' weighted mean of y less ``y_centre``
    xy: np.ndarray  # sum_i v_i (x_i - centre)(y_i - y_centre)
    # sum_i v_i (x_ij - centre_j)(x_ik - centre_k) for j in ``gram_columns``, k in ``gram_rows``
    products: np.ndarray
    gram_rows: np.ndarray  # the variables whose Gram rows the products give
    gram_columns: np.ndarray  # the variables those rows hold (the others are never read)

    def gram(
        self, centre: np.ndarray, scale: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The covariance solver's Gram rows ``sum_i w_i (x_ij - c_j)(x_ik - c_k) / (s_j s_k)``
        for k in ``gram_rows`` and j in ``gram_columns`` (r x c, in their order), and each
        variable's row and column there (-1 if none), with ``w = v / V``, the fit's ``centre``
        ``c`` (the rows' mean, or 0 without intercept) and ``scale`` ``s``. Moving the centre of
        ``v``-weighted products from ``a`` to ``c`` adds ``V (m - c)(m - c)' - V (m - a)(m - a)'``,
        ``m`` the rows' mean."""
        p, rows, cols = self.centre.shape[0], self.gram_rows, self.gram_columns
        mean, move = self.centre + self.shift, self.centre + self.shift - centre
        block = self.products.T - self.weight_sum * np.outer(self.shift[rows], self.shift[cols])
        if not np.array_equal(centre, mean):
            block += self.weight_sum * np.outer(move[rows], move[cols])
        block /= self.weight_sum * np.outer(scale[rows], scale[cols])
        row_slots, column_slots = np.full(p, -1), np.full(p, -1)
        row_slots[rows] = np.arange(rows.shape[0])
        column_slots[cols] = np.arange(cols.shape[0])
        return block, row_slots, column_slots

    def gradient(
        self, centre: np.ndarray, y_centre: float, scale: np.ndarray, y_scale: float
    ) -> np.ndarray:
        """``sum_i w_i (x_ij - c_j)(y_i - b) / (s_j y_scale)`` for the fit's ``centre`` ``c``,
        ``y_centre`` ``b`` and scales: the rows' sums moved from the full data's centres."""
        y_move = self.y_centre - y_centre
        x_move = self.centre - centre
        y_sum = self.weight_sum * (self.y_shift + y_move)  # sum_i v_i (y_i - b)
        products = self.xy + y_move * self.weight_sum * self.shift + x_move * y_sum
        return products / (self.weight_sum * scale * y_scale)


_NO_GRAM = np.zeros((1, 1))  # placeholder: the covariance solver computes its Gram rows itself

# the folds share their Gram below glmnet's covariance limit of variables, with at least (K + 1)
# rows per variable and n p of at least 50,000 (below that the direct sweeps cost no more)
SHARED_GRAM_MAX_FEATURES = NAIVE_FROM_P - 1
SHARED_GRAM_MIN_SIZE = 50_000
# a path that dfmax or pmax lets reach fewer than 1 in 4 of the variables shares only the Gram
# rows of the variables the full-data path reaches (below that the whole product costs more)
SHORT_PATH_SHARE = 4
# one path's sums are gathered over chunks of rows of at most this many bytes of x
PATH_SUMS_CHUNK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class _HeldOutSums:
    """Each fold's held-out rows summed around the full data's weighted means (x's ``centre``,
    y's ``y_centre``): their weight, column sums, squares, products with y and cross-products
    with the columns in ``gram_rows``, and each column's smallest and largest value over the
    rows of positive weight. A fold trains on all rows less its own, so each fit's column
    statistics, gradient and Gram rows follow in O(K p + p r) instead of sweeps of x."""

    centre: np.ndarray
    y_centre: float
    gram_rows: np.ndarray
    gram_columns: np.ndarray
    weight_sums: np.ndarray  # K
    sums: np.ndarray  # K x p: sum_i v_i (x_i - centre)
    squares: np.ndarray  # K x p: sum_i v_i (x_i - centre)^2
    y_sums: np.ndarray  # K: sum_i v_i (y_i - y_centre)
    xy: np.ndarray  # K x p: sum_i v_i (x_i - centre)(y_i - y_centre)
    lows: np.ndarray  # K x p (+inf where a fold has no row of positive weight)
    highs: np.ndarray  # K x p (-inf likewise)
    # per fold, c x r: sum_i v_i (x_ij - centre_j)(x_ik - centre_k), j in ``gram_columns``, k in
    # ``gram_rows``
    products: list[np.ndarray]
    total: np.ndarray  # the products summed over the folds
    # per fold, sqrt(v_i) (x_ij - centre_j) over its held-out rows, j in ``gram_columns``: kept
    # until the Gram rows are known (:meth:`with_gram_rows`), else empty
    blocks: list[np.ndarray]

    def training(self, fold: int) -> tuple[_TrainingSums, ColumnStats]:
        """The sums over the rows fold ``fold`` trains on (0: the full data), and their weighted
        column means, variances and non-constant columns (as :func:`_column_stats`)."""
        others = np.arange(self.weight_sums.shape[0]) != fold - 1
        weight_sum = float(self.weight_sums[others].sum())
        shift = self.sums[others].sum(axis=0) / weight_sum
        variance = self.squares[others].sum(axis=0) / weight_sum - shift**2
        usable = self.highs[others].max(axis=0) > self.lows[others].min(axis=0)
        products = self.total if fold == 0 else self.total - self.products[fold - 1]
        training_sums = _TrainingSums(
            self.centre, self.y_centre, weight_sum, shift,
            float(self.y_sums[others].sum()) / weight_sum, self.xy[others].sum(axis=0),
            products, self.gram_rows, self.gram_columns,
        )  # fmt: skip
        return training_sums, (self.centre + shift, variance, usable)

    def with_gram_rows(self, gram_rows: np.ndarray) -> _HeldOutSums:
        """These sums with the products of the kept blocks' columns with their columns
        ``gram_rows`` (variables in ``gram_columns``); the blocks are let go."""
        row_slots = _row_slots(self.gram_columns, gram_rows)
        products = [_block_product(block, row_slots) for block in self.blocks]
        return replace(
            self, gram_rows=gram_rows, products=products, total=np.sum(products, axis=0), blocks=[]
        )


def _gram_variables(settings: _Settings) -> tuple[np.ndarray, bool]:
    """The variables a fit may use (those not excluded) and whether ``dfmax`` or ``pmax`` keeps
    the path short: reaching fewer than 1 in ``SHORT_PATH_SHARE`` of them, so that their whole
    Gram product would cost more than the rows the path needs."""
    included = np.flatnonzero(settings.options.included)
    reach = min(settings.options.dfmax + 1, settings.options.pmax)
    return included, reach * SHORT_PATH_SHARE < included.shape[0]


def _shares_gram(columns: _Columns, foldid: np.ndarray, settings: _Settings) -> bool:
    """Whether the fits of a cross-validation (or one path: a single fold) get their Gram rows
    from shared sums (:func:`_held_out_sums`): a Gaussian covariance-solver fit on dense x, below
    glmnet's covariance limit of variables (p < 500), with n >= (K + 1) p so that the K + 1 p x p
    products take no more memory than x itself, and n p >= 50,000, from where it pays
    (measured)."""
    if settings.family != "gaussian" or settings.type_gaussian != "covariance" or columns.sparse:
        return False
    n, p = columns.n_rows, columns.n_cols
    n_fits = int(foldid.max()) + 1
    return p <= SHARED_GRAM_MAX_FEATURES and n >= n_fits * p and n * p >= SHARED_GRAM_MIN_SIZE


def _held_out_sums(
    columns: _Columns,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    gram_rows: np.ndarray | None,
    gram_columns: np.ndarray | None = None,
) -> _HeldOutSums:
    """What the fits of a Gaussian covariance-solver cross-validation share: per fold, one BLAS
    product of its held-out rows' columns ``gram_columns`` (default all) with their columns
    ``gram_rows`` (~n c r for all folds) and one pass over those rows for the rest. Without it
    each of the K + 1 fits sweeps x for its column statistics, its gradient and each variable
    entering its path; the BLAS product runs far faster per operation than those sweeps. ``y``
    is the response less any offset. Centring at the full data's means first keeps each fit's
    corrections small, so columns with a large mean (years, say) lose no accuracy. With
    ``gram_rows`` None the held-out rows are kept instead, for
    :meth:`_HeldOutSums.with_gram_rows` once a first fit has told which rows are needed."""
    from statlab.glmnet import _kernels

    x = columns.dense
    n_folds, p = int(foldid.max()), columns.n_cols
    if gram_columns is None:
        gram_columns = np.arange(p)
    slots = np.full(p, -1, dtype=np.int64)
    slots[gram_columns] = np.arange(gram_columns.shape[0])
    keep_blocks = gram_rows is None
    row_slots = None if keep_blocks else _row_slots(gram_columns, gram_rows)
    centre = (weights @ x) / weights.sum()
    y_centre = float(weights @ y / weights.sum())
    weight_sums, y_sums = np.empty(n_folds), np.empty(n_folds)
    sums, squares, xy = np.empty((n_folds, p)), np.empty((n_folds, p)), np.empty((n_folds, p))
    lows, highs = np.empty((n_folds, p)), np.empty((n_folds, p))
    products, blocks = [], []
    for fold in range(n_folds):
        rows = np.flatnonzero(foldid == fold + 1).astype(np.uint32)
        fold_weights = weights[rows]
        block = np.empty((rows.shape[0], gram_columns.shape[0]), order="F")
        _kernels.held_out_sums(
            x, rows, fold_weights, y[rows] - y_centre, centre, slots, block, lows[fold],
            highs[fold], sums[fold], squares[fold], xy[fold],
        )  # fmt: skip
        weight_sums[fold] = fold_weights.sum()
        y_sums[fold] = fold_weights @ (y[rows] - y_centre)
        if keep_blocks:
            blocks.append(block)
            products.append(np.empty((gram_columns.shape[0], 0)))
        else:  # one block alive at a time
            products.append(_block_product(block, row_slots))
    return _HeldOutSums(
        centre, y_centre, np.empty(0, dtype=np.int64) if gram_rows is None else gram_rows,
        gram_columns, weight_sums, sums, squares, y_sums, xy, lows, highs, products,
        np.sum(products, axis=0), blocks,
    )  # fmt: skip


def _row_slots(gram_columns: np.ndarray, gram_rows: np.ndarray) -> np.ndarray | None:
    """Where the variables ``gram_rows`` sit among ``gram_columns`` (None: all of them, in order)."""
    slots = np.full(int(gram_columns.max(initial=-1)) + 1, -1, dtype=np.int64)
    slots[gram_columns] = np.arange(gram_columns.shape[0])
    row_slots = slots[gram_rows]
    return None if np.array_equal(row_slots, np.arange(gram_columns.shape[0])) else row_slots


def _block_product(block: np.ndarray, row_slots: np.ndarray | None) -> np.ndarray:
    """A fold's block (its held-out rows, weighted and centred) times its own columns
    ``row_slots`` (None: all): the fold's share of the Gram rows, one BLAS product."""
    return block.T @ (block if row_slots is None else block[:, row_slots])


def _out_of_fold(
    rows: Any, fits: list[PathArrays], foldid: np.ndarray, offset: np.ndarray | None, gamma: float
) -> np.ndarray:
    """cv.glmnet's ``predmat``: each held-out row's linear predictor from its fold's fit (blended
    with its relaxed fit at ``gamma`` < 1) at the full-data lambdas (n x L, or n x K x L)."""
    full = fits[0]
    predictions = np.empty((foldid.shape[0], *full.a0.shape))
    for fold in range(1, int(foldid.max()) + 1):
        held_out = np.flatnonzero(foldid == fold)
        fold_fit = fits[fold]
        a0, beta = fold_fit.a0, fold_fit.beta
        if gamma != 1:
            a0, beta, _, _ = blend(a0, beta, fold_fit.dev_ratio, fold_fit.relaxed, gamma)
        a0, beta = interpolate(a0, beta, fold_fit.lambdas, full.lambdas)
        used = np.flatnonzero(np.abs(beta).reshape(beta.shape[0], -1).sum(axis=1))
        if 2 * used.shape[0] >= beta.shape[0]:  # most columns used: all of them, without a gather
            block = rows[held_out]
        elif sp.issparse(rows):
            block, beta = rows[held_out][:, used], beta[used]
        else:  # only the few columns used (dfmax, a short path)
            block, beta = rows[np.ix_(held_out, used)], beta[used]
        linear = linear_part(block, beta)
        linear += a0
        if offset is not None:
            linear += offset[held_out][..., None]
        predictions[held_out] = linear  # one scatter of the rows
    return predictions


def _first_lambda(lambdas: np.ndarray) -> float:
    """R reports the "infinite" first lambda as the geometric extrapolation of the next two; a
    path of one or two steps (stopped by maxit or pmax) keeps it as computed, glmnet's ``big``
    in the response's units, as R's ``fix.lam`` does."""
    if lambdas.shape[0] > 2:
        return float(np.exp(2 * np.log(lambdas[1]) - np.log(lambdas[2])))
    return float(lambdas[0])


def _loss(
    y: np.ndarray, link: np.ndarray, family: str, measure: str, in_place: bool = True
) -> np.ndarray:
    """The loss per observation and lambda (cv.glmnet's ``cvraw``), computed in place of ``link``
    (n x L, as large as a sizeable part of x) unless ``in_place`` is False (``link`` kept)."""
    if isinstance(family, GlmFamily):
        return _flex.loss(y, link, family, measure)
    if family == "gaussian":
        error = np.subtract(link, y[:, None], out=link if in_place else None)
        return np.abs(error, out=error) if measure == "mae" else np.square(error, out=error)
    if family == "mgaussian":  # link is n x K x L: errors summed over the responses
        error = np.subtract(link, y[:, :, None], out=link if in_place else None)
        error = np.abs(error, out=error) if measure == "mae" else np.square(error, out=error)
        return error.sum(axis=1)
    if family == "multinomial":  # link is n x K x L; y the n x K class indicators
        with np.errstate(over="ignore"):
            prob = np.exp(link - link.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        indicators = y[:, :, None]
        if measure == "class":
            chosen = prob.argmax(axis=1)  # n x L
            return 1.0 - np.take_along_axis(indicators, chosen[:, None, :], axis=1)[:, 0, :]
        if measure == "deviance":
            clipped = np.clip(prob, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
            return -2 * (indicators * np.log(clipped)).sum(axis=1)
        error = indicators - prob
        return (np.abs(error) if measure == "mae" else np.square(error)).sum(axis=1)
    if family == "poisson":
        if measure == "deviance":  # 2 (y log y - y) - 2 (y eta - exp(eta)), y log y = 0 at y = 0
            saturated = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y
            with np.errstate(over="ignore"):
                return 2 * (saturated[:, None] - (y[:, None] * link - np.exp(link)))
        with np.errstate(over="ignore"):
            error = y[:, None] - np.exp(link)
        return np.abs(error) if measure == "mae" else np.square(error)
    if measure != "deviance":
        prob = _probability(link)
        if measure == "class":  # the predicted class is the second one when prob > 1/2
            return np.where(y[:, None] == 1, prob <= 0.5, prob > 0.5).astype(np.float64)
        prob -= y[:, None]  # R sums over both classes' indicators: twice the one-class loss
        return 2 * np.abs(prob) if measure == "mae" else 2 * np.square(prob)
    # deviance -2 log(prob of the observed class), prob clipped as cv.glmnet does
    sign = np.where(y == 1, -1.0, 1.0)[:, None]
    # -eta for y = 1, eta for y = 0: prob of the observed class = 1 / (1 + exp(.))
    link = np.multiply(link, sign, out=link if in_place else None)
    with np.errstate(over="ignore"):
        np.exp(link, out=link)
    link += 1.0
    np.reciprocal(link, out=link)
    np.clip(link, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP, out=link)
    np.log(link, out=link)
    link *= -2.0
    return link


def _probability(link: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-link))


def _auc_curve(
    y: np.ndarray, link: np.ndarray, weights: np.ndarray, foldid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """cv.glmnet's AUC curve: the weighted AUC within each fold, averaged over folds weighted by
    their total weight, with the spread of the fold AUCs as for a grouped curve."""
    n_folds = int(foldid.max())
    prob = _probability(link)
    fold_auc = np.empty((n_folds, link.shape[1]))
    fold_weights = np.empty(n_folds)
    for k in range(1, n_folds + 1):
        rows = foldid == k
        fold_weights[k - 1] = weights[rows].sum()
        fold_auc[k - 1] = [
            weighted_auc(y[rows], prob[rows, j], weights[rows]) for j in range(link.shape[1])
        ]
    # a fold without an AUC (no weight, or one class only) is NaN in R, dropped by na.rm from
    # the weighted means, while cvsd still divides by the number of folds less one
    present = np.isfinite(fold_auc)
    counted = np.where(present, fold_weights[:, None], 0.0)
    fold_auc = np.where(present, fold_auc, 0.0)
    cvm = (counted * fold_auc).sum(axis=0) / counted.sum(axis=0)
    spread = (counted * (fold_auc - cvm) ** 2).sum(axis=0) / counted.sum(axis=0)
    return cvm, np.sqrt(spread / (n_folds - 1))


def weighted_auc(y: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """The weighted probability that a positive (y = 1) outranks a negative, ties counting a half
    (R's ``survival::concordance`` as glmnet's ``auc.mat`` calls it); NaN without both classes.

    >>> weighted_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]), np.ones(4))
    0.75
    """
    negative = y == 0
    neg_score, neg_weight = score[negative], weights[negative]
    pos_score, pos_weight = score[~negative], weights[~negative]
    total = neg_weight.sum() * pos_weight.sum()
    if total == 0:
        return float("nan")
    order = np.argsort(neg_score, kind="stable")
    sorted_score = neg_score[order]
    below = np.concatenate(([0.0], np.cumsum(neg_weight[order])))
    lower = below[np.searchsorted(sorted_score, pos_score, side="left")]
    lower_or_tied = below[np.searchsorted(sorted_score, pos_score, side="right")]
    wins = pos_weight @ (lower + 0.5 * (lower_or_tied - lower))
    return float(wins / total)


def _cv_curve(
    loss: np.ndarray, weights: np.ndarray, foldid: np.ndarray, grouped: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """cvm and cvsd as cv.glmnet computes them: grouped by fold (unless folds are under 3 rows,
    with R's warning) or, with ``grouped=False``, per observation."""
    n_folds = int(foldid.max())
    if grouped and loss.shape[0] / n_folds < 3:
        warnings.warn(
            "grouped: fewer than 3 observations per fold, so grouped=False is enforced (the CV "
            "standard error is computed per observation, as cv.glmnet does)",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
        grouped = False
    if not grouped:
        return cv_statistics(loss, weights)
    group_weights = np.array([weights[foldid == k].sum() for k in range(1, n_folds + 1)])
    # a fold whose held-out rows all weigh 0 has no error (R's NaN, dropped from the mean by
    # na.rm) but still counts among the folds that cvsd divides by, as in cv.glmnet
    groups = np.vstack(
        [
            weights[foldid == k] @ loss[foldid == k] / group_weights[k - 1]
            if group_weights[k - 1] > 0
            else np.zeros(loss.shape[1])
            for k in range(1, n_folds + 1)
        ]
    )
    return cv_statistics(groups, group_weights)
