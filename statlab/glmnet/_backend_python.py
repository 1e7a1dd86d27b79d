"""The pure-Python glmnet backend: standardisation, lambda sequence and cross-validation as in
R glmnet 4.1-6, with the coordinate descent itself in :mod:`statlab.glmnet._kernels`.

Objective (Gaussian; ``w`` normalised to sum 1, ``s_y`` the 1/N sd of y)::

    1/2 sum w (y - b0 - X b)^2 + lambda * alpha * |b~|_1 + lambda * (1 - alpha) / (2 s_y) * |b~|^2

where ``b~_j = b_j * s_j`` are coefficients of the 1/N-standardised columns. Binomial replaces the
squared error by the negative log-likelihood and has no ``s_y``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab.glmnet import _kernels
from statlab.glmnet._interp import interpolate
from statlab.glmnet._paths import CVArrays, PathArrays, select_lambda

RIDGE_ALPHA_FLOOR = 1e-3  # glmnet divides lambda_max by max(alpha, 1e-3)
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
                csc.indptr.astype(np.int64),
                csc.indices.astype(np.int32 if csc.shape[0] < 2**31 else np.int64),
                np.asarray(csc.data, dtype=np.float64),
                True,
                *csc.shape,
            )
        dense = np.asfortranarray(x, dtype=np.float64)
        return cls(dense, _NO_INDEX, _NO_ROWS, _NO_VALUES, False, *dense.shape)

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        return self.dense, self.indptr, self.indices, self.values, self.sparse


_NO_DENSE = np.zeros((2, 2), order="F")  # placeholders: one compiled signature for both kinds of x
_NO_INDEX = np.zeros(1, dtype=np.int64)
_NO_ROWS = np.zeros(1, dtype=np.int32)
_NO_VALUES = np.zeros(1)


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
) -> PathArrays:
    """Fit glmnet's path on (x, y): its own lambda sequence with early stopping, or the decreasing
    ``lambdas`` given, each solved. ``x`` is dense or ``scipy.sparse``; it is never densified."""
    columns = _Columns.of(x)
    settings = _Settings(
        alpha, family, standardize, nlambda, lambda_min_ratio, thresh, max_passes, lambdas,
        gaussian_type(type_gaussian, columns.n_cols),
    )  # fmt: skip
    path = _fit_rows(columns, y, weights, columns.n_rows, settings)
    _warn_unconverged(path, settings)
    return path


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


def _fit_rows(
    columns: _Columns, y: np.ndarray, weights: np.ndarray, n_obs: int, settings: _Settings
) -> PathArrays:
    """The path on the rows of positive weight (a fold is all of x with held-out weights 0)."""
    w = weights / weights.sum()
    args = columns.kernel_args()
    x_mean, x_var, usable = _kernels.column_stats(*args, w)
    p = columns.n_cols
    x_scale = np.sqrt(np.maximum(x_var, 0.0)) if settings.standardize else np.ones(p)
    x_scale = np.where(usable & (x_scale > 0), x_scale, 1.0)
    x_var_std = np.ones(p) if settings.standardize else x_var
    ratio = (
        settings.lambda_min_ratio
        if settings.lambda_min_ratio is not None
        else (0.01 if n_obs < p else 1e-4)
    )
    own_sequence = settings.lambdas is None
    if settings.family == "gaussian":
        y_mean = w @ y
        y_scale = float(np.sqrt(w @ (y - y_mean) ** 2))
        yz = (y - y_mean) / y_scale
        gradient = _kernels.centred_products(*args, x_mean, x_scale, usable, w * yz)
        if own_sequence:
            lambdas_std, lambda_max = _lambda_sequence(
                gradient, usable, settings.alpha, settings.nlambda, ratio
            )
        else:
            lambdas_std, lambda_max = settings.lambdas / y_scale, 0.0
        common = (settings.alpha, lambdas_std)
        control = (own_sequence, settings.thresh, settings.max_passes)
        if settings.type_gaussian == "naive":
            beta_std, dev_ratio, n_steps, passes = _kernels.gaussian_naive_path(
                *args, w, yz, x_mean, x_scale, x_var_std, usable, np.abs(gradient),
                *common, lambda_max, *control,
            )  # fmt: skip
        else:
            beta_std, dev_ratio, n_steps, passes = _kernels.gaussian_cov_path(
                *args, w, x_mean, x_scale, x_var_std, usable, gradient, *common, *control
            )
        beta = beta_std[:, :n_steps] * y_scale / x_scale[:, None]
        a0 = y_mean - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps] * y_scale
        nulldev = float(weights @ (y - y_mean) ** 2)
    else:
        y_mean = w @ y
        gradient = _kernels.centred_products(*args, x_mean, x_scale, usable, w * (y - y_mean))
        lambdas_std = (
            _lambda_sequence(gradient, usable, settings.alpha, settings.nlambda, ratio)[0]
            if own_sequence
            else settings.lambdas.astype(np.float64)
        )
        a0_std, beta_std, dev_ratio, n_steps, passes = _kernels.binomial_path(
            *args, w, y, x_mean, x_scale, usable, settings.alpha, lambdas_std, own_sequence,
            settings.thresh, settings.max_passes,
        )  # fmt: skip
        beta = beta_std[:, :n_steps] / x_scale[:, None]
        a0 = a0_std[:n_steps] - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps].copy()
        null_prob = y_mean
        nulldev = float(-2 * weights @ (y * np.log(null_prob) + (1 - y) * np.log(1 - null_prob)))
    if own_sequence:
        path_lambdas[0] = _first_lambda(path_lambdas)
    return PathArrays(
        lambdas=path_lambdas,
        a0=np.asarray(a0, dtype=np.float64),
        beta=beta,
        df=np.count_nonzero(beta, axis=0),
        dev_ratio=dev_ratio[:n_steps].copy(),
        nulldev=nulldev,
        npasses=int(passes),
    )


def _warn_unconverged(fitted: PathArrays, settings: _Settings) -> None:
    if fitted.npasses > settings.max_passes:
        warnings.warn(
            f"coordinate descent did not converge in {settings.max_passes} passes (maxit); the "
            f"path stops at {len(fitted.lambdas)} lambdas",
            RuntimeWarning,
            stacklevel=4,
        )


def cross_validate(
    x: np.ndarray | sp.spmatrix,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    *,
    n_jobs: int = 1,
    **fit_args: Any,
) -> CVArrays:
    """cv.glmnet: a full-data path, each fold's own path, out-of-fold loss at the full-data lambdas.

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
    )  # fmt: skip
    n_folds = int(foldid.max())

    def fit(fold: int) -> PathArrays:
        if fold == 0:
            return _fit_rows(columns, y, weights, columns.n_rows, settings)
        train = foldid != fold
        return _fit_rows(columns, y, np.where(train, weights, 0.0), int(train.sum()), settings)

    tasks = range(n_folds + 1)
    if n_jobs == 1:
        fits = [fit(fold) for fold in tasks]
    else:
        from joblib import Parallel, delayed

        fits = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(fit)(fold) for fold in tasks)
    for fitted in fits:
        _warn_unconverged(fitted, settings)
    full = fits[0]
    rows = x.tocsr() if sp.issparse(x) else x
    predictions = np.empty((columns.n_rows, full.lambdas.shape[0]))
    for fold in range(1, n_folds + 1):
        held_out = foldid == fold
        fold_fit = fits[fold]
        a0, beta = interpolate(fold_fit.a0, fold_fit.beta, fold_fit.lambdas, full.lambdas)
        predictions[held_out] = a0 + rows[held_out] @ beta
    loss = _loss(y, predictions, settings.family)
    cvm, cvsd = _cv_curve(loss, weights, foldid)
    index_min, index_1se = select_lambda(cvm, cvsd)
    return CVArrays(full, cvm, cvsd, index_min, index_1se)


