"""Gaussian processes for the course: kernels, the marginal likelihood, the hierarchical GP.

Submodules load on first use (``import statlab.gp`` is cheap; PyMC and nutpie load only for NUTS
fits, plotnine only for figures).

- :mod:`statlab.gp.kernels`: ``Linear``, ``RBF``, ``Periodic`` kernels composing with ``+`` and
  ``*``, and :func:`sample_paths`.
- :mod:`statlab.gp.marginal`: :func:`log_marginal_likelihood` (R or Python),
  :func:`marginal_likelihood_surface`, :func:`find_local_maxima`, :func:`posterior`.
- :mod:`statlab.gp.hierarchical`: :class:`HierarchicalGP` with a NUTS (nutpie or PyMC) or exact
  grid fit.
- :mod:`statlab.gp.plots`: the figures, as undrawn plotnine objects.

Example
-------
>>> from statlab import gp
>>> k = gp.kernels.RBF(lengthscale=2.0) + gp.kernels.Linear()
>>> k([1.0]).round(3)
array([[2.]])
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY_ATTRIBUTES = {
    "kernel_sections": "statlab.gp.kernels",
    "sample_paths": "statlab.gp.kernels",
    "EXERCISE_PARAMS": "statlab.gp.marginal",
    "EXERCISE_X": "statlab.gp.marginal",
    "EXERCISE_Y": "statlab.gp.marginal",
    "find_local_maxima": "statlab.gp.marginal",
    "label_maxima": "statlab.gp.marginal",
    "log_marginal_likelihood": "statlab.gp.marginal",
    "marginal_likelihood_surface": "statlab.gp.marginal",
    "posterior": "statlab.gp.marginal",
    "posterior_fits": "statlab.gp.marginal",
    "CACHE_ENVIRONMENT_VARIABLE": "statlab.gp.hierarchical",
    "GridPosterior": "statlab.gp.hierarchical",
    "HierarchicalGP": "statlab.gp.hierarchical",
    "LogNormal": "statlab.gp.hierarchical",
    "NutsPosterior": "statlab.gp.hierarchical",
    "uncertainty_by_density": "statlab.gp.hierarchical",
    "JitterWarning": "statlab.gp._checks",
    "plot_kernel_sections": "statlab.gp.plots",
    "plot_marginal_fits": "statlab.gp.plots",
    "plot_marginal_surface": "statlab.gp.plots",
    "plot_prior_posterior": "statlab.gp.plots",
    "plot_sample_paths": "statlab.gp.plots",
    "plot_uncertainty_by_density": "statlab.gp.plots",
}
_LAZY_MODULES = {"hierarchical", "kernels", "marginal", "plots"}

__all__ = sorted([*_LAZY_ATTRIBUTES, *_LAZY_MODULES])


def __getattr__(name: str) -> Any:
    if name in _LAZY_ATTRIBUTES:
        value = getattr(importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"statlab.gp.{name}")
    else:
        raise AttributeError(f"module 'statlab.gp' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
