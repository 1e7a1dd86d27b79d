"""The R glmnet backend: ``glmnet::glmnet`` and ``glmnet::cv.glmnet`` run through the R bridge
(``r/glmnet.R``), their numbers returned unchanged."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab import _rbridge
from statlab import _validation as check
from statlab.glmnet._families import GlmFamily
from statlab.glmnet._paths import (
    PMAX_CODE,
    CVArrays,
    PathArrays,
    PathOptions,
    RelaxedArrays,
    RelaxedCVArrays,
    empty_path_message,
    pmax_warning,
)


def fit_path(
    x: Any,
    y: np.ndarray,
    weights: np.ndarray,
    *,
    relax: bool = False,
    trace_it: bool = False,
    **fit_args: Any,
) -> PathArrays:
    """R's glmnet path on (x, y); sparse x reaches R as a ``dgCMatrix``. ``relax`` adds R's
    relaxed fit (``glmnet(..., relax = TRUE)``); ``trace_it`` R's progress bar."""
    out = _rbridge.call(
        "glmnet_fit", r_matrix(x), y, weights=weights, relax=relax,
        trace_it=1 if trace_it else None, **_r_args(fit_args),
    )  # fmt: skip
    _warn_pmax(out, fit_args.get("options"))
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
    relax: bool = False,
    gamma: np.ndarray | None = None,
    fold_exclusions: list[np.ndarray] | None = None,
    trace_it: bool = False,
    **fit_args: Any,
) -> CVArrays:
    """R's cv.glmnet on (x, y) with statlab's folds (``relax``/``gamma`` as R's).
    ``fold_exclusions`` (an exclude function's columns for the full fit, then each fold) become
    an R exclude function, which cv.glmnet calls on each fit's rows as it would the user's."""
    exclusions = None
    if fold_exclusions is not None:
        exclusions = {str(k): e + 1 for k, e in enumerate(fold_exclusions)}
    out = _rbridge.call(
        "cv_glmnet_fit", r_matrix(x), y, foldid, weights=weights,
        type_measure=type_measure or "default", grouped=grouped, keep=keep, relax=relax,
        gamma=gamma, exclude_by_fold=exclusions, trace_it=1 if trace_it else None,
        **_r_args(fit_args),
    )  # fmt: skip
    _warn_pmax(out, fit_args.get("options"))
    fit_preval = out.get("fit_preval")
    path = _path(out["path"], fit_args.get("options"))
    relaxed = out.get("relaxed")
    if relaxed is not None:
        path = replace(path, relaxed=_relaxed_arrays(relaxed["fit"]))
        relaxed = _relaxed_cv(relaxed)
    return CVArrays(
        path=path,
        cvm=np.asarray(out["cvm"], dtype=np.float64),
        cvsd=np.asarray(out["cvsd"], dtype=np.float64),
        index_min=int(out["index_min"][0]) - 1,
        index_1se=int(out["index_1se"][0]) - 1,
        fit_preval=None if fit_preval is None else np.asarray(fit_preval, dtype=np.float64),
        relaxed=relaxed,
    )


def _relaxed_cv(out: dict[str, Any]) -> RelaxedCVArrays:
    """cv.glmnet's ``relaxed`` component; its 1-based (lambda, gamma) index matrix as 0-based
    (gamma, lambda) pairs."""
    index = np.asarray(out["index"]).astype(np.int64) - 1  # rows min, 1se; columns lambda, gamma
    cvm = np.asarray(out["cvm"], dtype=np.float64)  # gamma x lambda
    fit_preval = out.get("fit_preval")
    if fit_preval is not None:  # R: observations x (classes x) lambdas x gamma
        fit_preval = np.moveaxis(np.asarray(fit_preval, dtype=np.float64), -1, 0)
    return RelaxedCVArrays(
        gamma=np.atleast_1d(np.asarray(out["gamma"], dtype=np.float64)),
        cvm=cvm,
        cvsd=np.asarray(out["cvsd"], dtype=np.float64).reshape(cvm.shape),
        choice_min=(int(index[0, 1]), int(index[0, 0])),
        choice_1se=(int(index[1, 1]), int(index[1, 0])),
        fit_preval=fit_preval,
    )


