"""plotnine versions of R's ``plot(cv_fit)`` and ``plot(fit, xvar = "lambda", label = TRUE)``.

Both use x = -log(lambda), as the course figure does, so the penalty weakens to the right. plotnine has
no secondary axis, so the counts R prints along the top axis are drawn in a thin band above the
panel: a second facet row sharing the x axis, whose y scale holds only the labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.plots.theme import theme_statlab

if TYPE_CHECKING:
    from statlab.glmnet.result import CVGlmnetResult, GlmnetPath, RelaxedCV

TOP_LABELS = 8  # how many counts to print along the top, as R's axis does
BANDS = ["counts", "panel"]  # the facet rows: the band of counts above the panel
COUNTS_HEIGHT = 1e12  # the band's y position, far from any CV error or coefficient


def plot_cv_curve(result: CVGlmnetResult) -> Any:
    """CV error against -log(lambda): red points at cvm, grey error bars from cvlo to cvup, dotted
    vertical lines at lambda.min and lambda.1se, nonzero counts along the top.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> fit = sl.cv_glmnet(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), seed=1,
    ...                    backend="python")
    >>> plot_cv_curve(fit).labels.x
    '-log(lambda)'
    """
    import plotnine as p9

    frame = _in_panel(result.to_frame().assign(neg_log_lambda=lambda d: -d["log_lambda"]))
    return (
        p9.ggplot(frame, p9.aes("neg_log_lambda", "cvm"))
        + p9.geom_errorbar(p9.aes(ymin="cvlo", ymax="cvup"), colour="darkgrey", width=0.08)
        + p9.geom_point(colour="red", size=1.6)
        + _chosen_lambdas(result.lambda_min, result.lambda_1se, frame["cvlo"].min())
        + _top_counts(frame["neg_log_lambda"], frame["nzero"])
        + p9.labs(x="-log(lambda)", y=result.measure, caption=f"backend: {result.backend}")
        + theme_statlab()
        + _count_band_theme()
    )


def plot_cv_relaxed(result: CVGlmnetResult | RelaxedCV) -> Any:
    """The CV curves of a relaxed fit against -log(lambda), as R's ``plot(cv_fit)`` for
    ``relax = TRUE``: one line per gamma (coloured by gamma), light bands from cvlo to cvup,
    dotted vertical lines at the relaxed lambda.min and lambda.1se, nonzero counts along the top.

    >>> import numpy as np, statlab as sl
    >>> prostate = sl.data.load("prostate")
    >>> fit = sl.cv_glmnet(sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"], seed=1,
    ...                    relax=True, gamma=[0, 0.5, 1], backend="python")
    >>> plot_cv_relaxed(fit).labels.y
    'Mean-Squared Error'
    """
    import plotnine as p9

    relaxed = getattr(result, "relaxed", result)  # a CVGlmnetResult holds its RelaxedCV
    if relaxed is None:
        raise check.InvalidArgumentError("plot_cv_relaxed needs cv_glmnet(..., relax=True)")
    frame = _in_panel(relaxed.to_frame().assign(neg_log_lambda=lambda d: -d["log_lambda"]))
    first = frame[frame["gamma"] == relaxed.gamma[0]]
    return (
        p9.ggplot(frame, p9.aes("neg_log_lambda", "cvm"))
        + p9.geom_ribbon(
            p9.aes(ymin="cvlo", ymax="cvup", group="gamma"),
            fill="floralwhite",
            colour="antiquewhite",
            alpha=0.6,
        )
        + p9.geom_line(p9.aes(colour="gamma", group="gamma"), size=1)
        + p9.scale_colour_gradientn(
            colors=["#E6A000", "#4DBD33", "#00A6C8", "#6A3DE8", "#E0208A"], limits=(0, 1)
        )
        + _chosen_lambdas(relaxed.lambda_min, relaxed.lambda_1se, frame["cvlo"].min())
        + _top_counts(first["neg_log_lambda"], first["nzero"])
        + p9.labs(
            x="-log(lambda)",
            y=relaxed.measure,
            colour="gamma",
            caption=f"relaxed fit: gamma.min = {relaxed.gamma_min:g}, gamma.1se = "
            f"{relaxed.gamma_1se:g}; backend: {relaxed.backend}",
        )
        + theme_statlab()
        + _count_band_theme()
    )


def plot_coef_path(path: GlmnetPath, label: bool = True, highlight: Sequence[str] = ()) -> Any:
    """One line per coefficient that is ever nonzero against -log(lambda), with the number of
    nonzero coefficients along the top, over the path's own lambda range. With ``label``, lines are
    named inside the panel at their small-lambda end, except those ending within 2% of the
    coefficient range from zero (their names would overlap).
    ``highlight`` names terms to draw thick and black and to label at their largest magnitude
    (the paths a text discusses); the other lines then turn light grey.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> path = sl.glmnet(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), backend="python")
    >>> plot_coef_path(path).labels.y
    'Coefficients'
    """
    import plotnine as p9

    frame = _in_panel(path.to_frame().assign(neg_log_lambda=lambda d: -d["log_lambda"]))
    ever_nonzero = frame.groupby("term")["coef"].transform(lambda c: (c != 0).any())
    frame = frame[ever_nonzero]
    span = frame["coef"].max() - frame["coef"].min()
    highlight = list(highlight)
    unknown = sorted(set(highlight) - set(path.feature_names))
    if unknown:
        raise check.InvalidArgumentError(f"highlight must name terms of the path, got {unknown}")
    marked = frame["term"].isin(highlight)
    figure = (
        p9.ggplot(frame, p9.aes("neg_log_lambda", "coef", group="term"))
        + p9.geom_hline(
            p9.aes(yintercept="coef"),
            data=_in_panel(pd.DataFrame({"coef": [0.0]})),
            colour="lightgrey",
        )
        + _top_counts(-np.log(path.lambdas), path.df)
        + p9.labs(x="-log(lambda)", y="Coefficients", caption=f"backend: {path.backend}")
        + theme_statlab()
        + _count_band_theme()
    )
    if highlight:
        figure += p9.geom_line(data=frame[~marked], colour="#c8c8c8", size=0.5)
        figure += p9.geom_line(data=frame[marked], colour="black", size=1.2)
        peaks = (
            frame[marked]
            .loc[lambda d: d.groupby("term")["coef"].transform(lambda c: c.abs() == c.abs().max())]
            .drop_duplicates("term")
        )
        figure += p9.geom_label(
            p9.aes(label="term"), data=peaks, size=8, va="bottom", nudge_y=0.02 * span
        )
    else:
        figure += p9.geom_line(p9.aes(colour="term"), show_legend=False)
    if label:  # inside the panel, right-aligned at the path's end: the axis keeps the path's range
        ends = frame[(frame["lambda"] == frame["lambda"].min()) & ~marked]
        ends = ends[ends["coef"].abs() > 0.02 * span]
        figure += p9.geom_label(
            p9.aes(label="term"),
            data=ends,
            ha="right",
            size=6,
            label_size=0,
            label_padding=0.1,
            fill="white",
            alpha=0.85,
            show_legend=False,
        )
    return figure + p9.scale_x_continuous(expand=(0.01, 0))


def _chosen_lambdas(lambda_min: float, lambda_1se: float, bottom: float) -> list[Any]:
    """Dotted vertical lines at lambda.min and lambda.1se, labelled from ``bottom`` up, as layers
    to add to a plot against -log(lambda)."""
    import plotnine as p9

    chosen = _in_panel(
        pd.DataFrame(
            {
                "neg_log_lambda": [-np.log(lambda_min), -np.log(lambda_1se)],
                "rule": ["lambda.min", "lambda.1se"],
                "cvm": bottom,
            }
        )
    )
    return [
        p9.geom_vline(p9.aes(xintercept="neg_log_lambda"), data=chosen, linetype="dotted"),
        p9.geom_text(
            p9.aes("neg_log_lambda", label="rule"),
            data=chosen,
            angle=90,
            va="bottom",
            ha="left",
            size=7,
            nudge_x=-0.06,
        ),
    ]


def _in_panel(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` marked for the figure's main panel (below the band of counts)."""
    return frame.assign(band=pd.Categorical(["panel"] * len(frame), categories=BANDS))


