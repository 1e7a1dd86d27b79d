"""Argument checks shared by :func:`statlab.glmnet.glmnet` and :func:`statlab.glmnet.cv_glmnet`.

Every check raises a ``ValueError`` (or ``TypeError``) whose message starts with the argument's name;
scalar checks are statlab's shared ones (:mod:`statlab._validation`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from statlab import _validation as check
from statlab.glmnet._families import GlmFamily, glm_family

FAMILIES = ("gaussian", "binomial", "poisson", "multinomial", "mgaussian", "cox")
MULTINOMIAL_TYPES = ("ungrouped", "grouped")
LOGISTIC_TYPES = ("Newton", "modified.Newton")
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
            stacklevel=check.caller_stacklevel(),
        )
    return type_gaussian


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
            raise check.InvalidArgumentError(
                f"{name} is sparse: this function needs a dense matrix"
            )
        return _sparse_design(X, name)
    if isinstance(X, pd.DataFrame):
        repeated = X.columns[X.columns.duplicated()].unique().tolist()
        if repeated:
            raise check.InvalidArgumentError(
                f"{name} has repeated column names {repeated}: give each column its own name"
            )
        non_numeric = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if non_numeric or any(pd.api.types.is_bool_dtype(X[c]) for c in X.columns):
            bad = non_numeric or [c for c in X.columns if pd.api.types.is_bool_dtype(X[c])]
            raise check.InvalidArgumentError(
                f"{name} has non-numeric columns {bad}: build a numeric design matrix first, "
                "e.g. with statlab.model_matrix"
            )
        names = [str(c) for c in X.columns]
        matrix = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            matrix = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise check.InvalidArgumentError(f"{name} must be numeric: {error}") from error
        if matrix.ndim != 2:
            raise check.InvalidArgumentError(
                f"{name} must be a 2-D matrix, got {matrix.ndim} dimension(s)"
            )
        names = [f"V{j + 1}" for j in range(matrix.shape[1])]
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise check.InvalidArgumentError(f"{name} is empty (shape {matrix.shape})")
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
                    raise check.InvalidArgumentError(
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
        raise check.InvalidArgumentError(f"{name} is empty (shape {matrix.shape})")
    bad = ~np.isfinite(matrix.data)
    if bad.any():
        rows = np.unique(matrix.indices[bad])[:5].tolist()
        raise check.InvalidArgumentError(
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
        raise check.InvalidArgumentError(
            f"{name} has {empty.size} empty column(s) (no non-zero value), e.g. {shown}: "
            "drop them before fitting"
        )


def response(y: Any, n_rows: int, family: str) -> tuple[np.ndarray, list[str] | None]:
    """y as float64 (binomial: 0/1 for the second class) and the class labels. The classes are
    sorted, as R's ``factor`` sorts a character vector, except for a pandas categorical ``y``,
    whose categories keep their order, as an R factor's levels do (binomial models the second
    level; a level without observations is an error, as in glmnet)."""
    if sp.issparse(y) or (isinstance(y, pd.Series) and isinstance(y.dtype, pd.SparseDtype)):
        raise check.InvalidArgumentError(
            "y must be a dense vector, got a sparse one: pass y.toarray().ravel()"
        )
    if family == "mgaussian":
        return _responses(y, n_rows)
    if family == "cox":
        return survival_response(y, n_rows), None
    if family in ("binomial", "multinomial") and isinstance(
        getattr(y, "dtype", None), pd.CategoricalDtype
    ):
        return _factor_response(pd.Categorical(y), n_rows, family)
    values = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if values.ndim != 1:
        values = values.reshape(-1) if values.ndim == 2 and 1 in values.shape else values
    if values.ndim != 1:
        raise check.InvalidArgumentError(f"y must be one-dimensional, got shape {values.shape}")
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(f"y has {values.shape[0]} values but X has {n_rows} rows")
    if family in ("binomial", "multinomial"):
        _labels_present(values)
    if family == "multinomial":
        if values.dtype.kind == "f":
            _finite(values, "y")
        classes, codes, counts = np.unique(values, return_inverse=True, return_counts=True)
        if classes.shape[0] < 2:
            raise check.InvalidArgumentError(
                "y must have at least two classes for family='multinomial'"
            )
        class_sizes(classes, counts)
        return np.eye(classes.shape[0])[codes.reshape(-1)], [str(c) for c in classes]
    if family == "binomial":
        if values.dtype.kind == "f":
            _finite(values, "y")
        classes, counts = np.unique(values, return_counts=True)
        if classes.shape[0] != 2:
            raise check.InvalidArgumentError(
                f"y must have exactly two classes for family='binomial', got {classes.shape[0]}"
            )
        class_sizes(classes, counts)
        return (values == classes[1]).astype(np.float64), [str(c) for c in classes]
    try:
        numeric = values.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise check.InvalidArgumentError(
            f"y must be numeric for family={family!r}: {error}"
        ) from error
    _finite(numeric, "y")
    _squares_fit(numeric, "y", numeric.shape[0], "rescale y")
    if family == "poisson" and (numeric < 0).any():
        raise check.InvalidArgumentError(
            "y has negative values: not permitted for family='poisson' (counts)"
        )
    if isinstance(family, GlmFamily):
        family.check_response(numeric)
    if np.ptp(numeric) == 0:
        raise check.InvalidArgumentError("y is constant: there is nothing to fit")
    return numeric, None


def _labels_present(values: np.ndarray) -> None:
    """Class labels must all be present and of one kind (sortable, as R's ``factor`` sorts
    them)."""
    if values.dtype.kind != "O":
        return
    missing = np.flatnonzero(pd.isna(values))
    if missing.size:
        raise check.InvalidArgumentError(
            f"y has missing class labels (None or NaN) at rows {missing[:5].tolist()} "
            "(0-based): drop those rows or give them a class"
        )
    kinds = sorted({type(value).__name__ for value in values})
    if len(kinds) > 1 and not all(kind in ("int", "float", "bool") for kind in kinds):
        raise check.ArgumentTypeError(
            f"y mixes kinds of class labels ({', '.join(kinds)}): make them all strings or all "
            "numbers"
        )


def _squares_fit(values: np.ndarray, name: str, n_rows: int, remedy: str) -> None:
    """Refuse values whose sum of squares over ``n_rows`` rows can overflow float64: glmnet's
    variances and deviances would be infinite (R returns NaN lambdas)."""
    # max and min rather than abs: no temporary as large as the values
    largest = max(float(np.max(values, initial=0.0)), -float(np.min(values, initial=0.0)))
    if largest > np.sqrt(np.finfo(np.float64).max / max(n_rows, 1)):
        raise check.InvalidArgumentError(
            f"{name} has values as large as {largest:.3g}, whose squares overflow float64: {remedy}"
        )


def _responses(y: Any, n_rows: int) -> tuple[np.ndarray, list[str]]:
    """An mgaussian ``y``: an n x K numeric matrix, K >= 2, finite, with the responses' names
    (a data frame's columns, else R's ``y1, ..., yK``)."""
    if isinstance(y, pd.DataFrame):
        names = [str(c) for c in y.columns]
        try:
            values = y.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as error:
            raise check.InvalidArgumentError(
                f"y must be numeric for family='mgaussian': {error}"
            ) from error
    else:
        try:
            values = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise check.InvalidArgumentError(
                f"y must be numeric for family='mgaussian': {error}"
            ) from error
        names = [f"y{k + 1}" for k in range(values.shape[1])] if values.ndim == 2 else []
    if values.ndim != 2 or values.shape[1] < 2:
        raise check.InvalidArgumentError(
            "y must be an n x K matrix with K >= 2 response columns for family='mgaussian', got "
            f"shape {values.shape} (for one response use family='gaussian')"
        )
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(f"y has {values.shape[0]} rows but X has {n_rows} rows")
    _finite(values, "y")
    _squares_fit(values, "y", values.shape[0], "rescale y")
    if not np.any(np.ptp(values, axis=0) > 0):
        raise check.InvalidArgumentError("y: every response is constant: there is nothing to fit")
    return np.ascontiguousarray(values), names


def survival_response(y: Any, n_rows: int) -> np.ndarray:
    """A Cox response as a float array: (time, status), or (start, stop, status) for
    counting-process data (R's ``Surv(start, stop, status)``); a data frame with those column
    names or an array with the columns in that order. Times must be finite, stop times
    positive, start times non-negative and below the stop times, status 0 (censored) or 1
    (event), as R's ``Surv`` and glmnet require.

    >>> survival_response(np.array([[2.0, 1], [3.5, 0]]), 2).tolist()
    [[2.0, 1.0], [3.5, 0.0]]
    """
    if isinstance(y, pd.DataFrame):
        names = ["start", "stop", "status"] if "start" in y.columns else ["time", "status"]
        missing = set(names) - set(y.columns)
        if missing:
            raise check.InvalidArgumentError(
                "y for family='cox' must have columns 'time' and 'status' (or 'start', 'stop' "
                f"and 'status'); missing {sorted(missing)}"
            )
        y = y[names]
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise check.InvalidArgumentError(
            f"y for family='cox' must be numeric (time, status): {error}"
        ) from error
    if values.ndim != 2 or values.shape[1] not in (2, 3):
        raise check.InvalidArgumentError(
            "y for family='cox' must have two columns, time and status, or three, start, stop "
            "and status (a data frame with those columns or an array), got shape "
            f"{values.shape}"
        )
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(f"y has {values.shape[0]} rows but X has {n_rows} rows")
    if np.isnan(values).any():
        raise check.InvalidArgumentError("y: NAs encountered in response, not allowed")
    times, status = values[:, :-1], values[:, -1]
    if not np.isfinite(times).all():
        raise check.InvalidArgumentError("y: survival times must be finite")
    if values.shape[1] == 2 and (times <= 0).any():
        raise check.InvalidArgumentError(
            "y: non-positive event times encountered; not permitted for Cox family"
        )
    if values.shape[1] == 3:
        if (times[:, 0] < 0).any() or (times[:, 1] <= 0).any():
            raise check.InvalidArgumentError(
                "y: negative start/non-positive stop times encountered; not permitted for Cox "
                "family"
            )
        if (times[:, 0] >= times[:, 1]).any():
            raise check.InvalidArgumentError(
                "y: some rows have start time >= stop time; not permitted"
            )
    if not np.isin(status, (0.0, 1.0)).all():
        raise check.InvalidArgumentError(
            "y: status must be 0 (censored) or 1 (event) for family='cox'"
        )
    return values.copy()


def strata_labels(strata: Any, n_rows: int, family: str) -> np.ndarray | None:
    """Each row's stratum for a stratified Cox model (R's ``stratifySurv``), as codes 0, 1, ...
    in order of first appearance; None without strata.

    >>> strata_labels(["b", "a", "b"], 3, "cox").tolist()
    [0, 1, 0]
    """
    if strata is None:
        return None
    if family != "cox":
        raise check.InvalidArgumentError(f"strata is for family='cox' only, not {family!r}")
    labels = np.asarray(strata.to_numpy() if isinstance(strata, pd.Series) else strata)
    if labels.ndim != 1 or labels.shape[0] != n_rows:
        raise check.InvalidArgumentError(
            f"strata must have one label per row of X ({n_rows}), got shape {labels.shape}"
        )
    if pd.isna(labels).any():
        raise check.InvalidArgumentError("strata has missing labels")
    _, first, codes = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty_like(first)
    rank[np.argsort(first)] = np.arange(first.shape[0])
    return rank[codes.reshape(-1)].astype(np.int64)


def _factor_response(
    factor: pd.Categorical, n_rows: int, family: str
) -> tuple[np.ndarray, list[str]]:
    """A categorical y as R's glmnet reads a factor: one class per level, in the levels' order."""
    if factor.shape[0] != n_rows:
        raise check.InvalidArgumentError(f"y has {factor.shape[0]} values but X has {n_rows} rows")
    if (factor.codes < 0).any():
        raise check.InvalidArgumentError(f"y has {int((factor.codes < 0).sum())} missing value(s)")
    levels = [str(level) for level in factor.categories]
    if family == "binomial" and len(levels) != 2:
        raise check.InvalidArgumentError(
            f"y must have exactly two classes (levels) for family='binomial', got {len(levels)}: "
            f"{levels}"
        )
    if len(levels) < 2:
        raise check.InvalidArgumentError(
            "y must have at least two classes for family='multinomial'"
        )
    class_sizes(np.asarray(levels), np.bincount(factor.codes, minlength=len(levels)))
    if family == "binomial":
        return (factor.codes == 1).astype(np.float64), levels
    return np.eye(len(levels))[factor.codes], levels


SMALL_CLASS = 8  # glmnet warns below 8 observations in a class


def class_sizes(classes: np.ndarray, counts: np.ndarray) -> None:
    """glmnet's checks of a class response: a class of 0 or 1 observations is an error, one of
    fewer than 8 a warning ("dangerous ground")."""
    sizes = dict(zip([str(c) for c in classes], counts.tolist(), strict=True))
    if counts.min() <= 1:
        raise check.InvalidArgumentError(
            f"y: a class has 1 or 0 observations, which glmnet does not allow (counts: {sizes})"
        )
    if counts.min() < SMALL_CLASS:
        warnings.warn(
            f"y: a class has fewer than 8 observations, dangerous ground for glmnet (counts: "
            f"{sizes})",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )


def observation_weights(weights: Any, n_rows: int) -> np.ndarray:
    """Non-negative finite weights, not all zero (all ones when None)."""
    if weights is None:
        return np.ones(n_rows)
    values = check.vector(weights, "weights")
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(
            f"weights has {values.shape[0]} values but X has {n_rows} rows"
        )
    _finite(values, "weights")
    if (values < 0).any() or values.sum() <= 0:
        raise check.InvalidArgumentError("weights must be non-negative and not all zero")
    return values


def family_name(family: Any) -> str | GlmFamily:
    """A built-in family's name, or the :class:`GlmFamily` of a family object (a statsmodels
    family instance) or of ``"quasipoisson"``."""
    glm = glm_family(family)
    if glm is not None:
        return glm
    if family not in FAMILIES:
        raise check.InvalidArgumentError(f"family must be one of {FAMILIES}, got {family!r}")
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


def cv_lambda_grid(lambdas: np.ndarray | None) -> None:
    """cv.glmnet needs at least two lambdas when they are given."""
    if lambdas is not None and lambdas.shape[0] < 2:
        raise check.InvalidArgumentError(
            "lambdas: cv_glmnet needs more than one lambda (R: 'Need more than one value of "
            "lambda for cv.glmnet')"
        )


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
        raise check.InvalidArgumentError("lambdas must be a non-empty 1-D sequence of numbers")
    _finite(values, "lambdas")
    if (values < 0).any():
        raise check.InvalidArgumentError("lambdas must be non-negative")
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
        raise check.InvalidArgumentError(
            f"foldid must have one label per row of X ({n_rows}), got shape {labels.shape}"
        )
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or not np.all(labels == np.round(labels)):
            raise check.InvalidArgumentError("foldid must hold integer fold labels 1..K")
        labels = labels.astype(np.int64)
    n_folds = int(labels.max())
    if labels.min() < 1:
        raise check.InvalidArgumentError("foldid labels must start at 1 (R's convention)")
    empty = sorted(set(range(1, n_folds + 1)) - set(labels.tolist()))
    if empty:
        raise check.InvalidArgumentError(f"foldid leaves fold(s) {empty} empty")
    if n_folds < 3:
        raise check.InvalidArgumentError(f"foldid must define at least 3 folds, got {n_folds}")
    return labels.astype(np.int64)


def _finite(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])[:5].tolist()
        raise check.InvalidArgumentError(
            f"{name} contains NaN or infinite values (first rows, 0-based: {rows})"
        )


def penalty_factors(penalty_factor: Any, n_features: int) -> np.ndarray:
    """``penalty_factor``: one number per column (``inf`` excludes the column; a negative one is
    taken as 0, with a warning, as glmnet does), not all zero; None means 1 each. glmnet rescales
    them to sum to the number of columns."""
    if penalty_factor is None:
        return np.ones(n_features)
    values = np.asarray(penalty_factor, dtype=np.float64).reshape(-1)
    if values.shape[0] != n_features:
        raise check.InvalidArgumentError(
            f"penalty_factor has {values.shape[0]} values but X has {n_features} columns"
        )
    if np.isnan(values).any() or (values == -np.inf).any():
        raise check.InvalidArgumentError(
            "penalty_factor must hold numbers >= 0 (inf excludes a column)"
        )
    if (values < 0).any():
        warnings.warn(
            "penalty_factor: negative factors are taken as 0 (unpenalised), as glmnet does",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
    if not (values > 0).any():
        raise check.InvalidArgumentError(
            "penalty_factor: all penalty factors are 0 (R: 'All penalty factors are <= 0')"
        )
    return values


def by_column_name(values: Any, names: list[str], argument: str) -> Any:
    """``values`` put in the order of X's columns when it is a pandas Series labelled by column
    name (``penalty_factor``, ``lower_limits``, ``upper_limits``); anything else as given, by
    position. Labels that are not X's column names are refused.

    >>> import pandas as pd
    >>> by_column_name(pd.Series({"b": 0.0, "a": 1.0}), ["a", "b"], "penalty_factor").tolist()
    [1.0, 0.0]
    """
    if not isinstance(values, pd.Series) or isinstance(values.index, pd.RangeIndex):
        return values
    labels = list(values.index)
    if not all(isinstance(label, str) for label in labels):
        return values
    if sorted(labels) != sorted(names) or len(set(labels)) != len(labels):
        unknown = [label for label in labels if label not in names]
        missing = [name for name in names if name not in labels]
        raise check.InvalidArgumentError(
            f"{argument} is labelled by column name, so it needs one value per column of X: "
            f"unknown names {unknown}, columns without a value {missing}"
            if unknown or missing
            else f"{argument} names a column of X more than once"
        )
    return values.reindex(names)


def excluded_columns(exclude: Any, names: list[str]) -> np.ndarray:
    """``exclude``: column names or 0-based positions, as sorted unique 0-based positions."""
    if exclude is None:
        return np.zeros(0, dtype=np.int64)
    items = [exclude] if isinstance(exclude, (str, int, np.integer)) else list(exclude)
    positions = []
    for item in items:
        if isinstance(item, str):
            if item not in names:
                raise check.InvalidArgumentError(f"exclude: no column named {item!r} in X")
            positions.append(names.index(item))
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 0 <= item < len(names):
                raise check.InvalidArgumentError(
                    f"exclude: position {item} is out of range for {len(names)} columns "
                    "(positions are 0-based)"
                )
            positions.append(int(item))
        else:
            raise check.InvalidArgumentError(
                f"exclude must hold column names or 0-based positions, got {item!r}"
            )
    return np.unique(np.asarray(positions, dtype=np.int64))


def excluded_by_function(
    exclude: Callable[..., Any], x: Any, y: np.ndarray, weights: np.ndarray, names: list[str]
) -> np.ndarray:
    """The columns an ``exclude`` function picks, as R's glmnet calls it: ``exclude(x, y,
    weights)`` on the rows fitted, returning column names or 0-based positions (none: an empty
    sequence or None). As R's ``check.exclude``, at least two columns must remain.

    >>> excluded_by_function(lambda x, y, w: [2, 0, 2], np.eye(4), np.ones(4), np.ones(4),
    ...                      ["a", "b", "c", "d"])
    array([0, 2])
    """
    chosen = exclude(x, y, weights)
    positions = excluded_columns(None if chosen is None else list(np.atleast_1d(chosen)), names)
    if positions.shape[0] > len(names) - 2:
        raise check.InvalidArgumentError(
            f"exclude: the function excluded {positions.shape[0]} of {len(names)} columns; at "
            "least 2 must remain (R: 'cannot retain 1 or less variables')"
        )
    return positions


def coefficient_limits(lower: Any, upper: Any, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """``lower_limits`` (each <= 0) and ``upper_limits`` (each >= 0): a scalar or one per column.

    As in R's glmnet, every value given is checked for its sign, and a vector longer than the
    number of columns is cut to its first ``n_features`` values (with a warning here; R is silent).

    >>> coefficient_limits(-1.0, [1.0, 2.0], 2)
    (array([-1., -1.]), array([1., 2.]))
    """
    bounds = []
    for name, value, sign in (("lower_limits", lower, -1), ("upper_limits", upper, 1)):
        values = np.asarray(value, dtype=np.float64).reshape(-1)
        if values.shape[0] == 0 or 1 < values.shape[0] < n_features:
            raise check.InvalidArgumentError(
                f"{name} must be a scalar or have one value per column of X ({n_features}), "
                f"got {values.shape[0]} (R: 'Require length 1 or nvars {name.replace('_', '.')}')"
            )
        if np.isnan(values).any():
            raise check.InvalidArgumentError(f"{name} contains NaN")
        if (sign * values < 0).any():
            kind = "non-positive" if sign < 0 else "non-negative"
            raise check.InvalidArgumentError(
                f"{name} must be {kind} (R: 'Lower limits should be non-positive', "
                "'Upper limits should be non-negative')"
            )
        if values.shape[0] == 1:
            values = np.repeat(values, n_features)
        elif values.shape[0] > n_features:
            warnings.warn(
                f"{name} has {values.shape[0]} values for {n_features} columns of X: the first "
                f"{n_features} are used, as R's glmnet does",
                UserWarning,
                stacklevel=check.caller_stacklevel(),
            )
            values = values[:n_features]
        bounds.append(values)
    return bounds[0], bounds[1]


def size_limits(dfmax: Any, pmax: Any, n_features: int) -> tuple[int, int]:
    """``dfmax`` (default p + 1) and ``pmax`` (default min(2 dfmax + 20, p)), positive integers."""
    dfmax = n_features + 1 if dfmax is None else dfmax
    for name, value in (("dfmax", dfmax), ("pmax", pmax)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1
        ):
            raise check.InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
    pmax = min(2 * dfmax + 20, n_features) if pmax is None else pmax
    return int(dfmax), int(pmax)


MEASURES = ("default", "mse", "deviance", "class", "auc", "mae", "C")
FAMILY_MEASURES = {  # cv.glmnet's measures per family, its default first
    "gaussian": ("mse", "deviance", "mae"),
    "binomial": ("deviance", "class", "auc", "mse", "mae"),
    "poisson": ("deviance", "mse", "mae"),
    "multinomial": ("deviance", "class", "mse", "mae"),
    "mgaussian": ("mse", "deviance", "mae"),
    "cox": ("deviance", "C"),
}
GLM_MEASURES = ("deviance", "mse", "mae")  # cv.glmnetfit's, for a family object
MEASURE_NAMES = {
    ("gaussian", "deviance"): "Mean-squared Error",
    ("binomial", "deviance"): "Binomial Deviance",
    ("poisson", "deviance"): "Poisson Deviance",
    ("multinomial", "deviance"): "Multinomial Deviance",
    ("mgaussian", "deviance"): "Mean-squared Error",
    "deviance": "GLM Deviance",  # a family object's
    ("cox", "deviance"): "Partial Likelihood Deviance",
    "C": "C-index",
    "mse": "Mean-Squared Error",
    "mae": "Mean Absolute Error",
    "auc": "AUC",
    "class": "Misclassification Error",
}
AUC_MIN_PER_FOLD = 10


def cv_measure(type_measure: Any, family: str, foldid: np.ndarray) -> str:
    """``type_measure`` as cv.glmnet resolves it: "default" is the family's first measure; a
    measure the family lacks falls back to that one with R's warning; "auc" with fewer than 10
    observations per fold becomes "deviance", with R's warning."""
    if type_measure not in MEASURES:
        raise check.InvalidArgumentError(
            f"type_measure must be one of {MEASURES}, got {type_measure!r}"
        )
    available = FAMILY_MEASURES.get(family, GLM_MEASURES)
    if type_measure == "default":
        return available[0]
    if type_measure not in available:
        warnings.warn(
            f"type_measure: only {', '.join(available)} are available for family={family!r}; "
            f"{available[0]!r} used instead (as cv.glmnet does)",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
        return available[0]
    n_folds = int(foldid.max())
    if type_measure == "auc" and foldid.shape[0] / n_folds < AUC_MIN_PER_FOLD:
        warnings.warn(
            "type_measure: too few (< 10) observations per fold for 'auc'; changed to "
            "'deviance' (as cv.glmnet does). Alternatively, use a smaller nfolds",
            UserWarning,
            stacklevel=check.caller_stacklevel(),
        )
        return "deviance"
    return type_measure


def measure_name(type_measure: str, family: str) -> str:
    """The curve's name as cv.glmnet gives it, e.g. "Binomial Deviance".

    >>> measure_name("deviance", "gaussian"), measure_name("auc", "binomial")
    ('Mean-squared Error', 'AUC')
    """
    return MEASURE_NAMES.get((family, type_measure)) or MEASURE_NAMES[type_measure]


def flag(value: Any, name: str) -> bool:
    """A True/False argument, refused otherwise (no truthy strings)."""
    if not isinstance(value, (bool, np.bool_)):
        raise check.InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def offsets(
    offset: Any, n_rows: int, name: str = "offset", n_classes: int | None = None
) -> np.ndarray | None:
    """``offset`` (or ``new_offset``): one finite number per row added to the linear predictor;
    for a multinomial or mgaussian fit an n x K matrix, one column per class or response."""
    if offset is None:
        return None
    values = _numbers(offset, name)
    if n_classes is not None:
        if values.shape != (n_rows, n_classes):
            raise check.InvalidArgumentError(
                f"{name} must be an n x K matrix ({n_rows} x {n_classes}), one column per class "
                "or response, "
                f"got shape {values.shape}"
            )
        _finite(values, name)
        return values
    values = values.reshape(-1)
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(
            f"{name} has {values.shape[0]} values but X has {n_rows} rows"
        )
    _finite(values, name)
    return values


def _numbers(values: Any, name: str) -> np.ndarray:
    """``values`` as a float64 array, or an error naming ``name`` (not numpy's)."""
    if isinstance(values, str | bytes):
        raise check.ArgumentTypeError(f"{name} must be numbers, got the string {values!r}")
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise check.ArgumentTypeError(f"{name} must be numbers: {error}") from None


def response_scaling(standardize_response: Any, family: str) -> bool:
    """``standardize_response`` (R's ``standardize.response``): scale each response of an
    mgaussian fit to unit sd; refused for the other families, which have one response."""
    value = flag(standardize_response, "standardize_response")
    if value and family != "mgaussian":
        raise check.InvalidArgumentError(
            f"standardize_response applies to family='mgaussian' only, not {family!r}"
        )
    return value


def multinomial_type(type_multinomial: Any) -> str:
    """``type_multinomial``: "ungrouped" (a lasso per class) or "grouped" (a group lasso per
    variable across classes)."""
    if type_multinomial not in MULTINOMIAL_TYPES:
        raise check.InvalidArgumentError(
            f"type_multinomial must be one of {MULTINOMIAL_TYPES}, got {type_multinomial!r}"
        )
    return str(type_multinomial)


def logistic_type(type_logistic: Any, family: Any) -> str:
    """``type_logistic``, R's ``type.logistic``: "Newton" (the exact IRLS curvatures) or
    "modified.Newton" (their fixed upper bound); a binomial or multinomial fit's option only."""
    value = check.option(type_logistic, "type_logistic", LOGISTIC_TYPES)
    if value != LOGISTIC_TYPES[0] and family not in ("binomial", "multinomial"):
        raise check.InvalidArgumentError(
            f"type_logistic: {value!r} applies to family='binomial' or 'multinomial' only, "
            f"not {family!r}"
        )
    return value


def varying(x: Any, name: str = "X") -> None:
    """Refuse what glmnet cannot standardise: an ``x`` none of whose columns varies (R stops with
    "All used predictors have zero variance"), or values whose squares overflow float64 (R returns
    NaN lambdas)."""
    if not isinstance(x, np.ndarray):  # sparse: its stored values
        _squares_fit(x.data, name, x.shape[0], "rescale its columns")
        return
    # one sweep for each of the column maxima and minima serves both checks
    highs, lows = np.max(x, axis=0), np.min(x, axis=0)
    _squares_fit(np.r_[highs, lows], name, x.shape[0], "rescale its columns")
    if not np.any(highs > lows):
        raise check.InvalidArgumentError(
            f"{name} has no column that varies (every column is constant): there is nothing to "
            "fit, and R's glmnet refuses it too"
        )


def fold_weights(weights: np.ndarray, folds: np.ndarray) -> None:
    """Each fold's training rows need weight, else there is nothing to fit (R's cv.glmnet fails
    with "missing value where TRUE/FALSE needed"). A fold whose held-out rows all weigh 0 is
    fine: as in R, its error is left out of ``cvm``."""
    held_out = np.bincount(folds, weights=weights)
    for fold in range(1, held_out.shape[0]):
        if not held_out.sum() - held_out[fold] > 0:
            raise check.InvalidArgumentError(
                f"weights, foldid: the training rows of fold {fold} all have weight 0, so it has "
                "nothing to fit; choose other folds or weights"
            )


def fold_responses(y: np.ndarray, weights: np.ndarray, folds: np.ndarray, family: Any) -> None:
    """A Gaussian, Poisson, mgaussian or family-object fit needs a ``y`` that varies over each
    fold's training rows of positive weight, as over all rows (R's cv.glmnet stops with
    "y is constant; gaussian glmnet fails at standardization step" or an error from deep inside);
    the class-based families are checked by :func:`class_shares`."""
    if family in ("binomial", "multinomial", "cox"):
        return
    for fold in range(1, int(folds.max()) + 1):
        training = y[(folds != fold) & (weights > 0)]
        if not np.any(np.ptp(training, axis=0) > 0):
            raise check.InvalidArgumentError(
                f"y, foldid: y is constant over the training rows of fold {fold} (value "
                f"{np.ravel(training)[0]:g}), so that fold has nothing to fit; choose other folds"
            )


PROBABILITY_MIN = 1e-9  # glmnet.control()$pmin: the kernels clip probabilities there too


def class_shares(
    y: np.ndarray,
    weights: np.ndarray,
    family: str,
    labels: list[str] | None,
    folds: np.ndarray | None = None,
) -> None:
    """Refuse, before any fit, a binomial or multinomial ``y`` one of whose classes has no weight
    (or all of it) in the rows a fit uses: all rows, and with ``folds`` each fold's training rows.
    glmnet needs each class's weighted share strictly between ``pmin`` (1e-9) and ``1 - pmin``
    and stops with error 8000 + k or 9000 + k for class k; without the check its intercept would
    run off to infinity. ``y`` is :func:`response`'s: the second class's indicator (binomial) or
    the n x K class indicators."""
    if family not in ("binomial", "multinomial"):
        return
    indicators = y[:, None] if y.ndim == 1 else y
    names = list(labels or [])[-indicators.shape[1] :]
    fits = [("the rows fitted", weights)]
    if folds is not None:
        fits += [
            (f"the training rows of fold {fold}", np.where(folds != fold, weights, 0.0))
            for fold in range(1, int(folds.max()) + 1)
        ]
    for rows, fit_weights in fits:
        shares = fit_weights @ indicators / fit_weights.sum()
        for number, (name, share) in enumerate(zip(names, shares, strict=True), start=1):
            if PROBABILITY_MIN < share < 1.0 - PROBABILITY_MIN:
                continue
            low = share <= PROBABILITY_MIN
            remedy = "; choose other folds" if rows.startswith("the training") else ""
            raise check.InvalidArgumentError(
                f"y, weights: class {name!r} has {'no' if low else 'all the'} weight in {rows} "
                f"(weighted share {share:.3g}); glmnet needs each class's share strictly between "
                f"{PROBABILITY_MIN:g} and 1 - {PROBABILITY_MIN:g} (R stops with error "
                f"{(8000 if low else 9000) + number}){remedy}"
            )


DEFAULT_GAMMA = (0.0, 0.25, 0.5, 0.75, 1.0)  # cv.glmnet's gamma


def relax_gamma(gamma: Any, relax: bool) -> np.ndarray | None:
    """cv.glmnet's ``gamma`` for a relaxed fit, sorted (R's default 0, 0.25, ..., 1 when None).
    Values below 0 or above 1 are dropped with R's warning; none left is R's error. Without
    ``relax`` a ``gamma`` is ignored (silently in R; with a warning here).

    >>> relax_gamma(None, True).tolist(), relax_gamma([1, 0.5], True).tolist()
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.5, 1.0])
    """
    if not relax:
        if gamma is not None:
            warnings.warn(
                "gamma is used only with relax=True; it is ignored (as cv.glmnet ignores it)",
                UserWarning,
                stacklevel=check.caller_stacklevel(),
            )
        return None
    if gamma is None:
        return np.array(DEFAULT_GAMMA)
    if isinstance(gamma, bool | np.bool_):
        raise check.ArgumentTypeError(f"gamma must be numbers in [0, 1], got {gamma!r}")
    values = check.vector(gamma, "gamma")
    for outside, text in ((values < 0, "negative"), (values > 1, "larger than 1")):
        if outside.any():
            warnings.warn(
                f"gamma: {text} values {values[outside].tolist()} ignored (as cv.glmnet does)",
                UserWarning,
                stacklevel=check.caller_stacklevel(),
            )
    values = values[(values >= 0) & (values <= 1)]
    if values.size == 0:
        raise check.InvalidArgumentError(
            "gamma has no value in [0, 1] (R: 'no valid values of gamma')"
        )
    return np.sort(values)


def blend_gamma(gamma: Any) -> float:
    """``gamma`` of a relaxed fit's coef/predict: one number in [0, 1] (R drops values outside
    with a warning and then stops with 'no valid values of gamma').

    >>> blend_gamma(0.5)
    0.5
    """
    return check.real(gamma, "gamma", low=0.0, high=1.0)
