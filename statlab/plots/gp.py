"""plotnine figures for the GP exercises; each function returns an undrawn ``ggplot`` built from
statlab's GP results or their tables.

Contour lines of the marginal-likelihood surface come from contourpy (matplotlib's contouring
engine), since plotnine has no contour geom; they are drawn as paths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab._validation import ArgumentTypeError, InvalidArgumentError, integer, real
from statlab.plots.theme import theme_statlab

__all__ = [
    "plot_kernel_sections",
    "plot_marginal_fits",
    "plot_marginal_surface",
    "plot_posterior_band",
    "plot_prior_posterior",
    "plot_sample_paths",
    "plot_uncertainty_by_density",
]

_POINT_COLOUR = "#5055A3"
_LINE_COLOUR = "#8B5CF6"
_DRAW_COLOURS = ["#8B5CF6", "#4FD1D9", "#F59E0B", "#10B981", "#EF4444"]


def _require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(f"{name} must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidArgumentError(f"{name} lacks columns {missing}")


def plot_prior_posterior(prior: pd.DataFrame, posterior: pd.DataFrame, data: pd.DataFrame) -> Any:
    """Prior and posterior predictive draws (columns ``draw``, ``x``, ``f``) in two panels, with
    the observations (columns ``x``, ``y``) over both.

    >>> import statlab as sl
    >>> from statlab import gp
    >>> d = sl.data.load("gp_observed")
    >>> prior = gp.HierarchicalGP().prior_predictive([0.0, 1.0], n_draws=2, seed=1)
    >>> figure = plot_prior_posterior(prior, prior, d)
    """
    import plotnine as p9

    _require_columns(prior, ["draw", "x", "f"], "prior")
    _require_columns(posterior, ["draw", "x", "f"], "posterior")
    _require_columns(data, ["x", "y"], "data")
    panels = pd.Categorical(["Prior predictive", "Posterior predictive"])
    draws = pd.concat(
        [prior.assign(panel=panels[0]), posterior.assign(panel=panels[1])], ignore_index=True
    )
    points = pd.concat([data[["x", "y"]].assign(panel=p) for p in panels], ignore_index=True)
    for frame in (draws, points):
        frame["panel"] = pd.Categorical(frame["panel"], categories=list(panels))
    return (
        p9.ggplot()
        + p9.geom_line(p9.aes("x", "f", group="draw"), draws, colour="#9e9e9e", alpha=0.3)
        + p9.geom_point(p9.aes("x", "y"), points, colour=_POINT_COLOUR, size=1.8)
        + p9.facet_wrap("panel", scales="free_y")
        + p9.labs(x="x", y="f(x)")
        + theme_statlab()
        + p9.theme(figure_size=(9, 4))
    )


def plot_marginal_surface(
    surface: pd.DataFrame, maxima: pd.DataFrame | None = None, *, levels: int = 30
) -> Any:
    """Contours of the log marginal likelihood over log-scaled length scale and noise sd.

    ``surface`` has columns ``length_scale``, ``noise_sd``, ``log_likelihood`` (as
    :meth:`statlab.gp.LikelihoodSurface.to_frame` gives); ``maxima`` (optional) has
    ``length_scale``, ``noise_sd`` and, if present, ``label``. Contour levels are evenly spaced
    from the surface's 10% quantile to its maximum.

    >>> from statlab import gp
    >>> s = gp.marginal_likelihood_surface(gp.EXERCISE_X, gp.EXERCISE_Y, length_scales=[1, 2, 4],
    ...                                    noise_sds=[0.1, 0.3, 1.0], backend="python")
    >>> len(plot_marginal_surface(s.to_frame()).layers)
    1
    """
    import contourpy
    import plotnine as p9

    _require_columns(surface, ["length_scale", "noise_sd", "log_likelihood"], "surface")
    levels = integer(levels, "levels", low=1)
    table = surface.pivot(index="noise_sd", columns="length_scale", values="log_likelihood")
    log_scales = np.log10(table.columns.to_numpy(dtype=float))
    log_noises = np.log10(table.index.to_numpy(dtype=float))
    values = table.to_numpy()
    generator = contourpy.contour_generator(log_scales, log_noises, values)
    pieces = []
    top = np.nanmax(values)
    for level_index, level in enumerate(
        np.linspace(np.nanquantile(values, 0.1), top, levels + 1)[:-1]
    ):
        for piece_index, line in enumerate(generator.lines(level)):
            pieces.append(
                pd.DataFrame(
                    {
                        "length_scale": 10 ** line[:, 0],
                        "noise_sd": 10 ** line[:, 1],
                        "piece": f"{level_index}-{piece_index}",
                    }
                )
            )
    lines = pd.concat(pieces, ignore_index=True)
    figure = (
        p9.ggplot(lines, p9.aes("length_scale", "noise_sd"))
        + p9.geom_path(p9.aes(group="piece"), colour="#b3b3b3")
        + p9.scale_x_log10()
        + p9.scale_y_log10()
        + p9.labs(
            x="Length scale (log scale)",
            y="Noise sd σ (log scale)",
            title="Log marginal likelihood surface",
        )
        + theme_statlab()
        + p9.theme(figure_size=(6, 6))
    )
    if maxima is not None:
        _require_columns(maxima, ["length_scale", "noise_sd"], "maxima")
        marks = maxima.copy()
        if "label" not in marks:
            marks["label"] = [str(i + 1) for i in range(len(marks))]
        figure += p9.geom_point(marks, shape="s", size=5, fill="black")
        figure += p9.geom_text(p9.aes(label="label"), marks, nudge_y=0.06, size=14, va="bottom")
    return figure


def plot_marginal_fits(fits: pd.DataFrame, data: pd.DataFrame) -> Any:
    """GP posterior mean with a ±2 sd band, one row of panels per hyperparameter setting.

    ``fits`` has columns ``fit`` (panel label), ``x``, ``mean``, ``sd`` (as from
    :func:`statlab.gp.marginal.posterior_fits`); ``data`` has ``x`` and ``y``.

    >>> from statlab import gp
    >>> fits = gp.marginal.posterior_fits(gp.EXERCISE_X, gp.EXERCISE_Y, [0.0, 1.0])
    >>> figure = plot_marginal_fits(fits, pd.DataFrame({"x": gp.EXERCISE_X, "y": gp.EXERCISE_Y}))
    >>> [type(layer.geom).__name__ for layer in figure.layers]
    ['geom_ribbon', 'geom_line', 'geom_point']
    """
    import plotnine as p9

    _require_columns(fits, ["fit", "x", "mean", "sd"], "fits")
    _require_columns(data, ["x", "y"], "data")
    bands = fits.assign(lower=fits["mean"] - 2 * fits["sd"], upper=fits["mean"] + 2 * fits["sd"])
    return (
        p9.ggplot(bands, p9.aes("x"))
        + p9.geom_ribbon(p9.aes(ymin="lower", ymax="upper"), fill="#e0e0e0")
        + p9.geom_line(p9.aes(y="mean"), size=0.8)
        + p9.geom_point(p9.aes("x", "y"), data, shape="+", size=5)
        + p9.facet_wrap("fit", ncol=1)
        + p9.labs(x="x", y="y", title="GP posterior at the local maxima (mean ± 2 sd of f)")
        + theme_statlab()
        + p9.theme(figure_size=(7, 7))
    )


def plot_kernel_sections(sections: pd.DataFrame, *, x0: float = 1.0) -> Any:
    """Cross-sections :math:`x \\mapsto k(x, x_0)`, one panel per kernel.

    ``sections`` has columns ``kernel``, ``x``, ``k`` (as from
    :func:`statlab.gp.kernels.kernel_sections`); the dashed line marks :math:`x_0`.

    >>> from statlab.gp import kernels
    >>> s = kernels.kernel_sections({"RBF": kernels.RBF()}, [0.0, 1.0, 2.0])
    >>> figure = plot_kernel_sections(s)
    """
    import plotnine as p9

    _require_columns(sections, ["kernel", "x", "k"], "sections")
    x0 = real(x0, "x0")
    return (
        p9.ggplot(sections, p9.aes("x", "k"))
        + p9.geom_hline(yintercept=0, colour="#c8c8c8")
        + p9.geom_vline(xintercept=0, colour="#c8c8c8")
        + p9.geom_vline(xintercept=x0, linetype="dashed")
        + p9.geom_line(colour=_LINE_COLOUR, size=1.2)
        + p9.facet_wrap("kernel", scales="free_y", ncol=4)
        + p9.labs(x="x", y=f"k(x, {x0:g})", title=f"Kernel values k(x, {x0:g})")
        + theme_statlab()
        + p9.theme(figure_size=(10, 5.5))
    )


def plot_sample_paths(paths: pd.DataFrame) -> Any:
    """GP sample paths, one panel per kernel, one colour per draw.

    ``paths`` has columns ``kernel``, ``draw``, ``x``, ``f`` (e.g. :func:`statlab.gp.sample_paths`
    output with a ``kernel`` column added).

    >>> from statlab.gp import kernels
    >>> paths = kernels.sample_paths(kernels.RBF(), [0.0, 1.0], n_draws=2, seed=1)
    >>> figure = plot_sample_paths(paths.assign(kernel="RBF"))
    >>> sorted(figure.data["draw"].unique())
    ['0', '1']
    """
    import plotnine as p9

    _require_columns(paths, ["kernel", "draw", "x", "f"], "paths")
    frame = paths.assign(draw=paths["draw"].astype(str))
    return (
        p9.ggplot(frame, p9.aes("x", "f", colour="draw", group="draw"))
        + p9.geom_line(size=1)
        + p9.facet_wrap("kernel", scales="free_y", ncol=4)
        + p9.scale_colour_manual(values=_DRAW_COLOURS * 4)
        + p9.labs(x="x", y="f(x)", colour="draw", title="GP draws across kernels")
        + theme_statlab()
        + p9.theme(figure_size=(10, 5.5))
    )


def plot_posterior_band(summary: pd.DataFrame, data: pd.DataFrame, *, title: str = "") -> Any:
    """Posterior mean of f (line) with a ±2 sd band, the observations (columns ``x``, ``y``) as
    points; ``summary`` has columns ``x``, ``mean``, ``sd`` (as from ``predictive_summary``).

    >>> s = pd.DataFrame({"x": [0.0, 1.0], "mean": [0.0, 1.0], "sd": [0.5, 0.5]})
    >>> figure = plot_posterior_band(s, pd.DataFrame({"x": [0.5], "y": [0.4]}))
    >>> figure.data["upper"].tolist()
    [1.0, 2.0]
    """
    import plotnine as p9

    _require_columns(summary, ["x", "mean", "sd"], "summary")
    _require_columns(data, ["x", "y"], "data")
    band = summary.assign(
        lower=summary["mean"] - 2 * summary["sd"], upper=summary["mean"] + 2 * summary["sd"]
    )
    return (
        p9.ggplot(band, p9.aes("x"))
        + p9.geom_ribbon(p9.aes(ymin="lower", ymax="upper"), fill="#e0e0e0")
        + p9.geom_line(p9.aes(y="mean"), colour=_LINE_COLOUR, size=0.8)
        + p9.geom_point(p9.aes("x", "y"), data, colour=_POINT_COLOUR, size=1.5)
        + p9.labs(x="x", y="f(x)", title=title or "GP posterior (mean ± 2 sd of f)")
        + theme_statlab()
        + p9.theme(figure_size=(7, 4))
    )


def plot_uncertainty_by_density(table: pd.DataFrame, data: pd.DataFrame) -> Any:
    """Posterior sd of f along x above the density of observed x, observations as a rug.

    ``table`` has columns ``x``, ``sd``, ``density`` (as from
    :func:`statlab.gp.uncertainty_by_density`); ``data`` has ``x``.

    >>> t = pd.DataFrame({"x": [0.0, 1.0], "sd": [0.1, 0.2], "density": [2.0, 1.0]})
    >>> figure = plot_uncertainty_by_density(t, pd.DataFrame({"x": [0.5]}))
    """
    import plotnine as p9

    _require_columns(table, ["x", "sd", "density"], "table")
    _require_columns(data, ["x"], "data")
    labels = ["Posterior sd of f(x)", "Observations per unit x (kernel density)"]
    long = pd.concat(
        [
            pd.DataFrame({"x": table["x"], "value": table["sd"], "panel": labels[0]}),
            pd.DataFrame({"x": table["x"], "value": table["density"], "panel": labels[1]}),
        ],
        ignore_index=True,
    )
    long["panel"] = pd.Categorical(long["panel"], categories=labels)
    return (
        p9.ggplot(long, p9.aes("x", "value"))
        + p9.geom_line(colour=_LINE_COLOUR, size=1)
        + p9.geom_rug(p9.aes(x="x"), data[["x"]], inherit_aes=False, alpha=0.5)
        + p9.facet_wrap("panel", ncol=1, scales="free_y")
        + p9.labs(x="x", y="", title="Where the posterior is uncertain")
        + theme_statlab()
        + p9.theme(figure_size=(7, 5.5))
    )
