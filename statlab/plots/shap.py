"""SHAP figures: the waterfall of one row, the beeswarm of all rows, KernelSHAP's sd against
n_samples, SHAP importance across refits, and several explanations of one row side by side.

Colours follow the ``shap`` package's convention (red pushes the prediction up, blue down; feature
values from blue = low to red = high) so the figures read like the course's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.plots.theme import theme_statlab

if TYPE_CHECKING:
    from statlab.shap.result import KernelVarianceResult, ShapResult
    from statlab.shap.stability import ShapStabilityResult

UP, DOWN = "#ff0051", "#008bfb"


def _short(value: float) -> str:
    """A feature value for a label: whole numbers in full (99999, not 1e+05), others to 4 digits."""
    if float(value).is_integer() and abs(value) < 1e9:
        return f"{value:.0f}"
    return f"{value:.4g}"


def plot_waterfall(result: ShapResult, row: int = 0, max_features: int = 10) -> Any:
    """Waterfall of one explained row: from the base value E f (bottom) each feature's φ_j as an
    arrow-like bar, largest |φ_j| at the top, ending at f(x); bars labelled with φ_j, features with
    their values. Features beyond ``max_features`` are pooled into one bar.

    >>> import numpy as np
    >>> from statlab.shap import linear_shap
    >>> res = linear_shap([1.0, -2.0, 0.5], [[1.0, 1.0, 2.0]], baseline=[0.0, 0.0, 0.0],
    ...                   backend="python")
    >>> fig = plot_waterfall(res)
    >>> len(fig.data), fig.data["feature"].tolist()[-1]
    (3, 'x2 = 1')
    """
    import plotnine as p9

    row = check.integer(row, "row", low=0, high=result.values.shape[0] - 1)
    max_features = check.integer(max_features, "max_features", low=1)
    phi = result.values[row]
    order = np.argsort(-np.abs(phi), kind="stable")
    labels = [f"{result.feature_names[j]} = {_short(result.data[row, j])}" for j in order]
    values = phi[order]
    if len(order) > max_features:
        rest = len(order) - max_features + 1
        labels = [*labels[: max_features - 1], f"{rest} other features"]
        values = np.append(values[: max_features - 1], values[max_features - 1 :].sum())
    # bottom bar first: cumulate from the smallest contribution up to the largest
    values, labels = values[::-1], labels[::-1]
    end = result.base_value + np.cumsum(values)
    start = end - values
    frame = pd.DataFrame(
        {
            "feature": pd.Categorical(labels, categories=labels),
            "position": np.arange(len(labels)),
            "start": start,
            "end": end,
            "phi": values,
            "direction": np.where(values >= 0, "raises f", "lowers f"),
            "label": [f"{v:+.3g}" for v in values],
            "middle": (start + end) / 2,
        }
    )
    prediction = float(result.prediction[row])
    return (
        p9.ggplot(frame)
        + p9.geom_vline(xintercept=result.base_value, linetype="dashed", color="#808080")
        + p9.geom_vline(xintercept=prediction, color="#808080")
        + p9.geom_rect(
            p9.aes(
                xmin="start",
                xmax="end",
                ymin="position - 0.4",
                ymax="position + 0.4",
                fill="direction",
            )
        )
        + p9.geom_text(p9.aes(x="middle", y="position", label="label"), size=8, color="white")
        + p9.scale_y_continuous(breaks=list(range(len(labels))), labels=labels)
        + p9.scale_fill_manual(values={"raises f": UP, "lowers f": DOWN})
        + p9.labs(
            x=f"model output (dashed: E f = {result.base_value:.3g}; solid: f(x) = {prediction:.3g})",
            y="",
            fill="",
            title=f"SHAP waterfall, row {row} ({result.method}, {result.value})",
        )
        + theme_statlab()
        + p9.theme(legend_position="bottom")
    )


def _colour_scale(values: pd.Series) -> pd.Series:
    """Feature values mapped to [0, 1] between their 5% and 95% quantiles (1% and 99%, then min and
    max, when those coincide), clipped."""
    for low_q, high_q in ((0.05, 0.95), (0.01, 0.99), (0.0, 1.0)):
        low, high = values.quantile(low_q), values.quantile(high_q)
        if high > low:
            return ((values - low) / (high - low)).clip(0, 1)
    return pd.Series(0.5, index=values.index)


def plot_beeswarm(result: ShapResult, max_features: int = 20) -> Any:
    """The beeswarm (summary) plot of all explained rows: per feature, ordered by mean |φ_j| (top =
    most important), one point per row at its φ_j, spread vertically where points crowd, coloured
    by the row's feature value (blue = low, red = high; scaled between the feature's 5% and 95%
    quantiles, as the ``shap`` package does, so a few extreme values do not wash the colours out).

    >>> import numpy as np
    >>> from statlab.shap import linear_shap
    >>> x = np.random.default_rng(0).normal(size=(30, 3))
    >>> fig = plot_beeswarm(linear_shap([1.0, -2.0, 0.5], x, backend="python"))
    >>> len(fig.data), fig.data["feature"].cat.categories.tolist()
    (90, ['x3', 'x1', 'x2'])
    """
    import plotnine as p9

    table = result.to_frame()
    importance = table.groupby("feature", observed=True)["phi"].apply(lambda v: v.abs().mean())
    ordered = importance.sort_values().index.astype(str).tolist()[-max_features:]
    table = table[table["feature"].astype(str).isin(ordered)].copy()
    table["feature"] = pd.Categorical(table["feature"].astype(str), categories=ordered)
    table["value_scaled"] = table.groupby("feature", observed=True)["feature_value"].transform(
        _colour_scale
    )
    return (
        p9.ggplot(table, p9.aes(x="feature", y="phi", color="value_scaled"))
        + p9.geom_hline(yintercept=0, color="#808080")
        + p9.geom_sina(size=1.2, alpha=0.8, maxwidth=0.8, random_state=0)
        + p9.coord_flip()
        + p9.scale_color_gradient(low=DOWN, high=UP, breaks=[0.05, 0.95], labels=["low", "high"])
        + p9.labs(
            x="",
            y=f"SHAP value (impact on model output; {result.value})",
            color="feature value",
            title=f"SHAP values of {result.values.shape[0]} rows",
        )
        + theme_statlab()
    )


def plot_kernel_variance(study: KernelVarianceResult) -> Any:
    """KernelSHAP's spread against n_samples, log-log: per feature the sd of φ_j over replicates
    (solid, points) and the mean standard error the estimator reports (dashed); the grey line has
    slope −1/2 (a Monte Carlo average) through the largest sd at the smallest n_samples.

    >>> import numpy as np
    >>> from statlab.shap import kernel_shap_variance
    >>> background = np.random.default_rng(0).normal(size=(20, 5))
    >>> study = kernel_shap_variance(lambda X: X[:, 0] * X[:, 1] + X[:, 2], np.ones(5), background,
    ...                              n_samples_grid=[16, 24], n_draws=4, seed=1)
    >>> len(plot_kernel_variance(study).data)  # 2 n_samples x 5 features x (sd, se)
    20
    """
    import plotnine as p9

    table = study.summary()
    table = table[table["sd_phi"] > 0]
    long = pd.concat(
        [
            table.assign(measure="sd over replicates", spread=table["sd_phi"]),
            table.assign(measure="mean reported se", spread=table["mean_se"]),
        ],
        ignore_index=True,
    )
    long = long[long["spread"] > 0]
    smallest = table["n_samples"].min()
    anchor = table.loc[table["n_samples"] == smallest, "sd_phi"].max()
    grid = np.array(sorted(table["n_samples"].unique()), dtype=float)
    reference = pd.DataFrame({"n_samples": grid, "spread": anchor * (grid / smallest) ** -0.5})
    return (
        p9.ggplot(long, p9.aes(x="n_samples", y="spread", color="feature"))
        + p9.geom_line(
            data=reference,
            mapping=p9.aes(x="n_samples", y="spread"),
            color="#b0b0b0",
            size=1.5,
            inherit_aes=False,
        )
        + p9.geom_line(p9.aes(linetype="measure"))
        + p9.geom_point(data=long[long["measure"] == "sd over replicates"])
        + p9.scale_x_log10()
        + p9.scale_y_log10()
        + p9.scale_linetype_manual(
            values={"sd over replicates": "solid", "mean reported se": "dashed"}
        )
        + p9.labs(
            x="n_samples (coalitions per estimate)",
            y="spread of the estimate of φ_j",
            linetype="",
            title="KernelSHAP spread vs n_samples (grey: slope −1/2)",
        )
        + theme_statlab()
    )


def plot_shap_stability(results: Sequence[ShapStabilityResult]) -> Any:
    """Overall importance mean |φ_j| of each feature across refits: every refit a faint point, the
    2.5–97.5% interval a bar, the fit on all rows a cross; one panel per model.

    >>> import numpy as np
    >>> from statlab.shap import shap_stability
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2)); y = X[:, 0] + rng.normal(size=60)
    >>> def ols(X, y):
    ...     beta = np.linalg.lstsq(X, y, rcond=None)[0]
    ...     return lambda Z: Z @ beta
    >>> res = shap_stability(ols, X, y, n_draws=4, seed=1, n_explain=10, n_background=10)
    >>> len(plot_shap_stability([res]).data)
    2
    """
    import plotnine as p9

    summary = pd.concat([r.summary().reset_index() for r in results], ignore_index=True)
    points = pd.concat([r.to_frame() for r in results], ignore_index=True)
    features = summary.groupby("feature")["full_fit"].max().sort_values().index.astype(str).tolist()
    models = list(dict.fromkeys(r.model for r in results))
    for frame in (summary, points):
        frame["feature"] = pd.Categorical(frame["feature"].astype(str), categories=features)
        frame["model"] = pd.Categorical(frame["model"], categories=models)
    first = results[0]
    resampling = (
        "bootstrap" if first.subsample is None else f"subsamples of {first.subsample:.0%} of rows"
    )
    return (
        p9.ggplot(summary, p9.aes(y="feature"))
        + p9.geom_jitter(
            data=points,
            mapping=p9.aes(x="mean_abs_phi", y="feature"),
            height=0.15,
            width=0,
            alpha=0.35,
            size=1,
            color="#4d4d4d",
            random_state=0,
        )
        + p9.geom_segment(
            p9.aes(x="lower", xend="upper", yend="feature"), size=2.5, color="#008bfb", alpha=0.5
        )
        + p9.geom_point(p9.aes(x="full_fit"), shape="x", size=4, color="#d7301f")
        + p9.facet_wrap("model")
        + p9.labs(
            x="overall importance: mean |SHAP value| over the explained rows",
            y="",
            title=f"SHAP importance across {first.n_draws} refits ({resampling})",
            caption="bar: 2.5–97.5% of refits; grey points: refits; red cross: fit on all rows",
        )
        + theme_statlab()
    )


def plot_shap_comparison(results: Mapping[str, ShapResult], row: int = 0) -> Any:
    """Several explanations of the same row side by side: one bar per feature and explanation.

    >>> from statlab.shap import linear_shap
    >>> a = linear_shap([1.0, 2.0], [[1.0, 1.0]], baseline=[0.0, 0.0], backend="python")
    >>> b = linear_shap([1.0, 2.0], [[1.0, 1.0]], baseline=[1.0, 0.0], backend="python")
    >>> len(plot_shap_comparison({"x0 = 0": a, "x0 = (1, 0)": b}).data)
    4
    """
    import plotnine as p9

    frames = []
    for label, result in results.items():
        frames.append(
            pd.DataFrame(
                {
                    "explanation": label,
                    "feature": list(result.feature_names),
                    "phi": result.values[row],
                    "se": result.standard_errors[row]
                    if result.standard_errors is not None
                    else np.nan,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    features = list(next(iter(results.values())).feature_names)
    width = 0.8 / len(results)
    offset = {label: (k - (len(results) - 1) / 2) * width for k, label in enumerate(results)}
    table["position"] = table["feature"].map({f: k for k, f in enumerate(features)}) + table[
        "explanation"
    ].map(offset)
    table["explanation"] = pd.Categorical(table["explanation"], categories=list(results))
    table["low"] = table["phi"] - 2 * table["se"]
    table["high"] = table["phi"] + 2 * table["se"]
    figure = (
        p9.ggplot(table, p9.aes(x="position", y="phi", fill="explanation"))
        + p9.geom_hline(yintercept=0, color="#808080")
        + p9.geom_col(width=0.95 * width)
        + p9.scale_x_continuous(breaks=list(range(len(features))), labels=features)
        + p9.labs(x="", y="φ_j (error bars: ± 2 standard errors)", fill="")
        + theme_statlab()
        + p9.theme(legend_position="bottom")
    )
    with_se = table.dropna(subset=["se"])
    if not with_se.empty:
        figure += p9.geom_errorbar(
            with_se,
            p9.aes(x="position", ymin="low", ymax="high"),
            width=0.5 * width,
            inherit_aes=False,
        )
    return figure
