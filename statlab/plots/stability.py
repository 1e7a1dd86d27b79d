"""Prediction and coefficient stability figures (Yu & Barter, *Veridical Data Science*).

Both take the long tables of :class:`statlab.stability.StabilityResult`, so results of several runs
(e.g. simulated sketches) can be concatenated and drawn together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab.plots.theme import theme_statlab

READING_GUIDE = (
    "Segment: a test point's smallest to largest bootstrap prediction, at its observed value; "
    "dot: mean prediction.\nCentred on the diagonal = low bias; short segments = low variance; "
    "red segments miss the diagonal."
)
SEGMENT_COLOURS = {"crosses the diagonal": "#4d4d4d", "misses the diagonal": "#d7301f"}
INTERCEPT = "(Intercept)"


def plot_prediction_stability(
    points: pd.DataFrame, caption: str = READING_GUIDE, ncol: int | None = None
) -> Any:
    """The prediction stability plot: per test point a horizontal segment from the smallest to the
    largest bootstrap prediction at y = observed, a dot at the mean prediction, the identity line,
    one facet per model; segments that miss the identity line in red.

    ``points`` has one row per model and test point with columns ``model, observed, mean, min, max,
    covered``, as :meth:`StabilityResult.test_points` returns.

    >>> import pandas as pd
    >>> points = pd.DataFrame({"model": ["a", "a"], "observed": [1.0, 2.0], "mean": [1.1, 1.5],
    ...                        "min": [0.8, 1.2], "max": [1.3, 1.8], "covered": [True, False]})
    >>> type(plot_prediction_stability(points)).__name__
    'ggplot'
    """
    import plotnine as p9

    frame = points.assign(
        segment=np.where(points["covered"], *SEGMENT_COLOURS),
        model=pd.Categorical(points["model"], categories=list(dict.fromkeys(points["model"]))),
    )
    values = frame[["observed", "min", "max"]].to_numpy()
    limits = [float(values.min()), float(values.max())]
    return (
        p9.ggplot(frame)
        + p9.geom_abline(intercept=0, slope=1, linetype="dashed", color="#808080")
        + p9.geom_segment(
            p9.aes(x="min", xend="max", y="observed", yend="observed", color="segment"), size=0.7
        )
        + p9.geom_point(p9.aes(x="mean", y="observed", color="segment"), size=1.8)
        + p9.facet_wrap("model", ncol=ncol)
        + p9.scale_color_manual(values=SEGMENT_COLOURS)
        + p9.expand_limits(x=limits, y=limits)
        + p9.coord_fixed(ratio=1)
        + p9.labs(x="bootstrap prediction", y="observed", color="", caption=caption)
        + theme_statlab()
        + p9.theme(legend_position="bottom", plot_caption=p9.element_text(ha="left", size=8))
    )


def plot_coefficient_stability(coefficients: pd.DataFrame) -> Any:
    """Per term, the distribution of the bootstrap coefficients of every model (boxes side by side)
    and, above each box, the share of replicates where the coefficient is nonzero (selection
    frequency). The intercept is left out; each term has its own y scale.

    ``coefficients`` is the long table ``model, replicate, term, coef`` of a
    :class:`StabilityResult`.

    >>> import pandas as pd
    >>> coefs = pd.DataFrame({"model": ["lasso", "lasso", "ridge", "ridge"], "replicate": [0, 1, 0, 1],
    ...                       "term": ["x1"] * 4, "coef": [0.0, 0.5, 0.3, 0.4]})
    >>> type(plot_coefficient_stability(coefs)).__name__
    'ggplot'
    """
    import plotnine as p9

    slopes = coefficients[coefficients["term"] != INTERCEPT]
    models = list(dict.fromkeys(slopes["model"]))
    terms = list(dict.fromkeys(slopes["term"]))
    frame = slopes.assign(
        model=pd.Categorical(slopes["model"], categories=models),
        term=pd.Categorical(slopes["term"], categories=terms),
    )
    grouped = frame.groupby(["term", "model"], observed=True)["coef"]
    labels = pd.DataFrame(
        {
            "selected": grouped.apply(lambda c: float((c != 0).mean())),
            "top": grouped.max(),
            "span": grouped.apply(lambda c: float(c.max() - c.min())),
        }
    ).reset_index()
    labels["label"] = [f"{v:.0%}" for v in labels["selected"]]
    panel_span = labels.groupby("term", observed=True)["span"].transform("max").replace(0, 1e-3)
    labels["y"] = labels["top"] + 0.06 * panel_span
    labels["headroom"] = labels["top"] + 0.25 * panel_span
    return (
        p9.ggplot(frame, p9.aes(x="model", y="coef", fill="model"))
        + p9.geom_hline(yintercept=0, linetype="dashed", color="#808080")
        + p9.geom_boxplot(width=0.6, outlier_size=0.8, alpha=0.8)
        + p9.geom_text(
            p9.aes(x="model", y="y", label="label"),
            data=labels,
            inherit_aes=False,
            size=7,
            va="bottom",
        )
        + p9.geom_blank(p9.aes(x="model", y="headroom"), data=labels, inherit_aes=False)
        + p9.facet_wrap("term", scales="free_y")
        + p9.scale_fill_brewer(type="qual", palette="Dark2")
        + p9.labs(
            x="",
            y="bootstrap coefficient",
            caption="Boxes: coefficients over bootstrap replicates. Percentages: share of replicates "
            "with a nonzero coefficient (selection frequency).",
        )
        + theme_statlab()
        + p9.theme(legend_position="none", plot_caption=p9.element_text(ha="left", size=8))
    )
