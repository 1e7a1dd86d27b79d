"""Argument checks shared by :func:`statlab.glmnet.glmnet` and :func:`statlab.glmnet.cv_glmnet`.

Every check raises a ``ValueError`` (or ``TypeError``) whose message starts with the argument's name;
scalar checks are statlab's shared ones (:mod:`statlab._validation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check

FAMILIES = ("gaussian", "binomial")


def design(X: Any, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """X as a float64 matrix plus its column names (R's ``V1..Vp`` when it has none)."""
    if isinstance(X, pd.DataFrame):
        non_numeric = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if non_numeric or any(pd.api.types.is_bool_dtype(X[c]) for c in X.columns):
            bad = non_numeric or [c for c in X.columns if pd.api.types.is_bool_dtype(X[c])]
            raise ValueError(
                f"{name} has non-numeric columns {bad}: build a numeric design matrix first, "
                "e.g. with statlab.model_matrix"
            )
        names = [str(c) for c in X.columns]
        matrix = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            matrix = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be numeric: {error}") from error
        if matrix.ndim != 2:
            raise ValueError(f"{name} must be a 2-D matrix, got {matrix.ndim} dimension(s)")
        names = [f"V{j + 1}" for j in range(matrix.shape[1])]
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {matrix.shape})")
    _finite(matrix, name)
    return np.ascontiguousarray(matrix), names


def response(y: Any, n_rows: int, family: str) -> tuple[np.ndarray, list[str] | None]:
    """y as float64 (binomial: 0/1 for the second of the two sorted classes) and the class labels."""
    values = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if values.ndim != 1:
        values = values.reshape(-1) if values.ndim == 2 and 1 in values.shape else values
    if values.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {values.shape}")
    if values.shape[0] != n_rows:
        raise ValueError(f"y has {values.shape[0]} values but X has {n_rows} rows")
    if family == "binomial":
        if values.dtype.kind == "f":
            _finite(values, "y")
        classes = np.unique(values)
        if classes.shape[0] != 2:
            raise ValueError(
                f"y must have exactly two classes for family='binomial', got {classes.shape[0]}"
            )
        return (values == classes[1]).astype(np.float64), [str(c) for c in classes]
    try:
        numeric = values.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"y must be numeric for family='gaussian': {error}") from error
    _finite(numeric, "y")
    if np.ptp(numeric) == 0:
        raise ValueError("y is constant: there is nothing to fit")
    return numeric, None


def observation_weights(weights: Any, n_rows: int) -> np.ndarray:
    """Non-negative finite weights, not all zero (all ones when None)."""
    if weights is None:
        return np.ones(n_rows)
    values = check.vector(weights, "weights")
    if values.shape[0] != n_rows:
        raise ValueError(f"weights has {values.shape[0]} values but X has {n_rows} rows")
    _finite(values, "weights")
    if (values < 0).any() or values.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return values


def family_name(family: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    return family


def mixing(alpha: float) -> float:
    return check.real(alpha, "alpha", low=0.0, high=1.0)


def path_settings(
    nlambda: int, lambda_min_ratio: float | None, thresh: float
) -> tuple[int, float | None, float]:
    nlambda = check.integer(nlambda, "nlambda", low=2)
    if lambda_min_ratio is not None:
        lambda_min_ratio = check.real(
            lambda_min_ratio, "lambda_min_ratio", low=0.0, high=1.0, low_open=True, high_open=True
        )
    return nlambda, lambda_min_ratio, check.positive(thresh, "thresh")


def lambda_grid(lambdas: Any) -> np.ndarray | None:
    """A user lambda sequence, sorted decreasing as R sorts it (None stays None)."""
    if lambdas is None:
        return None
    try:
        values = np.atleast_1d(np.asarray(lambdas, dtype=np.float64))
    except (TypeError, ValueError):
        raise check.ArgumentTypeError(
            f"lambdas must be a sequence of numbers, got {lambdas!r}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError("lambdas must be a non-empty 1-D sequence of numbers")
    _finite(values, "lambdas")
    if (values < 0).any():
        raise ValueError("lambdas must be non-negative")
    return np.sort(values)[::-1].copy()


def fold_ids(
    foldid: Sequence[int] | np.ndarray | None, nfolds: int, n_rows: int, seed: int | None
) -> np.ndarray:
    """1-based fold labels: ``foldid`` checked, or drawn like R's ``sample(rep(1:nfolds, length = n))``.

    >>> fold_ids(None, 3, 7, seed=1).tolist()
    [3, 1, 2, 2, 3, 1, 1]
    """
    if foldid is None:
        nfolds = check.integer(nfolds, "nfolds", low=3, high=n_rows)
        rng = np.random.default_rng(check.seed(seed))
        return rng.permutation(np.resize(np.arange(1, nfolds + 1), n_rows)).astype(np.int64)
    labels = np.asarray(foldid)
    if labels.ndim != 1 or labels.shape[0] != n_rows:
        raise ValueError(
            f"foldid must have one label per row of X ({n_rows}), got shape {labels.shape}"
        )
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or not np.all(labels == np.round(labels)):
            raise ValueError("foldid must hold integer fold labels 1..K")
        labels = labels.astype(np.int64)
    n_folds = int(labels.max())
    if labels.min() < 1:
        raise ValueError("foldid labels must start at 1 (R's convention)")
    empty = sorted(set(range(1, n_folds + 1)) - set(labels.tolist()))
    if empty:
        raise ValueError(f"foldid leaves fold(s) {empty} empty")
    if n_folds < 3:
        raise ValueError(f"foldid must define at least 3 folds, got {n_folds}")
    return labels.astype(np.int64)


def _finite(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])[:5].tolist()
        raise ValueError(f"{name} contains NaN or infinite values (first rows, 0-based: {rows})")


def varying(x: Any, name: str = "X") -> None:
    """Refuse what glmnet cannot standardise: an ``x`` none of whose columns varies (R stops with
    "All used predictors have zero variance"), or values whose squares overflow float64 (R returns
    NaN lambdas)."""
    values = x.data if not isinstance(x, np.ndarray) and hasattr(x, "data") else x
    largest = float(np.max(np.abs(values), initial=0.0))
    if largest > np.sqrt(np.finfo(np.float64).max / x.shape[0]):
        raise check.InvalidArgumentError(
            f"{name} has values as large as {largest:.3g}, whose squares overflow float64: "
            "rescale its columns"
        )
    if isinstance(x, np.ndarray) and not np.any(np.ptp(x, axis=0) > 0):
        raise check.InvalidArgumentError(
            f"{name} has no column that varies (every column is constant): there is nothing to "
            "fit, and R's glmnet refuses it too"
        )


def fold_classes(y: np.ndarray, folds: np.ndarray, family: str) -> None:
    """For binomial fits, every fold's training rows must hold both classes (R's cv.glmnet stops
    with "non-conformable arguments" otherwise)."""
    if family != "binomial":
        return
    for fold in range(1, int(folds.max()) + 1):
        training = y[folds != fold]
        if training.min() == training.max():
            raise check.InvalidArgumentError(
                f"foldid leaves the training rows of fold {fold} with one class of y only: "
                "binomial glmnet needs both classes in every training set; choose other folds "
                "(or fewer)"
            )