def _warn_pmax(out: dict[str, Any], options: PathOptions | None) -> None:
    """statlab's pmax warning for each fit R stopped early at pmax (R's own warnings are muffled
    in ``r/glmnet.R``, so each is said once, as by the Python backend)."""
    pmax = options.pmax if options is not None else 0
    for code in np.atleast_1d(np.asarray(out.get("pmax_codes", []), dtype=np.int64)):
        stopped_at = int(PMAX_CODE - code)  # the lambda that exceeded pmax, 1-based
        if stopped_at > 1:
            pmax_warning(pmax, stopped_at - 1)


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
        "family": _r_family(fit_args["family"]),
        "standardize": fit_args["standardize"],
        "nlambda": fit_args["nlambda"],
        "lambda_min_ratio": fit_args["lambda_min_ratio"],
        "thresh": fit_args["thresh"],
        "maxit": fit_args["max_passes"],
        "lambda": fit_args["lambdas"],
        "type_gaussian": fit_args.get("type_gaussian") if gaussian else None,
        **_r_options(fit_args.get("options"), cox=fit_args["family"] == "cox"),
        "offset": fit_args.get("offset"),
        "type_multinomial": fit_args.get("type_multinomial")
        if fit_args["family"] == "multinomial"
        else None,
        "type_logistic": fit_args.get("type_logistic")
        if fit_args["family"] in ("binomial", "multinomial")
        else None,
        "standardize_response": fit_args.get("standardize_response")
        if fit_args["family"] == "mgaussian"
        else None,
        "strata": None if fit_args.get("strata") is None else fit_args["strata"] + 1,
    }


def _r_family(family: str | GlmFamily) -> str | dict[str, str]:
    """A built-in family's name, or a family object as R's family function and link names,
    from which ``r/glmnet.R`` builds the R family object."""
    if isinstance(family, GlmFamily):
        return {"name": family.name, "link": family.link}
    return family


def _r_options(options: PathOptions | None, cox: bool = False) -> dict[str, Any]:
    """glmnet's per-variable options under R's names; R's defaults stay unsent (a Cox fit is sent
    no ``intercept``, which R would warn about)."""
    if options is None:
        return {}
    return {
        "penalty_factor": options.penalty_factor,
        "exclude": options.exclude + 1 if options.exclude.size else None,
        "intercept": None if cox else options.intercept,
        "lower_limits": options.lower,
        "upper_limits": options.upper,
        "dfmax": options.dfmax,
        "pmax": options.pmax,
    }


def _coefficients(beta: np.ndarray, n_lambdas: int) -> np.ndarray:
    """features x lambdas, or features x classes (responses) x lambdas for a multinomial
    (mgaussian) path."""
    return beta if beta.ndim == 3 else beta.reshape(-1, n_lambdas)


def _path(out: dict[str, Any], options: PathOptions | None = None) -> PathArrays:
    """The path R returned (and its relaxed fit, if any); glmnet's pmax error code for an empty
    path becomes statlab's error, as the Python backend gives it."""
    error_code = int(np.asarray(out["jerr"])[0])
    pmax_reached = error_code < PMAX_CODE
    pmax = options.pmax if options is not None else 0
    if pmax_reached and error_code == PMAX_CODE - 1:
        raise check.InvalidArgumentError(empty_path_message(pmax))
    relaxed = out.get("relaxed")
    return PathArrays(
        lambdas=np.asarray(out["lambda"], dtype=np.float64),
        a0=np.asarray(out["a0"], dtype=np.float64),
        beta=_coefficients(np.asarray(out["beta"], dtype=np.float64), len(out["lambda"])),
        df=np.asarray(out["df"]).astype(np.int64),
        dev_ratio=np.asarray(out["dev_ratio"], dtype=np.float64),
        nulldev=float(np.asarray(out["nulldev"])[0]),
        npasses=_passes(out["npasses"]),
        pmax_reached=pmax_reached,
        relaxed=None if relaxed is None else _relaxed_arrays(relaxed),
    )


def _passes(npasses: Any) -> int:
    """R's pass count; -1 where R gives none (glmnet.path stopped at maxit)."""
    value = float(np.asarray(npasses, dtype=np.float64).reshape(-1)[0])
    return int(value) if np.isfinite(value) else -1


def _relaxed_arrays(out: dict[str, Any]) -> RelaxedArrays:
    """R's ``fit$relaxed`` and the mask of the fit's lambdas it keeps."""
    n_lambdas = len(np.atleast_1d(out["lambda"]))
    return RelaxedArrays(
        kept=np.asarray(out["kept"], dtype=bool).reshape(-1),
        a0=np.asarray(out["a0"], dtype=np.float64),
        beta=_coefficients(np.asarray(out["beta"], dtype=np.float64), n_lambdas),
        dev_ratio=np.atleast_1d(np.asarray(out["dev_ratio"], dtype=np.float64)),
    )
