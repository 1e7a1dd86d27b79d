"""The R glmnet backend: ``glmnet::glmnet`` and ``glmnet::cv.glmnet`` run through the R bridge
(``r/glmnet.R``), their numbers returned unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab import _rbridge
from statlab.glmnet._paths import (
    PMAX_CODE,
    CVArrays,
    PathArrays,
    PathOptions,
    empty_path_message,
    pmax_warning,
)


def fit_path(x: Any, y: np.ndarray, weights: np.ndarray, **fit_args: Any) -> PathArrays:
    """R's glmnet path on (x, y); sparse x reaches R as a ``dgCMatrix``."""
    out = _rbridge.call("glmnet_fit", r_matrix(x), y, weights=weights, **_r_args(fit_args))
    return _path(out, fit_args.get("options"))


def cross_validate(
    x: Any,
    y: np.ndarray,
    weights: np.ndarray,
    foldid: np.ndarray,
    *,
    type_measure: str | None = None,
    grouped: bool = True,
    keep: bool = False,
    **fit_args: Any,
) -> CVArrays:
    """R's cv.glmnet on (x, y) with statlab's folds."""
    out = _rbridge.call(
        "cv_glmnet_fit", r_matrix(x), y, foldid, weights=weights,
        type_measure=type_measure or "default", grouped=grouped, keep=keep, **_r_args(fit_args),
    )  # fmt: skip
    fit_preval = out.get("fit_preval")
    return CVArrays(
        path=_path(out["path"], fit_args.get("options")),
        cvm=np.asarray(out["cvm"], dtype=np.float64),
        cvsd=np.asarray(out["cvsd"], dtype=np.float64),
        index_min=int(out["index_min"][0]) - 1,
        index_1se=int(out["index_1se"][0]) - 1,
        fit_preval=None if fit_preval is None else np.asarray(fit_preval, dtype=np.float64),
    )


def r_matrix(x: Any) -> Any:
    """A dense matrix as is; a sparse one as the parts of a CSC matrix, which ``r/glmnet.R``
    assembles into a ``Matrix::dgCMatrix``."""
    if not sp.issparse(x):
        return x
    csc = sp.csc_matrix(x)
    return {
        "i": csc.indices.astype(np.int32),
        "p": csc.indptr.astype(np.int32),
        "x": csc.data.astype(np.float64),
        "dims": np.array(csc.shape, dtype=np.int32),
    }


def _r_args(fit_args: dict[str, Any]) -> dict[str, Any]:
    gaussian = fit_args["family"] == "gaussian"
    return {
        "alpha": fit_args["alpha"],
        "family": fit_args["family"],
        "standardize": fit_args["standardize"],
        "nlambda": fit_args["nlambda"],
        "lambda_min_ratio": fit_args["lambda_min_ratio"],
        "thresh": fit_args["thresh"],
        "maxit": fit_args["max_passes"],
        "lambda": fit_args["lambdas"],
        "type_gaussian": fit_args.get("type_gaussian") if gaussian else None,
        **_r_options(fit_args.get("options")),
        "offset": fit_args.get("offset"),
        "type_multinomial": fit_args.get("type_multinomial")
        if fit_args["family"] == "multinomial"
        else None,
    }


def _r_options(options: PathOptions | None) -> dict[str, Any]:
    """glmnet's per-variable options under R's names; R's defaults stay unsent."""
    if options is None:
        return {}
    return {
        "penalty_factor": options.penalty_factor,
        "exclude": options.exclude + 1 if options.exclude.size else None,
        "intercept": options.intercept,
        "lower_limits": options.lower,
        "upper_limits": options.upper,
        "dfmax": options.dfmax,
        "pmax": options.pmax,
    }


def _coefficients(beta: np.ndarray, n_lambdas: int) -> np.ndarray:
    """features x lambdas, or features x classes x lambdas for a multinomial path."""
    return beta if beta.ndim == 3 else beta.reshape(-1, n_lambdas)


def _path(out: dict[str, Any], options: PathOptions | None = None) -> PathArrays:
    """The path R returned; glmnet's pmax error code becomes statlab's warning (or error when the
    path is empty), as the Python backend gives them."""
    error_code = int(np.asarray(out["jerr"])[0])
    pmax_reached = error_code < PMAX_CODE
    pmax = options.pmax if options is not None else 0
    if pmax_reached and error_code == PMAX_CODE - 1:
        raise ValueError(empty_path_message(pmax))
    if pmax_reached:
        pmax_warning(pmax, len(out["lambda"]))
    return PathArrays(
        lambdas=np.asarray(out["lambda"], dtype=np.float64),
        a0=np.asarray(out["a0"], dtype=np.float64),
        beta=_coefficients(np.asarray(out["beta"], dtype=np.float64), len(out["lambda"])),
        df=np.asarray(out["df"]).astype(np.int64),
        dev_ratio=np.asarray(out["dev_ratio"], dtype=np.float64),
        nulldev=float(np.asarray(out["nulldev"])[0]),
        npasses=int(np.asarray(out["npasses"])[0]),
        pmax_reached=pmax_reached,
    )
