"""plotnine figures for statlab's results; every function returns an undrawn ``ggplot``.

Callers add layers with ``+``; only ``analyses/`` and ``reports/`` save figures.
"""

from statlab.plots.theme import theme_statlab

__all__ = ["theme_statlab"]
