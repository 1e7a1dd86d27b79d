r"""What the hierarchical GP's posteriors share, whichever way they were computed: the posterior of
:math:`f` along x, mixed over the posterior of the hyperparameters (its grid cells or its NUTS
draws), and the result methods every statlab result has (``to_frame``, ``summary``, ``plot``).

.. math::

    E[f_*] = \sum_k w_k \mu_k, \qquad
    \operatorname{Var}[f_*] = \sum_k w_k (\sigma_k^2 + \mu_k^2) - E[f_*]^2,

with :math:`\mu_k, \sigma_k^2` the GP core's posterior moments at hyperparameter point :math:`k`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.gp._core import EigenRBF
from statlab.gp._linalg import single_threaded_blas

if TYPE_CHECKING:
    from statlab.gp.hierarchical import HierarchicalGP

#: The hyperparameters, in the order of grid axes and table rows.
PARAMETERS = ("amplitude", "length_scale", "noise_sd")
QUANTILES = {"q05": 0.05, "q50": 0.5, "q95": 0.95}


class Posterior:
    """Base of :class:`~statlab.gp.GridPosterior` and :class:`~statlab.gp.NutsPosterior`."""

    model: HierarchicalGP
    x: np.ndarray
    y: np.ndarray
    method: str
    #: The hierarchical GP is fitted in Python only (the course used greta, not plain R).
    backend = "python"

    def _set_once(self, **attributes: Any) -> None:
        """Set the posterior's attributes at construction; arrays become read-only."""
        for name, value in attributes.items():
            if isinstance(value, np.ndarray):
                value = value.copy()
                value.flags.writeable = False
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: {name!r} cannot be set")

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Hyperparameter points (rows amplitude, length_scale, noise_sd) and their weights."""
        raise NotImplementedError

    def hyperparameters(self) -> pd.DataFrame:
        """Posterior mean, sd and quantiles of each hyperparameter (one row each)."""
        raise NotImplementedError

    def summary(self) -> pd.DataFrame:
        """The same table as :meth:`hyperparameters`."""
        return self.hyperparameters()

    def to_frame(self) -> pd.DataFrame:
        """The hyperparameter posterior as weighted points: ``amplitude``, ``length_scale``,
        ``noise_sd``, ``weight`` (grid: cell probability; NUTS: 1 / number of draws)."""
        points, weights = self._weighted_points()
        frame = pd.DataFrame(dict(zip(PARAMETERS, points, strict=True)))
        frame["weight"] = weights / weights.sum()
        return frame

    def predictive_summary(self, x_grid: Any) -> pd.DataFrame:
        """Posterior mean and sd of :math:`f` along ``x_grid`` (formula in the module docstring).

        Returns a DataFrame with columns ``x``, ``mean``, ``sd``.
        """
        grid = check.vector(x_grid, "x_grid")
        points, weights = self._weighted_points()
        first, second = np.zeros(grid.size), np.zeros(grid.size)
        with single_threaded_blas():
            for length_scale in np.unique(points[1]):
                here = points[1] == length_scale
                eigen = EigenRBF(self.x, self.y, float(length_scale))
                means, variances = eigen.conditional_moments(grid, points[0, here], points[2, here])
                first += weights[here] @ means
                second += weights[here] @ (variances + means**2)
        total = weights.sum()
        mean = first / total
        return pd.DataFrame(
            {"x": grid, "mean": mean, "sd": np.sqrt(np.clip(second / total - mean**2, 0, None))}
        )

    def plot(self, x_grid: Any = None) -> Any:
        """Posterior mean of :math:`f` with a ±2 sd band along ``x_grid`` (default: 200 points
        spanning the data and a tenth of its range beyond), the observations over it."""
        from statlab.plots.gp import plot_posterior_band

        if x_grid is None:
            low, high = float(self.x.min()), float(self.x.max())
            margin = 0.1 * (high - low or 1.0)
            x_grid = np.linspace(low - margin, high + margin, 200)
        summary = self.predictive_summary(x_grid)
        data = pd.DataFrame({"x": self.x, "y": self.y})
        return plot_posterior_band(summary, data, title=f"Posterior of f ({self.method})")


def uncertainty_by_density(
    posterior: Posterior, x_grid: Any, *, bandwidth: float = 0.5
) -> pd.DataFrame:
    r"""Posterior sd of :math:`f` along ``x_grid`` next to the local density of observations.

    ``density`` is a Gaussian kernel density estimate of the observed x with the given
    ``bandwidth`` (observations per unit of x), ``n_nearby`` the number of observations within
    ``bandwidth`` of each grid point.

    Returns a DataFrame with columns ``x``, ``mean``, ``sd``, ``density``, ``n_nearby``.
    """
    if not isinstance(posterior, Posterior):
        raise check.ArgumentTypeError(
            f"posterior must be a GridPosterior or NutsPosterior, got {type(posterior).__name__}"
        )
    bandwidth = check.positive(bandwidth, "bandwidth")
    summary = posterior.predictive_summary(x_grid)
    offsets = np.subtract.outer(summary["x"].to_numpy(), posterior.x)
    summary["density"] = np.exp(normal_log_density(offsets, 0.0, bandwidth)).sum(axis=1)
    summary["n_nearby"] = (np.abs(offsets) <= bandwidth).sum(axis=1)
    return summary


def normal_log_density(value: Any, mean: float, sd: float) -> Any:
    """Normal log density, written out because importing scipy.stats costs seconds."""
    return -0.5 * ((value - mean) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)


def long_frame(grid: np.ndarray, paths: np.ndarray, seed: int) -> pd.DataFrame:
    """Draws of f (draws x grid points) as a long table ``draw``, ``x``, ``f``, with the seed
    they were drawn from in ``attrs["seed"]``."""
    n_draws = paths.shape[0]
    frame = pd.DataFrame(
        {
            "draw": np.repeat(np.arange(n_draws), grid.size),
            "x": np.tile(grid, n_draws),
            "f": paths.reshape(-1),
        }
    )
    frame.attrs["seed"] = seed
    return frame
