"""Input checks shared by the SHAP functions: every error names the argument at fault."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check

MAX_EXACT_FEATURES = 15
VALUE_FUNCTIONS = ("marginal", "baseline", "conditional_gaussian")


def rows(values: Any, name: str, n_features: int | None = None) -> np.ndarray:
    """``values`` as a 2-d float array of finite numbers (a single row may be given 1-d)."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()[None, :]
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise check.ArgumentTypeError(
            f"{name} must be numeric (an array or DataFrame of numbers)"
        ) from error
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise check.InvalidArgumentError(
            f"{name} must be one row or a 2-d array of rows, got {array.ndim} dims"
        )
    if array.shape[0] == 0:
        raise check.InvalidArgumentError(f"{name} is empty: it needs at least one row")
    if array.shape[1] == 0:
        raise check.InvalidArgumentError(f"{name} has no features (0 columns)")
    if n_features is not None and array.shape[1] != n_features:
        raise check.InvalidArgumentError(
            f"{name} has {array.shape[1]} features, expected {n_features}"
        )
    if not np.all(np.isfinite(array)):
        raise check.InvalidArgumentError(f"{name} holds NaN or infinite values")
    return array


def aligned_to(x: Any, other: Any, name: str) -> Any:
    """``other`` with its features in the order of ``x``'s when both name them (DataFrame
    columns, or a Series' index for a single row); an error naming ``name`` when the names differ.
    Unnamed inputs are taken by position.

    >>> x = pd.DataFrame({"a": [1.0], "b": [2.0]})
    >>> list(aligned_to(x, pd.DataFrame({"b": [0.0], "a": [5.0]}), "background").columns)
    ['a', 'b']
    """
    ours, theirs = _named_features(x), _named_features(other)
    if ours is None or theirs is None or ours == theirs:
        return other
    if set(ours) != set(theirs) or len(set(ours)) != len(ours) or len(ours) != len(theirs):
        missing = [c for c in ours if c not in theirs]
        extra = [c for c in theirs if c not in ours]
        raise check.InvalidArgumentError(
            f"{name}'s features do not match x's: {name} lacks {missing} and has {extra} "
            "that x does not"
            if missing or extra
            else f"{name} and x must name each feature once, got x {list(ours)}"
        )
    return other[list(ours)]


def _named_features(values: Any) -> tuple[Any, ...] | None:
    if isinstance(values, pd.DataFrame):
        return tuple(values.columns)
    if isinstance(values, pd.Series) and not isinstance(values.index, pd.RangeIndex):
        return tuple(values.index)
    return None


def feature_names(
    x: Any, background: Any, names: Sequence[str] | None, n_features: int
) -> tuple[str, ...]:
    """The feature names: given, else the columns of a DataFrame ``x`` or ``background``, else
    x1, x2, ..."""
    if names is not None:
        if isinstance(names, str):
            raise check.ArgumentTypeError(
                f"feature_names must be a list of names, one per feature, not a string: {names!r}"
            )
        names = tuple(str(n) for n in names)
        if len(names) != n_features:
            raise check.InvalidArgumentError(
                f"feature_names has {len(names)} names, expected {n_features}"
            )
        return names
    for candidate in (x, background):
        if isinstance(candidate, pd.DataFrame):
            return tuple(str(c) for c in candidate.columns)
        if isinstance(candidate, pd.Series) and candidate.index.size == n_features:
            return tuple(str(c) for c in candidate.index)
    return tuple(f"x{j + 1}" for j in range(n_features))


def model_function(f: Any, name: str = "f") -> Callable[[np.ndarray], Any]:
    """``f`` itself, or the prediction function of a fitted scikit-learn estimator: ``predict``
    for a regressor, the probability of ``classes_[1]`` for a two-class classifier."""
    if check.is_estimator(f):
        return _estimator_prediction(f, name)
    if not callable(f):
        raise check.ArgumentTypeError(
            f"{name} must be a function taking an (n, p) array or a fitted scikit-learn "
            f"estimator, got {type(f).__name__}"
        )
    return f


def model_refit(model_fn: Any, name: str = "model_fn") -> Callable[[np.ndarray, Any], Any]:
    """``model_fn`` itself, or for a scikit-learn estimator (fitted or not) a ``model_fn`` that
    fits a clone on the rows it is given and returns its prediction function."""
    if not check.is_estimator(model_fn):
        return model_fn
    from sklearn.base import clone

    def fit_clone(X: np.ndarray, y: Any) -> Callable[[np.ndarray], Any]:
        return _estimator_prediction(clone(model_fn).fit(X, y), name)

    return fit_clone


def _estimator_prediction(estimator: Any, name: str) -> Callable[[np.ndarray], Any]:
    from sklearn.base import is_classifier
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError as error:
        raise check.InvalidArgumentError(
            f"{name} is an unfitted {type(estimator).__name__}: fit it first (SHAP values "
            "explain a fitted model)"
        ) from error
    if not is_classifier(estimator):
        return estimator.predict
    if len(estimator.classes_) != 2 or not hasattr(estimator, "predict_proba"):
        raise check.InvalidArgumentError(
            f"{name} is a classifier of {len(estimator.classes_)} classes: SHAP explains one "
            "output; pass a function such as lambda X: model.predict_proba(X)[:, k]"
        )
    return lambda X: estimator.predict_proba(X)[:, 1]


def evaluate(f: Callable[[np.ndarray], Any], data: np.ndarray, name: str = "f") -> np.ndarray:
    """``f(data)`` as a 1-d float array with one finite value per row of ``data``."""
    out = f(data)
    try:
        values = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise check.ArgumentTypeError(
            f"{name} must return numbers, got {type(out).__name__}"
        ) from error
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.shape != (data.shape[0],):
        raise check.InvalidArgumentError(
            f"{name} must return one number per row: given {data.shape[0]} rows it returned shape "
            f"{values.shape} (for a classifier, return one column, e.g. "
            "lambda X: model.predict_proba(X)[:, 1])"
        )
    if not np.all(np.isfinite(values)):
        raise check.InvalidArgumentError(f"{name} returned NaN or infinite values")
    return values


def value_function(value: Any) -> str:
    if value not in VALUE_FUNCTIONS:
        raise check.InvalidArgumentError(
            f"value must be one of {', '.join(map(repr, VALUE_FUNCTIONS))}, got {value!r}"
        )
    return str(value)


def exact_size(n_features: int, name: str = "x") -> None:
    if n_features > MAX_EXACT_FEATURES:
        raise check.InvalidArgumentError(
            f"{name} has {n_features} features: exact enumeration visits 2^{n_features} = "
            f"{2**n_features:,} coalitions per row; it is limited to p <= {MAX_EXACT_FEATURES}. "
            "Use kernel_shap (sampled coalitions, with standard errors) instead"
        )
