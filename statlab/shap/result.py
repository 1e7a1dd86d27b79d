""":class:`ShapResult`: SHAP values of one or more explained rows, with their standard errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True, repr=False)
class ShapResult:
    """SHAP values φ (one row per explained row, one column per feature) and what they explain.

    Attributes
    ----------
    values : ndarray (n, p)
        φ_j for each explained row.
    base_value : float
        v(∅): E f over the background (marginal, conditional_gaussian) or f(baseline).
    prediction : ndarray (n,)
        f(x) = v(all features); ``base_value + values.sum(1)`` equals it (efficiency).
    data : ndarray (n, p)
        The explained rows.
    feature_names : tuple of str
    method : str
        "exact", "linear", "kernel" or "kernel_sheet".
    value : str
        The value function: "marginal", "baseline" or "conditional_gaussian".
    backend : str
        "python" or "r": where the values were computed.
    standard_errors : ndarray (n, p) or None
        Monte Carlo standard errors of sampled estimates (0 where every coalition was used).
    n_samples : int or None
        Coalitions evaluated per row (sampled methods).

    >>> import numpy as np
    >>> from statlab.shap import exact_shap
    >>> res = exact_shap(lambda X: X[:, 0] * X[:, 1], np.array([1.0, 2.0]),
    ...                  np.zeros((1, 2)), value="baseline", backend="python")
    >>> res.values.tolist(), res.base_value, res.prediction.tolist()
    ([[1.0, 1.0]], 0.0, [2.0])
    """

    values: np.ndarray
    base_value: float
    prediction: np.ndarray
    data: np.ndarray
    feature_names: tuple[str, ...]
    method: str
    value: str
    backend: str
    standard_errors: np.ndarray | None = None
    n_samples: int | None = None

    @property
    def efficiency_gap(self) -> np.ndarray:
        """f(x) − base_value − Σ_j φ_j per row: zero up to rounding for every method here."""
        return self.prediction - self.base_value - self.values.sum(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``row, feature, feature_value, phi, se`` (se NaN for exact methods)."""
        n_rows, n_features = self.values.shape
        se = (
            self.standard_errors
            if self.standard_errors is not None
            else np.full((n_rows, n_features), np.nan)
        )
        return pd.DataFrame(
            {
                "row": np.repeat(np.arange(n_rows), n_features),
                "feature": pd.Categorical(
                    np.tile(self.feature_names, n_rows), categories=list(self.feature_names)
                ),
                "feature_value": self.data.ravel(),
                "phi": self.values.ravel(),
                "se": se.ravel(),
            }
        )

    def summary(self) -> pd.DataFrame:
        """Per feature (index), over the explained rows: ``mean_abs_phi`` (the usual global
        importance), ``mean_phi``, ``sd_phi`` and, for sampled methods, ``mean_se``; sorted by
        ``mean_abs_phi``, largest first."""
        table = pd.DataFrame(
            {
                "mean_abs_phi": np.abs(self.values).mean(axis=0),
                "mean_phi": self.values.mean(axis=0),
                "sd_phi": self.values.std(axis=0, ddof=1)
                if self.values.shape[0] > 1
                else np.full(self.values.shape[1], np.nan),
            },
            index=pd.Index(self.feature_names, name="feature"),
        )
        if self.standard_errors is not None:
            table["mean_se"] = self.standard_errors.mean(axis=0)
        return table.sort_values("mean_abs_phi", ascending=False)

    def plot(self, row: int | None = None) -> Any:
        """A waterfall of one row (``row``, or the only row) or, for several rows, the beeswarm of
        all of them (see :mod:`statlab.plots.shap`)."""
        from statlab.plots.shap import plot_beeswarm, plot_waterfall

        if row is None and self.values.shape[0] > 1:
            return plot_beeswarm(self)
        return plot_waterfall(self, row=0 if row is None else row)

    def __repr__(self) -> str:
        n_rows, n_features = self.values.shape
        head = (
            f"ShapResult(method={self.method!r}, value={self.value!r}, rows={n_rows}, "
            f"features={n_features}, base_value={self.base_value:.4g}, backend={self.backend!r})"
        )
        return head + "\n" + self.summary().to_string(float_format=lambda v: f"{v:.4g}")
