r"""The hierarchical GP's exact posterior on a grid over the log hyperparameters.

Hand-written because no library does this: the GP core's :class:`~statlab.gp._core.EigenRBF` gives
the likelihood of every (amplitude, noise sd) pair at one length scale in :math:`O(n)` each, so the
posterior of :math:`(\log A, \log \ell, \log \sigma)` is prior times likelihood on a
:math:`G^3` grid. The grid box is found from a coarse pass over the prior and refined around the
posterior mass; predictions are drawn from the mixture over grid cells.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.gp._core import EigenRBF, conditional
from statlab.gp._linalg import psd_square_root, single_threaded_blas
from statlab.gp._posterior import PARAMETERS, QUANTILES, Posterior, long_frame
from statlab.gp.kernels import RBF

if TYPE_CHECKING:
    from statlab.gp.hierarchical import HierarchicalGP

#: Grids coarser than this cannot resolve the posterior (3 cells per axis gave nonsense).
MIN_GRID_SIZE = 10
COARSE_GRID_SIZE = 24
NEGLIGIBLE_LOG_WEIGHT = 25.0
MAX_EXTENSIONS = 8  # cells this far below the maximum carry < 1e-10 of its weight


def fit_grid(model: HierarchicalGP, x: np.ndarray, y: np.ndarray, grid_size: Any) -> GridPosterior:
    """Zoom a grid onto the posterior mass and return the posterior on the final grid (see
    :meth:`statlab.gp.HierarchicalGP.fit_grid`)."""
    grid_size = check.integer(grid_size, "grid_size", low=MIN_GRID_SIZE)
    axes = {
        name: np.linspace(prior.mu - 4 * prior.sigma, prior.mu + 4 * prior.sigma, COARSE_GRID_SIZE)
        for name, prior in model.priors.items()
    }
    with single_threaded_blas():
        zooms = extensions = 0
        while zooms < 3:
            log_posterior = _log_posterior(model, x, y, axes)
            axes, extended = _zoom(axes, log_posterior, grid_size)
            if extended and extensions < MAX_EXTENSIONS:
                extensions += 1
            else:
                zooms += 1
        log_posterior = _log_posterior(model, x, y, axes)
    weights = np.exp(log_posterior - log_posterior.max())
    posterior = GridPosterior(model, x, y, axes, weights / weights.sum())
    for name in PARAMETERS:
        ends = posterior.marginal(name)["probability"].to_numpy()[[0, -1]]
        if ends.max() > 1e-6:
            warnings.warn(
                f"the grid posterior of {name} has probability {ends.max():.1e} at an end "
                "of its grid: the posterior may reach beyond it",
                RuntimeWarning,
                stacklevel=3,
            )
    return posterior


class GridPosterior(Posterior):
    """Exact posterior of the hyperparameters on a grid over their logarithms.

    Attributes: ``axes`` (log-scale grid of each of amplitude, length_scale, noise_sd) and
    ``weights`` (posterior probability of each grid cell, indexed [amplitude, length_scale,
    noise_sd]), ``backend`` ("python").
    """

    method = "grid"

    def __init__(
        self,
        model: HierarchicalGP,
        x: np.ndarray,
        y: np.ndarray,
        axes: dict[str, np.ndarray],
        weights: np.ndarray,
    ) -> None:
        read_only_axes = {name: np.array(values) for name, values in axes.items()}
        for values in read_only_axes.values():
            values.flags.writeable = False
        self._set_once(model=model, x=x, y=y, axes=read_only_axes, weights=weights)

    def marginal(self, name: str) -> pd.DataFrame:
        """Marginal posterior of one hyperparameter: columns ``value`` and ``probability``."""
        position = PARAMETERS.index(check.option(name, "name", PARAMETERS))
        others = tuple(a for a in range(3) if a != position)
        return pd.DataFrame(
            {"value": np.exp(self.axes[name]), "probability": self.weights.sum(axis=others)}
        )

    def hyperparameters(self) -> pd.DataFrame:
        """Posterior mean, sd and 5/50/95% quantiles of amplitude, length_scale and noise_sd.

        Quantiles interpolate the marginal CDF linearly between cell edges on the log scale.
        """
        rows = {}
        for name in PARAMETERS:
            marginal = self.marginal(name)
            values, probability = marginal["value"].to_numpy(), marginal["probability"].to_numpy()
            mean = float(probability @ values)
            step = self.axes[name][1] - self.axes[name][0]
            edges = np.append(self.axes[name] - step / 2, self.axes[name][-1] + step / 2)
            cdf = np.append(0.0, np.cumsum(probability))
            rows[name] = {
                "mean": mean,
                "sd": float(np.sqrt(probability @ (values - mean) ** 2)),
                **{
                    label: float(np.exp(np.interp(q, cdf, edges))) for label, q in QUANTILES.items()
                },
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    @check.renamed(draws="n_draws")
    def posterior_predictive(
        self, x_grid: Any, *, n_draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """Draw ``n_draws`` functions :math:`f` from the posterior mixture over grid cells.

        Each draw picks a cell with its posterior probability, then draws :math:`f` from the GP
        posterior given that cell's hyperparameters. Long DataFrame: ``draw``, ``x``, ``f``;
        ``attrs["seed"]`` is the seed used (fresh when ``seed`` is None).
        """
        grid = check.vector(x_grid, "x_grid")
        n_draws = check.integer(n_draws, "n_draws", low=1)
        seed = resolved_seed(seed)
        rng = np.random.default_rng(seed)
        cells = rng.choice(self.weights.size, size=n_draws, p=self.weights.reshape(-1))
        indices = np.unravel_index(cells, self.weights.shape)
        values = {name: np.exp(self.axes[name][indices[k]]) for k, name in enumerate(PARAMETERS)}
        paths = np.empty((n_draws, grid.size))
        with single_threaded_blas():
            for i in range(n_draws):
                kernel = RBF(
                    amplitude=float(values["amplitude"][i]),
                    length_scale=float(values["length_scale"][i]),
                )
                mean, covariance = conditional(
                    kernel, float(values["noise_sd"][i]), self.x, self.y, grid, full_cov=True
                )
                root = psd_square_root(covariance, "posterior covariance")
                paths[i] = mean + root @ rng.standard_normal(grid.size)
        return long_frame(grid, paths, seed)

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        keep = self.weights > self.weights.max() * np.exp(-NEGLIGIBLE_LOG_WEIGHT)
        indices = np.nonzero(keep)
        points = np.stack(
            [np.exp(self.axes[name][indices[k]]) for k, name in enumerate(PARAMETERS)]
        )
        return points, self.weights[keep]

    def __repr__(self) -> str:
        shape = "x".join(str(axis.size) for axis in self.axes.values())
        return f"GridPosterior({shape} grid, backend={self.backend!r})\n{self.summary().round(4)}"


def _log_posterior(
    model: HierarchicalGP, x: np.ndarray, y: np.ndarray, axes: dict[str, np.ndarray]
) -> np.ndarray:
    """Log prior + log marginal likelihood on the grid, indexed [amplitude, length_scale,
    noise_sd]."""
    amplitudes, noise_sds = np.exp(axes["amplitude"]), np.exp(axes["noise_sd"])
    work = np.empty((amplitudes.size, noise_sds.size, x.size))
    log_likelihood = np.stack(
        [
            EigenRBF(x, y, float(np.exp(log_length_scale))).log_likelihood(
                amplitudes, noise_sds, work=work
            )
            for log_length_scale in axes["length_scale"]
        ],
        axis=1,
    )
    log_prior = sum(
        np.expand_dims(
            model.priors[name].log_density_of_log(axes[name]),
            axis=tuple(a for a in range(3) if a != position),
        )
        for position, name in enumerate(PARAMETERS)
    )
    return log_likelihood + log_prior


def _zoom(
    axes: dict[str, np.ndarray], log_posterior: np.ndarray, grid_size: int
) -> tuple[dict[str, np.ndarray], bool]:
    """New axes spanning the cells within 25 of the maximum log posterior, plus one cell; where
    those cells reach an end of an axis, the axis is extended by its whole width on that side.
    Also returns whether any axis was extended."""
    significant = np.nonzero(log_posterior >= log_posterior.max() - NEGLIGIBLE_LOG_WEIGHT)
    zoomed, extended = {}, False
    for position, name in enumerate(PARAMETERS):
        axis = axes[name]
        step, width = axis[1] - axis[0], axis[-1] - axis[0]
        first, last = significant[position].min(), significant[position].max()
        low = axis[0] - width if first == 0 else axis[first] - step
        high = axis[-1] + width if last == axis.size - 1 else axis[last] + step
        extended = extended or first == 0 or last == axis.size - 1
        zoomed[name] = np.linspace(low, high, grid_size)
    return zoomed, extended