def _top_counts(x: pd.Series | np.ndarray, counts: pd.Series | np.ndarray) -> list[Any]:
    """Labels with ``counts`` at a few evenly spaced ``x`` positions, in a band above the panel:
    a facet row of its own, sharing the x axis, whose y scale spans only the labels."""
    import plotnine as p9

    x = np.asarray(x)
    positions = np.unique(np.linspace(0, len(x) - 1, TOP_LABELS).round().astype(int))
    labels = pd.DataFrame(
        {
            "x": x[positions],
            "y": COUNTS_HEIGHT,
            "label": np.asarray(counts)[positions].astype(int).astype(str),
            "band": pd.Categorical(["counts"] * len(positions), categories=BANDS),
        }
    )
    extent = labels.iloc[[0, 0]].assign(y=[COUNTS_HEIGHT - 1.0, COUNTS_HEIGHT + 1.0])
    return [
        p9.geom_text(p9.aes("x", "y", label="label"), data=labels, inherit_aes=False, size=8),
        p9.geom_blank(p9.aes("x", "y"), data=extent, inherit_aes=False),
        p9.facet_grid("band ~ .", scales="free_y", space={"x": [1], "y": [1, 11]}),
        p9.scale_y_continuous(breaks=_panel_breaks),
    ]


def _panel_breaks(limits: tuple[float, float]) -> list[float]:
    """The y axis breaks: none in the band of counts, plotnine's usual ones in the panel."""
    from mizani.breaks import breaks_extended

    if limits[0] > COUNTS_HEIGHT / 2:
        return []
    return list(breaks_extended()(limits))


def _count_band_theme() -> Any:
    """No strip labels on the two facet rows and no gap between the band and the panel."""
    import plotnine as p9

    return p9.theme(
        strip_text=p9.element_blank(),
        strip_background=p9.element_blank(),
        panel_spacing_y=0.0,
    )
