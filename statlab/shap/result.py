""":class:`ShapResult`: SHAP values of one or more explained rows, with their standard errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check


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
    seed : int or None
        The seed the coalitions were drawn from (sampled methods; drawn afresh when the call
        gave None): passing it again repeats the estimate.

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
    seed: int | None = None

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


@dataclass(frozen=True, repr=False)
class KernelVarianceResult:
    """KernelSHAP estimates of one row, replicated at several n_samples (see
    :func:`statlab.shap.kernel_shap_variance`).

    Attributes
    ----------
    replicates : DataFrame
        ``n_samples, replicate, feature, phi, se``: every estimate and its own standard error.
    exact : Series or None
        The exact Shapley values (index: feature), when p ≤ 15.
    n_features, paired, seed
        How the study was run (``seed`` drawn afresh when the call gave None); ``backend`` is
        always "python".
    """

    replicates: pd.DataFrame
    exact: pd.Series | None
    n_features: int
    paired: bool
    seed: int
    backend: str = "python"

    def to_frame(self) -> pd.DataFrame:
        """The long table of replicates (a copy)."""
        return self.replicates.copy()

    def summary(self) -> pd.DataFrame:
        """Per n_samples and feature: ``mean_phi``, ``sd_phi`` (over replicates, ddof = 1),
        ``mean_se`` (the average reported standard error), ``bias`` and ``rmse`` against the exact
        value (NaN without it)."""
        exact = (
            self.replicates["feature"].map(self.exact).astype(float)
            if self.exact is not None
            else np.nan
        )
        work = self.replicates.assign(
            exact=exact, squared_error=(self.replicates["phi"] - exact) ** 2
        )
        table = (
            work.groupby(["n_samples", "feature"], observed=True, sort=True)
            .agg(
                mean_phi=("phi", "mean"),
                sd_phi=("phi", "std"),
                mean_se=("se", "mean"),
                exact=("exact", "first"),
                mean_squared_error=("squared_error", "mean"),
            )
            .reset_index()
        )
        table["bias"] = table["mean_phi"] - table["exact"]
        table["rmse"] = np.sqrt(table.pop("mean_squared_error"))
        return table.drop(columns="exact")

    def rate(self) -> float:
        """The slope of log sd(φ_j) on log n_samples, pooled over features (−1/2 for a Monte Carlo
        average); computed over grid points below full enumeration, where the sd is positive."""
        table = self._sampled()
        slope = np.polyfit(np.log(table["n_samples"]), np.log(table["sd_phi"]), 1)[0]
        return float(slope)

    def recommendation(self, target_sd: float | None = None) -> dict[str, Any]:
        """The n_samples at which the largest sd(φ_j) should reach ``target_sd``.

        ``target_sd`` defaults to 1% of Σ_j |φ_j| (the exact values, else the mean estimates). The
        fitted law sd = c · n^rate for the worst feature is solved for n; when that exceeds
        2^p − 2, full enumeration (exact, 2^p − 2 coalitions) is recommended instead. Returns the
        target, the rate, the recommended n_samples, whether it is full enumeration, and a sentence.
        """
        summary = self.summary()
        reference = (
            self.exact
            if self.exact is not None
            else summary.groupby("feature", observed=True)["mean_phi"].last()
        )
        chosen = "as chosen" if target_sd is not None else "1% of the total |attribution|"
        if target_sd is None:
            target_sd = 0.01 * float(np.abs(reference).sum())
        if not np.isfinite(target_sd) or target_sd <= 0:
            raise check.InvalidArgumentError(
                f"target_sd must be a positive number, got {target_sd!r}"
            )
        full = 2**self.n_features - 2
        sampled = self._sampled()
        worst = sampled.groupby("n_samples")["sd_phi"].max()
        rate = self.rate()
        log_c = np.mean(np.log(worst.to_numpy()) - rate * np.log(worst.index.to_numpy()))
        needed = float(np.exp((np.log(target_sd) - log_c) / rate))
        enumerate_all = needed >= full
        met = worst.index[worst.to_numpy() <= target_sd]
        if enumerate_all:
            n_recommended = full
            how = (
                f"enumerate all {full} coalitions (exact, and cheaper than the {needed:,.0f} "
                "samples the fitted law asks for)"
            )
        elif needed < worst.index.min() and len(met):
            n_recommended = int(met.min())
            how = f"the smallest n_samples tried, {n_recommended:,}, is already enough"
        else:
            n_recommended = max(int(np.ceil(needed)), self.n_features + 1)
            how = f"use n_samples >= {n_recommended:,}"
        sentence = (
            f"The sd of the KernelSHAP estimates falls as n_samples^{rate:.2f} (a Monte Carlo "
            f"average falls as n^-0.5). To bring the largest sd down to {target_sd:.3g} "
            f"({chosen}), {how}."
        )
        return {
            "target_sd": float(target_sd),
            "rate": rate,
            "n_samples": n_recommended,
            "full_enumeration": bool(enumerate_all),
            "text": sentence,
        }

    def plot(self) -> Any:
        """sd of φ_j against n_samples on log-log axes, the mean reported se dashed (see
        :func:`statlab.plots.shap.plot_kernel_variance`)."""
        from statlab.plots.shap import plot_kernel_variance

        return plot_kernel_variance(self)

    def _sampled(self) -> pd.DataFrame:
        table = self.summary()
        table = table[(table["n_samples"] < 2**self.n_features - 2) & (table["sd_phi"] > 0)]
        if table["n_samples"].nunique() < 2:
            raise check.InvalidArgumentError(
                "n_samples_grid needs at least two values below full enumeration "
                f"(2^p - 2 = {2**self.n_features - 2}) to fit how the sd falls"
            )
        return table

    def __repr__(self) -> str:
        grid = sorted(self.replicates["n_samples"].unique())
        return (
            f"KernelVarianceResult(n_samples_grid={grid}, "
            f"n_draws={self.replicates['replicate'].nunique()}, paired={self.paired})"
        )
