"""Argument checks for statlab.trees; each error names the argument it is about.

The design-matrix and fold checks are glmnet's (imported when first used: importing the glmnet
package loads its numba kernels)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

Task = Literal["regression", "classification"]


def design(X: Any) -> tuple[np.ndarray, list[str]]:
    """X as a float64 matrix with its column names."""
    from statlab.glmnet import _inputs

    return _inputs.design(X, "X")


def response(y: Any, n_rows: int, task: str) -> tuple[np.ndarray, Task, np.ndarray | None]:
    """y as a numpy vector, the task it implies and (classification) its sorted classes.

    ``task="auto"`` means regression for float y and classification otherwise (integers with
    at most 10 distinct values, strings, categoricals, booleans)."""
    if task not in ("auto", "regression", "classification"):
        raise ValueError(f"task must be 'auto', 'regression' or 'classification', got {task!r}")
    values = y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)
    if isinstance(values, pd.Categorical):
        values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {values.shape}")
    if values.shape[0] != n_rows:
        raise ValueError(f"y has {values.shape[0]} values but X has {n_rows} rows")
    if task == "auto":
        discrete = values.dtype.kind in "biuOUS" and (
            (values.dtype.kind != "i" and values.dtype.kind != "u") or len(np.unique(values)) <= 10
        )
        task = "classification" if discrete else "regression"
    if task == "regression":
        try:
            numeric = values.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"y must be numeric for a regression tree: {error}") from error
        if not np.isfinite(numeric).all():
            raise ValueError("y contains NaN or infinite values")
        return numeric, "regression", None
    classes = np.unique(values)
    if len(classes) < 2:
        raise ValueError(f"y has a single class ({classes[0]!r}): a classifier needs two or more")
    return values, "classification", classes


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def non_negative(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def probability(value: Any, name: str) -> float:
    number = non_negative(value, name)
    if not 0 < number <= 1:
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return number


def fold_ids(foldid: Any, nfolds: int, n_rows: int, seed: int | None) -> np.ndarray:
    """1-based fold labels, checked or drawn as glmnet's ``foldid``."""
    from statlab.glmnet import _inputs

    return _inputs.fold_ids(foldid, nfolds, n_rows, seed)