def _lambda_sequence(
    gradient: np.ndarray, usable: np.ndarray, alpha: float, nlambda: int, ratio: float
) -> tuple[np.ndarray, float]:
    """glmnet's sequence: [big, lambda_max * f, lambda_max * f^2, ...], f = ratio^(1/(nlambda-1)),
    built by repeated multiplication as glmnet does (so the lambdas agree to the last bit); and
    lambda_max."""
    lambda_max = np.max(np.abs(gradient[usable]), initial=0.0) / max(alpha, RIDGE_ALPHA_FLOOR)
    factor = max(ratio, MIN_LAMBDA_RATIO) ** (1.0 / (nlambda - 1.0))
    sequence = np.empty(nlambda)
    sequence[0] = _kernels.BIG_LAMBDA
    current = lambda_max
    for k in range(1, nlambda):
        current *= factor
        sequence[k] = current
    return sequence, float(lambda_max)


def _first_lambda(lambdas: np.ndarray) -> float:
    """R reports the "infinite" first lambda as the geometric extrapolation of the next two."""
    if lambdas.shape[0] > 2:
        return float(np.exp(2 * np.log(lambdas[1]) - np.log(lambdas[2])))
    return float(lambdas[1] if lambdas.shape[0] == 2 else np.inf)


def _loss(y: np.ndarray, link: np.ndarray, family: str) -> np.ndarray:
    """The loss per observation and lambda, computed in place of ``link`` (n x L, as large as a
    sizeable part of x)."""
    if family == "gaussian":
        link -= y[:, None]
        return np.square(link, out=link)
    # deviance -2 log(prob of the observed class), prob clipped as cv.glmnet does
    sign = np.where(y == 1, -1.0, 1.0)[:, None]
    link *= sign  # -eta for y = 1, eta for y = 0: prob of the observed class = 1 / (1 + exp(.))
    with np.errstate(over="ignore"):
        np.exp(link, out=link)
    link += 1.0
    np.reciprocal(link, out=link)
    np.clip(link, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP, out=link)
    np.log(link, out=link)
    link *= -2.0
    return link


def _cv_curve(
    loss: np.ndarray, weights: np.ndarray, foldid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """cvm and cvsd as cv.glmnet computes them (grouped by fold unless folds are under 3 rows)."""
    n_folds = int(foldid.max())
    if loss.shape[0] / n_folds < 3:
        warnings.warn(
            "fewer than 3 observations per fold: the CV standard error is computed per observation "
            "(as cv.glmnet does with grouped = FALSE)",
            UserWarning,
            stacklevel=4,
        )
        groups, group_weights, n_groups = loss, weights, loss.shape[0]
    else:
        group_weights = np.array([weights[foldid == k].sum() for k in range(1, n_folds + 1)])
        groups = np.vstack(
            [
                weights[foldid == k] @ loss[foldid == k] / group_weights[k - 1]
                for k in range(1, n_folds + 1)
            ]
        )
        n_groups = n_folds
    cvm = group_weights @ groups / group_weights.sum()
    spread = group_weights @ (groups - cvm) ** 2 / group_weights.sum()
    return cvm, np.sqrt(spread / (n_groups - 1))
