"""Argument checks shared by :func:`statlab.glmnet.glmnet` and :func:`statlab.glmnet.cv_glmnet`.

Every check raises a ``ValueError`` (or ``TypeError``) whose message starts with the argument's name;
scalar checks are statlab's shared ones (:mod:`statlab._validation`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from statlab import _validation as check

FAMILIES = ("gaussian", "binomial")
GAUSSIAN_TYPES = ("covariance", "naive")
GRAM_WARNING_BYTES = 2**30  # covariance updates may need a p x p Gram matrix


def gaussian_algorithm(type_gaussian: str | None, n_features: int) -> str | None:
    """``type_gaussian`` checked (None lets the backend choose as R does); a warning when the
    covariance algorithm's p x p Gram matrix would be large."""
    if type_gaussian is None:
        return None
    check.option(type_gaussian, "type_gaussian", GAUSSIAN_TYPES)
    gram_bytes = 8 * n_features**2
    if type_gaussian == "covariance" and gram_bytes > GRAM_WARNING_BYTES:
        warnings.warn(
            f"type_gaussian='covariance' with {n_features} variables keeps up to a "
            f"{n_features} x {n_features} Gram matrix ({gram_bytes / 2**30:.1f} GiB); "
            "type_gaussian='naive' needs none",
            UserWarning,
            stacklevel=4,
        )
    return type_gaussian


def parallel_jobs(n_jobs: Any) -> int:
    """``n_jobs``: threads for the folds, joblib's convention (None is 1, -1 one per core)."""
    jobs = check.n_jobs(n_jobs)
    return 1 if jobs is None else jobs


def design(
    X: Any, name: str = "X", *, allow_sparse: bool = False
) -> tuple[np.ndarray | sp.csc_matrix, list[str]]:
    """X as a float64 matrix plus its column names (R's ``V1..Vp`` when it has none).

    Dense input keeps its memory order (no copy when it is already float64). With
    ``allow_sparse``, ``scipy.sparse`` matrices and data frames with pandas sparse columns come
    back as a CSC matrix, never densified.
    """
    if sp.issparse(X) or _has_sparse_columns(X):
        if not allow_sparse:
            raise ValueError(f"{name} is sparse: this function needs a dense matrix")
        return _sparse_design(X, name)
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
    return matrix, names


def _has_sparse_columns(X: Any) -> bool:
    return isinstance(X, pd.DataFrame) and any(
        isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes
    )


def _sparse_design(X: Any, name: str) -> tuple[sp.csc_matrix, list[str]]:
    """A CSC float64 matrix from scipy.sparse or a data frame with pandas sparse columns."""
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        columns = []
        for label in X.columns:
            column = X[label]
            if isinstance(column.dtype, pd.SparseDtype):
                if column.dtype.fill_value != 0 and not pd.isna(column.dtype.fill_value):
                    raise ValueError(
                        f"{name} column {label!r} is sparse with fill value "
                        f"{column.dtype.fill_value!r}: sparse columns must leave zeros implicit"
                    )
                values = column.array
                rows = values.sp_index.indices
                entries = np.asarray(values.sp_values, dtype=np.float64)
            else:
                dense = column.to_numpy(dtype=np.float64, na_value=np.nan)
                rows = np.flatnonzero(dense != 0)
                entries = dense[rows]
            columns.append(
                sp.csc_matrix(
                    (entries, (rows, np.zeros(rows.shape[0], dtype=np.int64))),
                    shape=(X.shape[0], 1),
                )
            )
        matrix = sp.hstack(columns, format="csc") if columns else sp.csc_matrix(X.shape)
    else:
        matrix = sp.csc_matrix(X, dtype=np.float64, copy=True)
        names = [f"V{j + 1}" for j in range(matrix.shape[1])]
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {matrix.shape})")
    bad = ~np.isfinite(matrix.data)
    if bad.any():
        rows = np.unique(matrix.indices[bad])[:5].tolist()
        raise ValueError(
            f"{name} contains NaN or infinite stored values (first rows, 0-based: {rows})"
        )
    return matrix, names


def no_empty_columns(matrix: Any, names: list[str], name: str = "X") -> None:
    """Refuse a sparse design with a column that holds no non-zero value (nothing to fit)."""
    if not sp.issparse(matrix):
        return
    empty = np.flatnonzero(np.diff(matrix.indptr) == 0)
    if empty.size:
        shown = [names[j] for j in empty[:5]]
        raise ValueError(
            f"{name} has {empty.size} empty column(s) (no non-zero value), e.g. {shown}: "
            "drop them before fitting"
        )


def response(y: Any, n_rows: int, family: str) -> tuple[np.ndarray, list[str] | None]:
    """y as float64 (binomial: 0/1 for the second of the two sorted classes) and the class labels."""
    if sp.issparse(y) or (isinstance(y, pd.Series) and isinstance(y.dtype, pd.SparseDtype)):
        raise ValueError("y must be a dense vector, got a sparse one: pass y.toarray().ravel()")
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
    # max and min rather than abs: no temporary as large as x
    largest = max(float(np.max(values, initial=0.0)), -float(np.min(values, initial=0.0)))
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
