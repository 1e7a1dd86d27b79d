"""statlab's one house theme for plotnine figures."""

from __future__ import annotations

from typing import Any


def theme_statlab(base_size: float = 11) -> Any:
    """A quiet black-and-white theme close to base R graphics: white panel, black frame, no grid.

    >>> from plotnine import ggplot
    >>> _ = ggplot() + theme_statlab()
    """
    import plotnine as p9

    return p9.theme_bw(base_size=base_size) + p9.theme(
        panel_grid_major=p9.element_blank(),
        panel_grid_minor=p9.element_blank(),
        strip_background=p9.element_rect(fill="#f0f0f0"),
        legend_key=p9.element_blank(),
    )
