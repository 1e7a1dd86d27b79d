"""Entry points :func:`glmnet` and :func:`cv_glmnet`: they check arguments, draw the folds and hand
the same inputs to the R or the Python backend, which return the same result types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from statlab import _rbridge
from statlab import _validation as check
from statlab.glmnet import _backend_python, _backend_r, _inputs
from statlab.glmnet._paths import PathArrays
from statlab.glmnet.result import CVGlmnetResult, GlmnetPath

Backend = Literal["auto", "r", "python"]
_MEASURES = {"gaussian": "Mean-Squared Error", "binomial": "Binomial Deviance"}


def glmnet(
    X: Any,
    y: Any,
    alpha: float = 1.0,
    family: str = "gaussian",
    standardize: bool = True,
    nlambda: int = 100,
    lambda_min_ratio: float | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
    thresh: float = 1e-7,
    maxit: int = 100_000,
    lambdas: Sequence[float] | np.ndarray | None = None,
    type_gaussian: str | None = None,
    backend: Backend = "auto",
) -> GlmnetPath:
    """Fit the elastic-net path of R's ``glmnet(x, y, alpha = alpha, family = family)``.

    .. math::

        \\min_{b_0, b}\\; \\frac{1}{N}\\sum_i w_i \\ell(y_i, b_0 + x_i^T b)
        + \\lambda\\left(\\alpha \\lVert b \\rVert_1 + \\frac{1-\\alpha}{2}\\lVert b \\rVert_2^2\\right)

    with ``l`` half the squared error (Gaussian) or the negative log-likelihood (binomial), x
    standardised internally. ``lambdas`` (R's ``lambda``) replaces glmnet's own sequence; it is then
    solved in full, without early stopping. ``backend="auto"`` runs R when R, rpy2 and glmnet load,
    else Python; the result's ``backend`` says which ran.

    ``X`` may be dense or sparse (``scipy.sparse``, or a data frame with pandas sparse columns);
    sparse X is never densified (R receives a ``dgCMatrix``). ``type_gaussian`` picks glmnet's
    Gaussian algorithm, ``"covariance"`` or ``"naive"``; by default R's choice, covariance below
    500 variables and naive from 500 on.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> path = sl.glmnet(sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), backend="python")
    >>> len(path.lambdas), int(path.df[-1])
    (89, 38)
    """
    ran, x, y_values, labels, w, names, fit_args = _prepare(
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
    )
    engine = _backend_r if ran == "r" else _backend_python
    arrays = engine.fit_path(x, y_values, w, **fit_args)
    return _path_result(arrays, names, fit_args, ran, labels)


def cv_glmnet(
    X: Any,
    y: Any,
    alpha: float = 1.0,
    family: str = "gaussian",
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
    n_jobs: int = 1,
    backend: Backend = "auto",
) -> CVGlmnetResult:
    """K-fold cross-validation of the glmnet path, as R's ``cv.glmnet``.

    statlab draws ``foldid`` itself (``seed`` makes it reproducible; R's own RNG is never used) and
    gives the same folds to either backend. The loss is the mean squared error (Gaussian) or the
    binomial deviance; ``lambda_min`` and ``lambda_1se`` follow glmnet's rules. Each fold fits its
    own lambda sequence unless ``lambdas`` is given, as in R. ``X`` and ``type_gaussian`` as in
    :func:`glmnet`. ``n_jobs`` fits the full path and the folds in that many threads (R's
    ``parallel = TRUE``; the Python backend only), with results identical to ``n_jobs=1``.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> X = sl.model_matrix("O3 ~ .^2", ozone)
    >>> fit = sl.cv_glmnet(X, np.log(ozone["O3"]), alpha=1, seed=479, backend="python")
    >>> fit.coef("lambda.1se").index[0], fit.predict(X, s="lambda.min").shape
    ('(Intercept)', (330,))
    """
    ran, x, y_values, labels, w, names, fit_args = _prepare(
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
    )
    jobs = _inputs.parallel_jobs(n_jobs)
    folds = _inputs.fold_ids(foldid, nfolds, x.shape[0], seed)
    _inputs.fold_classes(y_values, folds, fit_args["family"])
    if ran == "r":
        arrays = _backend_r.cross_validate(x, y_values, w, folds, **fit_args)
    else:
        arrays = _backend_python.cross_validate(x, y_values, w, folds, n_jobs=jobs, **fit_args)
    path = _path_result(arrays.path, names, fit_args, ran, labels)
    return CVGlmnetResult(
        lambdas=path.lambdas,
        cvm=arrays.cvm,
        cvsd=arrays.cvsd,
        nzero=path.df.copy(),
        index_min=arrays.index_min,
        index_1se=arrays.index_1se,
        foldid=folds,
        measure=_MEASURES[fit_args["family"]],
        backend=ran,
        path=path,
    )


def _prepare(
    X: Any,
    y: Any,
    alpha: float,
    family: str,
    standardize: bool,
    nlambda: int,
    lambda_min_ratio: float | None,
    weights: Any,
    thresh: float,
    maxit: int,
    lambdas: Any,
    type_gaussian: str | None,
    backend: str,
) -> tuple[str, Any, np.ndarray, list[str] | None, np.ndarray, list[str], dict[str, Any]]:
    family = _inputs.family_name(family)
    alpha = _inputs.mixing(alpha)
    nlambda, lambda_min_ratio, thresh = _inputs.path_settings(nlambda, lambda_min_ratio, thresh)
    maxit = check.integer(maxit, "maxit", low=1)
    x, names = _inputs.design(X, allow_sparse=True)
    _inputs.no_empty_columns(x, names)
    type_gaussian = _inputs.gaussian_algorithm(type_gaussian, x.shape[1])
    y_values, labels = _inputs.response(y, x.shape[0], family)
    w = _inputs.observation_weights(weights, x.shape[0])
    _inputs.varying(x)
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
    }
    return ran, x, y_values, labels, w, names, fit_args


def _path_result(
    arrays: PathArrays,
    names: list[str],
    fit_args: dict[str, Any],
    backend: str,
    labels: list[str] | None,
) -> GlmnetPath:
    return GlmnetPath(
        lambdas=arrays.lambdas,
        a0=arrays.a0,
        beta=arrays.beta,
        df=arrays.df,
        dev_ratio=arrays.dev_ratio,
        nulldev=arrays.nulldev,
        feature_names=names,
        family=fit_args["family"],
        alpha=fit_args["alpha"],
        backend=backend,
        class_labels=labels,
    )
