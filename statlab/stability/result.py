""":class:`StabilityResult`: the long tables of a prediction-stability run and their summaries."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

INTERCEPT = "(Intercept)"


@dataclass(frozen=True, repr=False)
class StabilityResult:
    """Bootstrap predictions, coefficients and lambdas of every model, in long form.

    Attributes
    ----------
    predictions : DataFrame
        ``model, replicate, row, observed, predicted``; ``row`` is the 0-based row of ``X``.
    coefficients : DataFrame
        ``model, replicate, term, coef``; ``term`` is "(Intercept)" then the columns of ``X``.
    lambdas : DataFrame
        ``model, replicate, lambda``: the lambda ``s`` chose in each replicate.
    models : tuple of str
        Model names in the order they were given.
    test_index : ndarray
        The held-out rows (0-based, sorted).
    n_train : int
        The number of training rows each bootstrap sample is drawn from (and has).
    seed, s, backend, alphas
        How the run was made.

    >>> import statlab as sl
    >>> pr = sl.data.load("prostate")
    >>> res = sl.prediction_stability(sl.model_matrix("lpsa ~ .", pr), pr["lpsa"],
    ...                               alphas={"lasso": 1.0}, n_draws=3, seed=479, backend="python")
    >>> res.predictions.shape, list(res.summary().index)
    ((60, 5), ['lasso'])
    """

    predictions: pd.DataFrame
    coefficients: pd.DataFrame
    lambdas: pd.DataFrame
    models: tuple[str, ...]
    test_index: np.ndarray
    n_train: int
    seed: int
    s: str | float
    backend: str
    alphas: dict[str, float]

    @property
    def n_draws(self) -> int:
        """The number of bootstrap replicates (the course's B)."""
        return int(self.predictions["replicate"].nunique())

    @property
    def n_replicates(self) -> int:
        """Deprecated name of :attr:`n_draws`."""
        warnings.warn(
            "StabilityResult.n_replicates is deprecated; use n_draws", DeprecationWarning, 2
        )
        return self.n_draws

    def to_frame(self) -> pd.DataFrame:
        """The bootstrap predictions, one row per model, replicate and test row:
        ``model, replicate, row, observed, predicted``."""
        return self.predictions.copy()

    def test_points(self) -> pd.DataFrame:
        """One row per model and test point: ``observed``, ``mean``, ``sd`` (ddof = 1), ``min``,
        ``max``, ``width`` (max − min) of its bootstrap predictions, and ``covered`` (observed within
        [min, max], i.e. the point's segment crosses the identity line)."""
        grouped = self.predictions.groupby(["model", "row"], sort=False, observed=True)
        points = grouped.agg(
            observed=("observed", "first"),
            mean=("predicted", "mean"),
            sd=("predicted", "std"),
            min=("predicted", "min"),
            max=("predicted", "max"),
        ).reset_index()
        points["width"] = points["max"] - points["min"]
        points["covered"] = (points["observed"] >= points["min"]) & (
            points["observed"] <= points["max"]
        )
        return points

    def summary(self) -> pd.DataFrame:
        """One row per model (index: model name) comparing accuracy, stability and sparsity.

        ``rmse``: RMSE of each test point's mean prediction against its observed value;
        ``mean_replicate_rmse``: the test RMSE of each replicate, averaged; ``mean_sd`` and
        ``mean_width``: the sd and the max − min of a point's predictions, averaged over points;
        ``coverage``: the share of points whose observed value lies in [min, max];
        ``mean_nonzero``: nonzero coefficients per replicate (intercept excluded; a ``NaN``
        coefficient, a column an unpenalised fit left out as aliased, is not counted), averaged;
        NaN for a model without coefficients (a scikit-learn estimator with no linear ``coef_``);
        ``lambda_median``: the median chosen lambda (NaN for a model without one).
        """
        points = self.test_points()
        points["mean_error_squared"] = (points["mean"] - points["observed"]) ** 2
        by_point = points.groupby("model", sort=False, observed=True)
        errors = self.predictions.assign(
            squared_error=(self.predictions["predicted"] - self.predictions["observed"]) ** 2
        )
        replicate_rmse = np.sqrt(
            errors.groupby(["model", "replicate"], sort=False, observed=True)[
                "squared_error"
            ].mean()
        )
        slopes = self.coefficients[self.coefficients["term"] != INTERCEPT]
        by_replicate = slopes.assign(
            nonzero=slopes["coef"].fillna(0.0) != 0, known=slopes["coef"].notna()
        ).groupby(["model", "replicate"], sort=False, observed=True)
        # a model without coefficients (all NaN) has no sparsity to count
        nonzero = by_replicate["nonzero"].sum().where(by_replicate["known"].any())
        table = pd.DataFrame(
            {
                "rmse": np.sqrt(by_point["mean_error_squared"].mean()),
                "mean_replicate_rmse": replicate_rmse.groupby(level="model", sort=False).mean(),
                "mean_sd": by_point["sd"].mean(),
                "mean_width": by_point["width"].mean(),
                "coverage": by_point["covered"].mean(),
                "mean_nonzero": nonzero.groupby(level="model", sort=False).mean(),
                "lambda_median": self.lambdas.groupby("model", sort=False)["lambda"].median(),
            }
        )
        table.index = pd.Index(table.index.astype(str), name="model")
        return table.loc[list(self.models)]

    def selection_frequency(self) -> pd.DataFrame:
        """Per model and term (intercept excluded): the share of replicates with a nonzero
        coefficient (``selected``; NaN for a model without coefficients), and the mean and sd of
        the coefficient."""
        slopes = self.coefficients[self.coefficients["term"] != INTERCEPT]
        table = (
            slopes.assign(nonzero=slopes["coef"].fillna(0.0) != 0)
            .groupby(["model", "term"], sort=False, observed=True)
            .agg(
                selected=("nonzero", "mean"),
                mean=("coef", "mean"),
                sd=("coef", "std"),
                known=("coef", "count"),
            )
            .reset_index()
        )
        table["selected"] = table["selected"].where(table.pop("known") > 0)
        return table

    def plot(self) -> Any:
        """The prediction stability plot: per test point a segment from its smallest to its largest
        bootstrap prediction at height = observed, a point at the mean, the identity line, one facet
        per model (see :func:`statlab.plots.stability.plot_prediction_stability`)."""
        from statlab.plots.stability import plot_prediction_stability

        return plot_prediction_stability(self.test_points())

    def plot_coefficients(self) -> Any:
        """Per term, the bootstrap coefficients and selection frequency of every model, side by
        side (see :func:`statlab.plots.stability.plot_coefficient_stability`)."""
        from statlab.plots.stability import plot_coefficient_stability

        return plot_coefficient_stability(self.coefficients)

    def __repr__(self) -> str:
        table = self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        return (
            f"StabilityResult(n_draws={self.n_draws}, n_test={len(self.test_index)}, "
            f"s={self.s!r}, seed={self.seed}, backend={self.backend!r})\n{table}"
        )
