"""The R glmnet backend: ``glmnet::glmnet`` and ``glmnet::cv.glmnet`` run through the R bridge
(``r/glmnet.R``), their numbers returned unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab import _rbridge
from statlab.glmnet._paths import CVArrays, PathArrays


def fit_path(x: Any, y: np.ndarray, weights: np.ndarray, **fit_args: Any) -> PathArrays:
    """R's glmnet path on (x, y); sparse x reaches R as a ``dgCMatrix``."""
    return _path(_rbridge.call("glmnet_fit", r_matrix(x), y, weights=weights, **_r_args(fit_args)))


def cross_validate(
    x: Any, y: np.ndarray, weights: np.ndarray, foldid: np.ndarray, **fit_args: Any
) -> CVArrays:
    """R's cv.glmnet on (x, y) with statlab's folds."""
    out = _rbridge.call(
        "cv_glmnet_fit", r_matrix(x), y, foldid, weights=weights, **_r_args(fit_args)
    )
    return CVArrays(
        path=_path(out["path"]),
        cvm=np.asarray(out["cvm"], dtype=np.float64),
        cvsd=np.asarray(out["cvsd"], dtype=np.float64),
        index_min=int(out["index_min"][0]) - 1,
        index_1se=int(out["index_1se"][0]) - 1,
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
    }


def _path(out: dict[str, Any]) -> PathArrays:
    return PathArrays(
        lambdas=np.asarray(out["lambda"], dtype=np.float64),
        a0=np.asarray(out["a0"], dtype=np.float64),
        beta=np.asarray(out["beta"], dtype=np.float64).reshape(-1, len(out["lambda"])),
        df=np.asarray(out["df"]).astype(np.int64),
        dev_ratio=np.asarray(out["dev_ratio"], dtype=np.float64),
        nulldev=float(np.asarray(out["nulldev"])[0]),
        npasses=int(np.asarray(out["npasses"])[0]),
    )
