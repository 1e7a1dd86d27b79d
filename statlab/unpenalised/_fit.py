"""Unpenalised baselines: ordinary least squares and the binomial GLM, R's ``lm``/``glm`` or
statsmodels, one result type.

The lasso, ridge and elastic net of :mod:`statlab.glmnet` are judged against the model they shrink:
the least-squares fit (Gaussian) or the maximum-likelihood logistic regression (binomial) on the same
design. ``backend="python"`` fits with statsmodels (``OLS`` and ``GLM`` with a binomial family, by
IRLS), ``backend="r"`` with ``lm`` and ``glm(family = binomial)`` (``r/linear_model.R``).

Neither backend is allowed to do what a silent pseudo-inverse would: a design with at least as many
columns as rows, or with columns that are linear combinations of others, is an error naming the
columns, where R would give ``NA`` coefficients and statsmodels a minimum-norm solution.

Example
-------
>>> import numpy as np, statlab as sl
>>> pr = sl.data.load("prostate")
>>> fit = sl.linear_model(sl.model_matrix("lpsa ~ .", pr), pr["lpsa"], backend="python")
>>> round(float(fit.coefficients["lcavol"]), 4), fit.df_residual
(0.587, 88)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab.unpenalised import _backend_python, _backend_r

INTERCEPT = "(Intercept)"
Family = Literal["gaussian", "binomial"]
# IRLS stops when the deviance changes by less than this relative amount (R's glm.control epsilon,
# statsmodels' tol); tighter than both defaults (1e-8) so the two backends meet at the optimum.
IRLS_TOLERANCE = 1e-10
IRLS_MAX_ITERATIONS = 100
RANK_TOLERANCE = 1e-7  # R's lm.fit tol


@dataclass(frozen=True, repr=False)
class LinearModelResult:
    """An unpenalised linear (``family="gaussian"``) or logistic (``"binomial"``) fit.

    Attributes
    ----------
    coefficients, std_errors, statistics, p_values : Series
        Indexed by "(Intercept)" then the columns of ``X``: R's ``coef(summary(fit))``. The
        statistic is t (Gaussian, t distribution with ``df_residual`` degrees of freedom) or z
        (binomial, normal distribution).
    fitted : ndarray
        Fitted values on the response scale (probabilities for binomial).
    df_residual : int
        n − (p + 1).
    deviance, null_deviance : float
        Residual sum of squares (Gaussian) or binomial deviance, and the intercept-only one.
    sigma : float or None
        Residual standard error (Gaussian only).
    family, backend : str
        What was fitted, and where.
    class_labels : list of str or None
        Binomial: the two response levels, the second being the one modelled (R's factor rule).
    """

    coefficients: pd.Series
    std_errors: pd.Series
    statistics: pd.Series
    p_values: pd.Series
    fitted: np.ndarray
    df_residual: int
    deviance: float
    null_deviance: float
    sigma: float | None
    family: str
    backend: str
    class_labels: list[str] | None = None

    @property
    def feature_names(self) -> list[str]:
        """The columns of ``X``, in order."""
        return [name for name in self.coefficients.index if name != INTERCEPT]

    def coef(self) -> pd.Series:
        """The coefficients, intercept first (R's ``coef(fit)``).

        >>> import statlab as sl
        >>> pr = sl.data.load("prostate")
        >>> fit = linear_model(sl.model_matrix("lpsa ~ lcavol", pr), pr["lpsa"], backend="python")
        >>> fit.coef().round(3).tolist()
        [1.507, 0.719]
        """
        return self.coefficients.copy()

    def predict(self, X: Any, *, type: Literal["link", "response"] = "link") -> np.ndarray:
        """Predictions for new rows: the linear predictor (``"link"``) or, for binomial fits,
        the probability of the second class (``"response"``).

        >>> import statlab as sl
        >>> pr = sl.data.load("prostate")
        >>> X = sl.model_matrix("lpsa ~ .", pr)
        >>> fit = linear_model(X, pr["lpsa"], backend="python")
        >>> bool(np.allclose(fit.predict(X), fit.fitted))
        True
        """
        if type not in ("link", "response"):
            raise check.InvalidArgumentError(f"type must be 'link' or 'response', got {type!r}")
        matrix, names = _design(X, "X")
        if names != self.feature_names and not (
            names == [f"x{j}" for j in range(len(names))] and len(names) == len(self.feature_names)
        ):
            raise check.InvalidArgumentError(
                f"X must have the columns the model was fitted on ({len(self.feature_names)}: "
                f"{self.feature_names[:5]}...), got {len(names)}: {names[:5]}..."
            )
        # aliased (NaN) coefficients were left out of the fit: they add nothing
        slopes = np.nan_to_num(self.coefficients.iloc[1:].to_numpy(), nan=0.0)
        link = self.coefficients.iloc[0] + matrix @ slopes
        if type == "response" and self.family == "binomial":
            return 1.0 / (1.0 + np.exp(-link))
        return link

    def summary(self) -> pd.DataFrame:
        """R's coefficient table: ``estimate``, ``std_error``, ``statistic``, ``p_value``, one row
        per term.

        >>> import statlab as sl
        >>> pr = sl.data.load("prostate")
        >>> linear_model(sl.model_matrix("lpsa ~ .", pr), pr["lpsa"],
        ...              backend="python").summary().columns.tolist()
        ['estimate', 'std_error', 'statistic', 'p_value']
        """
        table = pd.DataFrame(
            {
                "estimate": self.coefficients,
                "std_error": self.std_errors,
                "statistic": self.statistics,
                "p_value": self.p_values,
            }
        )
        table.index.name = "term"
        return table

    def to_frame(self) -> pd.DataFrame:
        """:meth:`summary` as a long table with a ``term`` column and 95% Wald intervals
        (``conf_low``, ``conf_high``: t quantiles for Gaussian fits, normal for binomial)."""
        from scipy import stats

        quantile = (
            stats.t.ppf(0.975, self.df_residual)
            if self.family == "gaussian"
            else stats.norm.ppf(0.975)
        )
        frame = self.summary().reset_index()
        frame["conf_low"] = frame["estimate"] - quantile * frame["std_error"]
        frame["conf_high"] = frame["estimate"] + quantile * frame["std_error"]
        return frame

    def plot(self) -> Any:
        """Coefficients with their 95% intervals, one row per term (intercept left out)."""
        from statlab.plots.comparison import plot_coefficients

        return plot_coefficients(self)

    def __repr__(self) -> str:
        table = self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        scale = f", sigma={self.sigma:.4g}" if self.sigma is not None else ""
        return (
            f"LinearModelResult(family={self.family!r}, backend={self.backend!r}, "
            f"df_residual={self.df_residual}{scale}, deviance={self.deviance:.6g})\n{table}"
        )


def linear_model(
    X: Any,
    y: Any,
    *,
    family: Family = "gaussian",
    aliased: Literal["error", "drop"] = "error",
    backend: Literal["auto", "r", "python"] = "auto",
) -> LinearModelResult:
    """Fit the unpenalised model: least squares (R's ``lm(y ~ X)``) or logistic regression
    (``glm(y ~ X, family = binomial)``).

    Parameters
    ----------
    X
        Numeric design matrix without an intercept column (e.g. :func:`statlab.model_matrix`);
        an intercept is always fitted. It must have full column rank and more rows than columns.
    y
        Response: numeric for ``"gaussian"``; for ``"binomial"`` 0/1, booleans or a variable with
        two levels (the second level in sorted order is the one modelled, as R's factor does).
    family
        ``"gaussian"`` or ``"binomial"``.
    aliased
        A column that is a linear combination of the intercept and the columns before it:
        ``"error"`` raises, naming it; ``"drop"`` does what R's ``lm``/``glm`` do — its
        coefficient is ``NaN`` (R's ``NA``), the model is fitted without it, predictions ignore
        it, and a warning names it.
    backend
        ``"python"`` (statsmodels), ``"r"`` (R's lm/glm) or ``"auto"`` (R when usable).

    >>> import statlab as sl
    >>> pr = sl.data.load("prostate")
    >>> fit = linear_model(sl.model_matrix("svi ~ lcavol + lpsa", pr), pr["svi"],
    ...                    family="binomial", backend="python")
    >>> fit.coefficients.round(3).tolist()
    [-7.908, 1.168, 1.503]
    """
    if family not in ("gaussian", "binomial"):
        raise check.InvalidArgumentError(f"family must be 'gaussian' or 'binomial', got {family!r}")
    if aliased not in ("error", "drop"):
        raise check.InvalidArgumentError(f"aliased must be 'error' or 'drop', got {aliased!r}")
    matrix, names = _design(X, "X")
    response, class_labels = _response(y, matrix.shape[0], family)
    if aliased == "error":
        check_full_rank(matrix, names)
        dropped: list[int] = []
    else:
        check_enough_rows(*matrix.shape)
        dropped = aliased_columns(matrix)
        if dropped:
            warnings.warn(
                f"X is rank deficient: coefficients of {[names[j] for j in dropped]} are not "
                "determined (NaN, R's NA) and the fit leaves them out",
                RuntimeWarning,
                stacklevel=2,
            )
    ran = _rbridge.resolve_backend(backend, _backend_r.PACKAGES)
    kept = np.setdiff1d(np.arange(matrix.shape[1]), dropped)
    engine = _backend_r if ran == "r" else _backend_python
    fitted = engine.fit(matrix[:, kept], response, family, IRLS_TOLERANCE, IRLS_MAX_ITERATIONS)
    if family == "binomial":
        _warn_if_separated(np.asarray(fitted["fitted"], dtype=np.float64))
    positions = np.concatenate([[0], kept + 1])  # intercept, then the kept columns
    for key in ("coefficients", "std_errors", "statistics", "p_values"):
        full = np.full(matrix.shape[1] + 1, np.nan)
        full[positions] = np.asarray(fitted[key], dtype=np.float64).reshape(-1)
        fitted[key] = full
    index = pd.Index([INTERCEPT, *names], name="term")
    return LinearModelResult(
        coefficients=pd.Series(fitted["coefficients"], index=index, name="estimate"),
        std_errors=pd.Series(fitted["std_errors"], index=index, name="std_error"),
        statistics=pd.Series(fitted["statistics"], index=index, name="statistic"),
        p_values=pd.Series(fitted["p_values"], index=index, name="p_value"),
        fitted=np.asarray(fitted["fitted"], dtype=np.float64).reshape(-1),
        df_residual=matrix.shape[0] - kept.shape[0] - 1,
        deviance=_scalar(fitted["deviance"]),
        null_deviance=_scalar(fitted["null_deviance"]),
        sigma=None if family == "binomial" else _scalar(fitted["sigma"]),
        family=family,
        backend=ran,
        class_labels=class_labels,
    )


@dataclass(frozen=True)
class UnpenalisedFit:
    """The unpenalised fit as a model of :func:`statlab.prediction_stability` (its ``learners``):
    ``UnpenalisedFit()(x_train, y_train, foldid, x_test)`` fits :func:`linear_model` on the
    training rows (``foldid`` is not needed: nothing is tuned) and predicts ``x_test``. Its
    ``lambda_`` is 0, the unpenalised end of a glmnet path. Columns a bootstrap sample leaves
    aliased get ``NaN`` coefficients (R's ``lm``) unless ``aliased="error"``.

    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=(40, 3)); y = x @ np.array([1.0, 0.0, -2.0]) + 1
    >>> fit = UnpenalisedFit(backend="python")(x, y, np.ones(40, dtype=int), x[:2])
    >>> np.round(fit.coefficients, 6).tolist()
    [1.0, 1.0, 0.0, -2.0]
    """

    family: Family = "gaussian"
    backend: Literal["python", "r"] = "python"
    aliased: Literal["error", "drop"] = "drop"

    def __call__(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> Any:
        from statlab.stability import ReplicateFit

        with warnings.catch_warnings():
            # a bootstrap sample repeats rows, so designs with many columns lose rank in some
            # replicates; the NaN coefficients record where
            warnings.filterwarnings(
                "ignore", message="X is rank deficient", category=RuntimeWarning
            )
            fit = linear_model(
                x_train, y_train, family=self.family, aliased=self.aliased, backend=self.backend
            )
        return ReplicateFit(
            predicted=fit.predict(x_test),
            coefficients=fit.coefficients.to_numpy(),
            lambda_=0.0,
        )


def aliased_columns(matrix: np.ndarray) -> list[int]:
    """The 0-based columns of ``X`` that are linear combinations of the intercept and the columns
    before them: the ones R's ``lm`` reports as ``NA``.

    R's rule (LINPACK's ``dqrdc2`` with ``tol = 1e-7``): a column is aliased when what is left of
    it after projecting out the columns kept before it has less than 1e-7 of its norm. Taken in
    column order, so the later of two collinear columns is the aliased one.

    >>> aliased_columns(np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 1.0], [3.0, 6.0, 0.0], [5.0, 10.0, 2.0]]))
    [1]
    """
    n = matrix.shape[0]
    basis = np.ones((n, 1)) / np.sqrt(n)
    aliased = []
    for j in range(matrix.shape[1]):
        column = matrix[:, j]
        norm = np.linalg.norm(column)
        residual = column - basis @ (basis.T @ column)
        residual -= basis @ (basis.T @ residual)  # second pass: Gram-Schmidt loses orthogonality
        left = np.linalg.norm(residual)
        if norm == 0 or left < RANK_TOLERANCE * norm:
            aliased.append(j)
        else:
            basis = np.column_stack([basis, residual / left])
    return aliased


def check_full_rank(matrix: np.ndarray, names: list[str]) -> None:
    """Raise a ``ValueError`` naming the problem unless ``[1, X]`` has full column rank and more
    rows than columns (no unpenalised fit exists otherwise without an arbitrary choice).

    >>> check_full_rank(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.1]]), ["a", "b"])
    >>> check_full_rank(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]]), ["a", "b"])
    Traceback (most recent call last):
    ...
    statlab._validation.InvalidArgumentError: X is rank deficient: column 'b' is a linear combination of the intercept and the columns before it; an unpenalised fit is not unique (R's lm would report NA for it): drop it, use aliased="drop" (R's lm) or a penalised model (glmnet)
    """
    check_enough_rows(*matrix.shape)
    aliased = aliased_columns(matrix)
    if aliased:
        listed = ", ".join(repr(names[j]) for j in aliased)
        plural = len(aliased) > 1
        raise check.InvalidArgumentError(
            f"X is rank deficient: column{'s' if plural else ''} {listed} "
            f"{'are linear combinations' if plural else 'is a linear combination'} of the "
            "intercept and the columns before it; an unpenalised fit is not unique (R's lm "
            f"would report NA for {'them' if plural else 'it'}): drop "
            f'{"them" if plural else "it"}, use aliased="drop" (R\'s lm) or a penalised model '
            "(glmnet)"
        )


def check_enough_rows(n: int, p: int) -> None:
    """Raise a ``ValueError`` unless ``X``'s ``n`` rows outnumber its ``p`` columns + 1 (the
    intercept).

    >>> check_enough_rows(3, 2)
    Traceback (most recent call last):
    ...
    statlab._validation.InvalidArgumentError: X has 2 columns and 3 rows: an unpenalised fit with an intercept needs more rows than p + 1 = 3 (there is no unique least-squares solution and no residual degrees of freedom); use a penalised model (glmnet) or fewer columns
    """
    if n <= p + 1:
        raise check.InvalidArgumentError(
            f"X has {p} columns and {n} rows: an unpenalised fit with an intercept needs more "
            f"rows than p + 1 = {p + 1} (there is no unique least-squares solution and no "
            "residual degrees of freedom); use a penalised model (glmnet) or fewer columns"
        )


def _design(X: Any, argument: str) -> tuple[np.ndarray, list[str]]:
    if isinstance(X, pd.DataFrame):
        names = [str(column) for column in X.columns]
        non_numeric = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if non_numeric:
            raise check.ArgumentTypeError(
                f"{argument} must be numeric; columns {non_numeric[:5]} are not "
                "(build a design matrix with statlab.model_matrix)"
            )
        values = X.to_numpy(dtype=np.float64)
    else:
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise check.ArgumentTypeError(
                f"{argument} must be a numeric matrix: {error}"
            ) from error
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        names = [f"x{j}" for j in range(values.shape[1] if values.ndim == 2 else 0)]
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise check.InvalidArgumentError(
            f"{argument} must be a non-empty 2-d matrix, got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise check.InvalidArgumentError(
            f"{argument} has missing or infinite values; remove or impute them"
        )
    return values, names


def _response(y: Any, n: int, family: str) -> tuple[np.ndarray, list[str] | None]:
    series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).reshape(-1))
    if series.shape[0] != n:
        raise check.InvalidArgumentError(f"y has {series.shape[0]} values but X has {n} rows")
    if series.isna().any():
        raise check.InvalidArgumentError("y has missing values; remove those rows from X and y")
    if family == "gaussian":
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise check.ArgumentTypeError(
                f"y must be numeric for family='gaussian', got dtype {series.dtype}"
            )
        values = series.to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)):
            raise check.InvalidArgumentError("y has infinite values")
        return values, None
    levels = sorted(series.unique(), key=lambda v: (str(type(v)), v))
    if len(levels) != 2:
        raise check.InvalidArgumentError(
            f"y must have exactly two classes for family='binomial', got {len(levels)}: "
            f"{[str(v) for v in levels[:5]]}"
        )
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        if set(levels) != {0, 1}:
            raise check.InvalidArgumentError(
                f"a numeric y for family='binomial' must be 0/1, got {levels}"
            )
    return (series == levels[1]).to_numpy(dtype=np.float64), [str(v) for v in levels]


def _scalar(value: Any) -> float:
    """A float from a Python scalar or a length-1 array (R's scalars arrive as such)."""
    return float(np.asarray(value, dtype=np.float64).reshape(-1)[0])


def _warn_if_separated(probabilities: np.ndarray) -> None:
    # R's glm.fit warns "fitted probabilities numerically 0 or 1 occurred" at this threshold
    epsilon = 10 * np.finfo(np.float64).eps
    if np.any(probabilities < epsilon) or np.any(probabilities > 1 - epsilon):
        warnings.warn(
            "fitted probabilities numerically 0 or 1 occurred: the classes are (quasi-)separated "
            "and the maximum-likelihood coefficients are infinite; the reported ones and their "
            "standard errors are not meaningful (a penalised fit, glmnet, stays finite)",
            RuntimeWarning,
            stacklevel=3,
        )
