"""The pure-Python glmnet backend: standardisation, lambda sequence and cross-validation as in
R glmnet 4.1-6, with the coordinate descent itself in :mod:`statlab.glmnet._kernels`.

Objective (Gaussian; ``w`` normalised to sum 1, ``s_y`` the 1/N sd of y)::

    1/2 sum w (y - b0 - X b)^2 + lambda * alpha * |b~|_1 + lambda * (1 - alpha) / (2 s_y) * |b~|^2

where ``b~_j = b_j * s_j`` are coefficients of the 1/N-standardised columns. Binomial replaces the
squared error by the negative log-likelihood and has no ``s_y``.
"""

from __future__ import annotations

import warnings

import numpy as np

from statlab.glmnet import _kernels
from statlab.glmnet._interp import interpolate
from statlab.glmnet._paths import CVArrays, PathArrays, select_lambda

RIDGE_ALPHA_FLOOR = 1e-3  # glmnet divides lambda_max by max(alpha, 1e-3)
MIN_LAMBDA_RATIO = 1e-6  # glmnet.control()$eps floors lambda.min.ratio
PROBABILITY_CLIP = 1e-5  # cv.glmnet clips predicted probabilities for the deviance


def fit_path(
    x: np.ndarray,
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
) -> PathArrays:
    """Fit glmnet's path on (x, y): its own lambda sequence with early stopping, or the decreasing
    ``lambdas`` given, each solved."""
    n, p = x.shape
    w = weights / weights.sum()
    x_mean = w @ x
    x_centred = x - x_mean
    usable = ~np.all(x == x[0], axis=0)  # glmnet drops constant columns (coefficient 0)
    x_scale = np.sqrt(w @ x_centred**2) if standardize else np.ones(p)
    x_scale = np.where(usable & (x_scale > 0), x_scale, 1.0)
    xz = np.ascontiguousarray(x_centred / x_scale)
    ratio = lambda_min_ratio if lambda_min_ratio is not None else (0.01 if n < p else 1e-4)

    if family == "gaussian":
        y_mean = w @ y
        y_scale = float(np.sqrt(w @ (y - y_mean) ** 2))
        yz = (y - y_mean) / y_scale
        gradient = xz.T @ (w * yz)
        lambdas_std = (
            _lambda_sequence(gradient, usable, alpha, nlambda, ratio)
            if lambdas is None
            else lambdas / y_scale
        )
        xv = w @ xz**2
        beta_std, dev_ratio, n_steps, passes = _kernels.gaussian_path(
            xz, w, yz, xv, usable, alpha, lambdas_std, lambdas is None, thresh, max_passes
        )
        beta = beta_std[:, :n_steps] * y_scale / x_scale[:, None]
        a0 = y_mean - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps] * y_scale
        nulldev = float(weights @ (y - y_mean) ** 2)
    else:
        y_mean = w @ y
        gradient = xz.T @ (w * (y - y_mean))
        lambdas_std = (
            _lambda_sequence(gradient, usable, alpha, nlambda, ratio)
            if lambdas is None
            else lambdas.astype(np.float64)
        )
        a0_std, beta_std, dev_ratio, n_steps, passes = _kernels.binomial_path(
            xz, w, y, usable, alpha, lambdas_std, lambdas is None, thresh, max_passes
        )
        beta = beta_std[:, :n_steps] / x_scale[:, None]
        a0 = a0_std[:n_steps] - x_mean @ beta
        path_lambdas = lambdas_std[:n_steps].copy()
        null_prob = y_mean
        nulldev = float(-2 * weights @ (y * np.log(null_prob) + (1 - y) * np.log(1 - null_prob)))
    if passes > max_passes:
        warnings.warn(
            f"coordinate descent did not converge in {max_passes} passes (maxit); the path stops at "
            f"{n_steps} lambdas",
            RuntimeWarning,
            stacklevel=3,
        )
    if lambdas is None:
        path_lambdas[0] = _first_lambda(path_lambdas)
    return PathArrays(
        lambdas=path_lambdas,
        a0=np.asarray(a0, dtype=np.float64),
        beta=beta,
        df=np.count_nonzero(beta, axis=0),
        dev_ratio=dev_ratio[:n_steps].copy(),
        nulldev=nulldev,
    )


def cross_validate(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    **fit_args: object,
) -> CVArrays:
    """cv.glmnet: a full-data path, each fold's own path, out-of-fold loss at the full-data lambdas."""
    full = fit_path(x, y, weights, **fit_args)  # type: ignore[arg-type]
    n_folds = int(foldid.max())
    predictions = np.empty((x.shape[0], full.lambdas.shape[0]))
    for fold in range(1, n_folds + 1):
        held_out = foldid == fold
        fold_fit = fit_path(x[~held_out], y[~held_out], weights[~held_out], **fit_args)  # type: ignore[arg-type]
        a0, beta = interpolate(fold_fit.a0, fold_fit.beta, fold_fit.lambdas, full.lambdas)
        predictions[held_out] = a0 + x[held_out] @ beta
    loss = _loss(y, predictions, str(fit_args["family"]))
    cvm, cvsd = _cv_curve(loss, weights, foldid)
    index_min, index_1se = select_lambda(cvm, cvsd)
    return CVArrays(full, cvm, cvsd, index_min, index_1se)


def _lambda_sequence(
    gradient: np.ndarray, usable: np.ndarray, alpha: float, nlambda: int, ratio: float
) -> np.ndarray:
    """glmnet's sequence: [big, lambda_max * f, lambda_max * f^2, ...], f = ratio^(1/(nlambda-1)),
    built by repeated multiplication as glmnet does (so the lambdas agree to the last bit)."""
    lambda_max = np.max(np.abs(gradient[usable]), initial=0.0) / max(alpha, RIDGE_ALPHA_FLOOR)
    factor = max(ratio, MIN_LAMBDA_RATIO) ** (1.0 / (nlambda - 1.0))
    sequence = np.empty(nlambda)
    sequence[0] = _kernels.BIG_LAMBDA
    current = lambda_max
    for k in range(1, nlambda):
        current *= factor
        sequence[k] = current
    return sequence


def _first_lambda(lambdas: np.ndarray) -> float:
    """R reports the "infinite" first lambda as the geometric extrapolation of the next two."""
    if lambdas.shape[0] > 2:
        return float(np.exp(2 * np.log(lambdas[1]) - np.log(lambdas[2])))
    return float(lambdas[1] if lambdas.shape[0] == 2 else np.inf)


def _loss(y: np.ndarray, link: np.ndarray, family: str) -> np.ndarray:
    if family == "gaussian":
        return (y[:, None] - link) ** 2
    prob = np.clip(1 / (1 + np.exp(-link)), PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    return -2 * (y[:, None] * np.log(prob) + (1 - y[:, None]) * np.log(1 - prob))


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
