"""Gaussian processes for the course: kernels, the marginal likelihood, the hierarchical GP.

One GP core: the kernel classes of :mod:`statlab.gp.kernels` are what the marginal likelihood, the
posteriors and the hierarchical model compute with, through one likelihood and one posterior
(``_core.py``). Submodules load on first use (``import statlab.gp`` is cheap; PyMC and nutpie load
only for NUTS fits, plotnine only for figures).

- :mod:`statlab.gp.kernels`: ``Linear``, ``RBF``, ``Periodic`` kernels composing with ``+`` and
  ``*``, :func:`sample_paths`, :func:`kernel_sections`.
- :mod:`statlab.gp.marginal`: :func:`log_marginal_likelihood` (R or Python),
  :func:`marginal_likelihood_surface` (a :class:`LikelihoodSurface`), :func:`find_local_maxima`,
  :func:`posterior`.
- :mod:`statlab.gp.hierarchical`: :class:`HierarchicalGP` with a NUTS (nutpie or PyMC) or exact
  grid fit, giving a :class:`NutsPosterior` or :class:`GridPosterior`.

Figures are in :mod:`statlab.plots.gp`; results draw theirs with ``.plot()``.

Example
-------
>>> from statlab import gp
>>> k = gp.kernels.RBF(length_scale=2.0) + gp.kernels.Linear()
>>> k([1.0]).round(3)
array([[2.]])
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

_LAZY_ATTRIBUTES = {
    "kernel_sections": "statlab.gp.kernels",
    "sample_paths": "statlab.gp.kernels",
    "EXERCISE_PARAMS": "statlab.gp.marginal",
    "EXERCISE_X": "statlab.gp.marginal",
    "EXERCISE_Y": "statlab.gp.marginal",
    "LikelihoodSurface": "statlab.gp.marginal",
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
    "JitterWarning": "statlab.gp._linalg",
}
_LAZY_MODULES = {"hierarchical", "kernels", "marginal"}
#: Figures that lived here before statlab.plots.gp; they keep working, deprecated, one release.
_MOVED_FIGURES = {
    "plot_kernel_sections",
    "plot_marginal_fits",
    "plot_marginal_surface",
    "plot_prior_posterior",
    "plot_sample_paths",
    "plot_uncertainty_by_density",
}

__all__ = sorted([*_LAZY_ATTRIBUTES, *_LAZY_MODULES])


def __getattr__(name: str) -> Any:
    if name in _LAZY_ATTRIBUTES:
        value = getattr(importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"statlab.gp.{name}")
    elif name in _MOVED_FIGURES or name == "plots":
        new = "statlab.plots.gp" + ("" if name == "plots" else f".{name}")
        warnings.warn(f"statlab.gp.{name} moved to {new}", DeprecationWarning, stacklevel=2)
        module = importlib.import_module("statlab.plots.gp")
        return module if name == "plots" else getattr(module, name)
    else:
        raise AttributeError(f"module 'statlab.gp' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
