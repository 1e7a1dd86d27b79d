"""Figures of the PCS model comparison: coefficients of an unpenalised fit with their intervals,
accuracy against stability (with sparsity), and every model's prediction stability plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab.plots.stability import READING_GUIDE, SEGMENT_COLOURS
from statlab.plots.theme import theme_statlab

if TYPE_CHECKING:
    from statlab.unpenalised import LinearModelResult


def plot_coefficients(result: LinearModelResult) -> Any:
    """Each coefficient (intercept left out) with its 95% Wald interval, one row per term in the
    design's order, and a dashed line at zero; aliased (NaN) terms are left out.

    >>> import statlab as sl
    >>> pr = sl.data.load("prostate")
    >>> fit = sl.linear_model(sl.model_matrix("lpsa ~ .", pr), pr["lpsa"], backend="python")
    >>> plot_coefficients(fit).labels.x
    'coefficient (95% interval)'
    """
    import plotnine as p9

    frame = result.to_frame()
    frame = frame[(frame["term"] != "(Intercept)") & frame["estimate"].notna()]
    frame = frame.assign(
        term=pd.Categorical(frame["term"], categories=list(frame["term"])[::-1]),
    )
    return (
        p9.ggplot(frame, p9.aes(y="term"))
        + p9.geom_vline(xintercept=0, linetype="dashed", color="#808080")
        + p9.geom_errorbarh(p9.aes(xmin="conf_low", xmax="conf_high"), height=0.25)
        + p9.geom_point(p9.aes(x="estimate"), size=2)
        + p9.labs(
            x="coefficient (95% interval)",
            y="",
            caption=f"{result.family} fit, backend: {result.backend}",
        )
        + theme_statlab()
    )


def plot_accuracy_stability(summary: pd.DataFrame) -> Any:
    """Test RMSE (x) against the mean bootstrap sd of the predictions (y) for every (design, model):
    down and to the left is accurate and stable; the point's size is the mean number of nonzero
    coefficients, its colour the model and its shape the design.

    ``summary`` has columns ``design, model, rmse, mean_sd, mean_nonzero``, as
    ``ModelComparison.summary().reset_index()`` gives.

    >>> import pandas as pd
    >>> summary = pd.DataFrame({"design": ["main", "main"], "model": ["ols", "lasso"],
    ...                         "rmse": [0.71, 0.76], "mean_sd": [0.23, 0.21],
    ...                         "mean_nonzero": [8.0, 3.5]})
    >>> plot_accuracy_stability(summary).labels.size
    'nonzero coefficients'
    """
    import plotnine as p9

    frame = summary.assign(
        model=pd.Categorical(summary["model"], categories=list(dict.fromkeys(summary["model"]))),
        design=pd.Categorical(summary["design"], categories=list(dict.fromkeys(summary["design"]))),
    )
    return (
        p9.ggplot(frame, p9.aes("rmse", "mean_sd"))
        + p9.geom_point(p9.aes(color="model", shape="design", size="mean_nonzero"), alpha=0.85)
        + p9.scale_x_log10()
        + p9.scale_y_log10()
        + p9.scale_size_continuous(range=(2, 7))
        + p9.scale_color_brewer(type="qual", palette="Dark2")
        + p9.labs(
            x="test RMSE of the mean prediction (log scale)",
            y="mean bootstrap sd of a test prediction (log scale)",
            color="model",
            shape="design",
            size="nonzero coefficients",
            caption="Lower left: accurate and stable. Point size: nonzero coefficients (sparsity).",
        )
        + theme_statlab()
        + p9.theme(plot_caption=p9.element_text(ha="left", size=8))
    )


def plot_stability_grid(points: pd.DataFrame) -> Any:
    """The prediction stability plot of every (design, model), one row of panels per design and
    one column per model. Each panel has its own x range, since an unstable model's segments can
    be many times longer than a stable one's: read the x-axis labels when comparing widths.

    ``points`` has the columns of :meth:`StabilityResult.test_points` plus ``design``, as
    ``ModelComparison.to_frame()`` gives.

    >>> import pandas as pd
    >>> points = pd.DataFrame({"design": ["main"] * 2, "model": ["ols", "lasso"],
    ...                        "observed": [1.0, 1.0], "mean": [1.1, 0.9], "min": [0.8, 0.7],
    ...                        "max": [1.3, 1.2], "covered": [True, True]})
    >>> type(plot_stability_grid(points)).__name__
    'ggplot'
    """
    import plotnine as p9

    frame = points.assign(segment=np.where(points["covered"], *SEGMENT_COLOURS))
    return (
        p9.ggplot(frame)
        + p9.geom_abline(intercept=0, slope=1, linetype="dashed", color="#808080")
        + p9.geom_segment(
            p9.aes(x="min", xend="max", y="observed", yend="observed", color="segment"), size=0.6
        )
        + p9.geom_point(p9.aes(x="mean", y="observed", color="segment"), size=1.4)
        + p9.facet_wrap(["design", "model"], scales="free_x", ncol=frame["model"].nunique())
        + p9.scale_color_manual(values=SEGMENT_COLOURS)
        + p9.labs(x="bootstrap prediction", y="observed", color="", caption=READING_GUIDE)
        + theme_statlab()
        + p9.theme(legend_position="bottom", plot_caption=p9.element_text(ha="left", size=8))
    )
