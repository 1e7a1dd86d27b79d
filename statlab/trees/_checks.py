"""Argument checks for statlab.trees, built on statlab's shared checks (``statlab._validation``);
each error names the argument it is about. Only what trees add is written here: a response that may
be a class label, and cp-style bounds. Fold labels are checked as glmnet's ``foldid`` (imported when
first used: importing the glmnet package loads its numba kernels)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check

Task = Literal["regression", "classification"]


def design(X: Any, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """X (an argument called ``name``) as a float64 matrix with its column names."""
    return check.matrix(X, name)


def aligned_design(X: Any, feature_names: list[str], name: str = "X") -> np.ndarray:
    """New data for a fitted model: a DataFrame's columns put in the fit's order by name (or
    refused, naming what is missing or extra), an array checked for its width.

    >>> frame = pd.DataFrame({"b": [2.0], "a": [1.0]})
    >>> aligned_design(frame, ["a", "b"]).tolist()
    [[1.0, 2.0]]
    """
    if isinstance(X, pd.DataFrame):
        columns = [str(column) for column in X.columns]
        present, fitted = set(columns), set(feature_names)  # thousands of genes: not list lookups
        missing = [column for column in feature_names if column not in present]
        extra = [column for column in columns if column not in fitted]
        if missing or extra:
            raise check.InvalidArgumentError(
                f"{name} must have the columns the model was fitted on, by name: missing "
                f"{missing}, not fitted on {extra} (pass an array to match by position)"
            )
        X = X.set_axis(columns, axis=1)[feature_names]
    matrix, _ = design(X, name)
    if matrix.shape[1] != len(feature_names):
        raise check.InvalidArgumentError(
            f"{name} has {matrix.shape[1]} columns but the model was fitted on {len(feature_names)}"
        )
    return matrix


def response(y: Any, n_rows: int, task: str) -> tuple[np.ndarray, Task, np.ndarray | None]:
    """y as a numpy vector, the task it implies and (classification) its sorted classes.

    ``task="auto"`` means regression for float y and classification otherwise (integers with
    at most 10 distinct values, strings, categoricals, booleans)."""
    if task not in ("auto", "regression", "classification"):
        raise check.InvalidArgumentError(
            f"task must be 'auto', 'regression' or 'classification', got {task!r}"
        )
    values = y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)
    if isinstance(values, pd.Categorical):
        values = np.asarray(values)
    if values.ndim != 1:
        raise check.InvalidArgumentError(f"y must be one-dimensional, got shape {values.shape}")
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(f"y has {values.shape[0]} values but X has {n_rows} rows")
    if task == "auto":
        discrete = values.dtype.kind in "biuOUS" and (
            (values.dtype.kind != "i" and values.dtype.kind != "u") or len(np.unique(values)) <= 10
        )
        task = "classification" if discrete else "regression"
    if task == "regression":
        try:
            numeric = values.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise check.InvalidArgumentError(
                f"y must be numeric for a regression tree: {error}"
            ) from error
        if not np.isfinite(numeric).all():
            raise check.InvalidArgumentError("y contains NaN or infinite values")
        return numeric, "regression", None
    classes = np.unique(values)
    if len(classes) < 2:
        raise check.InvalidArgumentError(
            f"y has a single class ({classes[0]!r}): a classifier needs two or more"
        )
    return values, "classification", classes


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """An integer >= ``minimum``."""
    return check.integer(value, name, low=minimum)


def non_negative(value: Any, name: str) -> float:
    """A finite number >= 0."""
    return check.real(value, name, low=0.0)


def probability(value: Any, name: str) -> float:
    """A number in (0, 1]."""
    return check.real(value, name, low=0.0, high=1.0, low_open=True)


def fold_ids(foldid: Any, nfolds: int, n_rows: int, seed: int | None) -> np.ndarray:
    """1-based fold labels, checked or drawn as glmnet's ``foldid``."""
    from statlab.glmnet import fold_ids as glmnet_fold_ids

    return glmnet_fold_ids(foldid, nfolds, n_rows, seed)
