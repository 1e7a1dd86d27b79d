r"""The hierarchical GP of the exercise "Prior and Posterior Predictive Distributions".

.. math::

    A \sim \operatorname{LogNormal}(-1, 1), \quad
    \ell \sim \operatorname{LogNormal}(0, 1), \quad
    \sigma \sim \operatorname{LogNormal}(0, 1),

    f \mid A, \ell \sim GP\!\left(0,\; A^2 \exp\!\left(-\frac{(x - x')^2}{2 \ell^2}\right)\right),
    \qquad y_i = f(x_i) + \varepsilon_i, \quad \varepsilon_i \sim N(0, \sigma^2).

:math:`A` is the kernel's *amplitude* (the sd of :math:`f(x)`), as in the written model. The
course's greta code, ``rbf(lengthscale, amplitude)``, passes it as the kernel *variance*; statlab
follows the maths, so greta's variance corresponds to statlab's :math:`A^2`.

Two ways to fit it:

``method="nuts"``
    PyMC model: ``pm.gp.Marginal`` with ``A**2 * ExpQuad(1, ls=lengthscale)``, NUTS over
    :math:`(A, \ell, \sigma)`, predictions with ``gp.conditional``. The sampler is nutpie
    (``sampler="nutpie"``, the default: PyTensor's graph compiled with Numba, NUTS in Rust, about
    a quarter of PyMC's CPU time per fit once compiled) or PyMC's own NUTS (``sampler="pymc"``). PyMC, PyTensor and
    nutpie are imported only here. PyTensor keeps its compiled code (C for PyMC, Numba for
    nutpie) in a cache directory: pass ``compile_dir=`` or set the environment variable
    ``STATLAB_PYTENSOR_CACHE`` (mapped to ``PYTENSOR_FLAGS=base_compiledir=``; it must be chosen
    before PyTensor is first imported in the process).
``method="grid"``
    The exact posterior of :math:`(\log A, \log \ell, \log \sigma)` by quadrature on a grid of
    prior times marginal likelihood. It is hand-written because no library does this trick: one
    eigendecomposition :math:`C_\ell = U \Lambda U^\top` of the unit-amplitude kernel matrix per
    lengthscale gives :math:`K = U (A^2 \Lambda + \sigma^2 I) U^\top`, so every :math:`(A,
    \sigma)` pair costs :math:`O(n)`. The grid box is found from a coarse pass over the prior and
    refined around the posterior mass. Predictions are drawn from the mixture over grid cells.

Example
-------
>>> import numpy as np
>>> import statlab as sl
>>> from statlab import gp
>>> d = sl.data.load("gp_observed")
>>> post = gp.HierarchicalGP().fit(d["x"], d["y"], method="grid", grid_size=20)
>>> post.hyperparameters()[["mean", "sd"]].round(2)
             mean    sd
A            0.95  0.35
lengthscale  1.69  0.35
sigma        0.20  0.02
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg

from statlab.gp._checks import (
    as_vector,
    as_xy,
    cholesky_with_jitter,
    positive,
    positive_count,
    psd_square_root,
)

__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "GridPosterior",
    "HierarchicalGP",
    "LogNormal",
    "NutsPosterior",
    "uncertainty_by_density",
]

#: Environment variable naming PyTensor's compile-cache directory for NUTS fits.
CACHE_ENVIRONMENT_VARIABLE = "STATLAB_PYTENSOR_CACHE"

PARAMETERS = ("A", "lengthscale", "sigma")
_QUANTILES = {"q05": 0.05, "q50": 0.5, "q95": 0.95}
_NEGLIGIBLE_LOG_WEIGHT = 25.0
_MAX_EXTENSIONS = 8  # cells this far below the maximum carry < 1e-10 of its weight
_NUTPIE_MODELS: dict[tuple[Any, ...], Any] = {}  # compiled nutpie models, oldest first
_NUTPIE_MODELS_KEPT = 4


@dataclass(frozen=True)
class LogNormal:
    r"""Log-normal prior: :math:`\log \theta \sim N(\mu, s^2)`, with ``mu`` :math:`\mu` and ``sigma``
    :math:`s` on the log scale (median :math:`e^\mu`).

    >>> LogNormal(0.0, 1.0).median
    1.0
    """

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        if not np.isfinite(self.mu):
            raise ValueError(f"mu must be finite, got {self.mu!r}")
        positive(self.sigma, "sigma")

    @property
    def median(self) -> float:
        return float(np.exp(self.mu))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.exp(rng.normal(self.mu, self.sigma, size))

    def log_density_of_log(self, log_value: np.ndarray) -> np.ndarray:
        """Log density of :math:`\\log \\theta` (a normal), the prior on the grid's log scale."""
        return _normal_log_density(log_value, self.mu, self.sigma)


class HierarchicalGP:
    r"""GP regression with log-normal priors on amplitude, lengthscale and noise sd.

    Parameters
    ----------
    amplitude, lengthscale, sigma
        Priors of :math:`A`, :math:`\ell`, :math:`\sigma`; defaults are the exercise's
        LogNormal(-1, 1), LogNormal(0, 1), LogNormal(0, 1).

    >>> prior = HierarchicalGP().prior_predictive(np.linspace(0, 1, 3), draws=2, seed=1)
    >>> list(prior.columns), len(prior)
    (['draw', 'x', 'f'], 6)
    """

    def __init__(
        self,
        amplitude: LogNormal = LogNormal(-1.0, 1.0),
        lengthscale: LogNormal = LogNormal(0.0, 1.0),
        sigma: LogNormal = LogNormal(0.0, 1.0),
    ) -> None:
        for name, prior in (
            ("amplitude", amplitude),
            ("lengthscale", lengthscale),
            ("sigma", sigma),
        ):
            if not isinstance(prior, LogNormal):
                raise ValueError(f"{name} must be a LogNormal prior, got {type(prior).__name__}")
        self.priors = {"A": amplitude, "lengthscale": lengthscale, "sigma": sigma}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.priors.items())
        return f"HierarchicalGP({inner})"

    def prior_predictive(
        self, x_grid: Any, draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """Draw ``draws`` functions :math:`f` from the prior: :math:`(A, \\ell)` then :math:`f`.

        Returns a long DataFrame with columns ``draw``, ``x``, ``f``.
        """
        grid = as_vector(x_grid, "x_grid")
        draws = positive_count(draws, "draws")
        rng = np.random.default_rng(seed)
        amplitudes = self.priors["A"].sample(rng, draws)
        lengthscales = self.priors["lengthscale"].sample(rng, draws)
        paths = np.empty((draws, grid.size))
        with _single_threaded_blas():
            for i in range(draws):
                root = psd_square_root(_unit_rbf(grid, grid, lengthscales[i]), "prior covariance")
                paths[i] = amplitudes[i] * (root @ rng.standard_normal(grid.size))
        return _long_frame(grid, paths)

    def fit(
        self, x: Any, y: Any, method: str = "nuts", seed: int | None = None, **options: Any
    ) -> GridPosterior | NutsPosterior:
        """Posterior of the hyperparameters given data; ``method`` is ``"nuts"`` or ``"grid"``.

        ``options`` go to :meth:`fit_nuts` (``sampler``, ``draws``, ``tune``, ``chains``,
        ``cores``, ``target_accept``, ``init``, ``progressbar``, ``compile_dir``) or
        :meth:`fit_grid` (``grid_size``);
        ``seed`` matters for NUTS only, the grid posterior being deterministic.
        """
        fitters = {"nuts": self.fit_nuts, "grid": self.fit_grid}
        if method not in fitters:
            raise ValueError(f"method must be 'nuts' or 'grid', got {method!r}")
        accepted = set(inspect.signature(fitters[method]).parameters) - {"x", "y", "seed"}
        unknown = sorted(set(options) - accepted)
        if unknown:
            raise ValueError(
                f"unknown option(s) {unknown} for method={method!r}; it accepts {sorted(accepted)}"
            )
        if method == "nuts":
            return self.fit_nuts(x, y, seed=seed, **options)
        return self.fit_grid(x, y, **options)

    def fit_grid(self, x: Any, y: Any, grid_size: int = 40) -> GridPosterior:
        """Exact posterior on a ``grid_size``³ grid over the log hyperparameters.

        A coarse 24³ pass over the prior (mean +- 4 sd on the log scale) finds where
        the posterior mass is; the grid is then zoomed three times onto the box where the log
        posterior is within 25 of its maximum (plus one cell on each side), and the last
        ``grid_size``³ grid gives the posterior. Where that box reaches an end of the grid, the
        grid is first extended on that side (up to 8 times); a warning says if the final grid
        still leaves probability above 1e-6 at an end.
        """
        x, y = as_xy(x, y)
        grid_size = positive_count(grid_size, "grid_size")
        if grid_size < 3:
            raise ValueError(f"grid_size must be at least 3, got {grid_size}")
        axes = {
            name: np.linspace(prior.mu - 4 * prior.sigma, prior.mu + 4 * prior.sigma, 24)
            for name, prior in self.priors.items()
        }
        with _single_threaded_blas():
            zooms = extensions = 0
            while zooms < 3:
                log_posterior = self._grid_log_posterior(x, y, axes)
                axes, extended = _zoom(axes, log_posterior, grid_size)
                if extended and extensions < _MAX_EXTENSIONS:
                    extensions += 1
                else:
                    zooms += 1
            log_posterior = self._grid_log_posterior(x, y, axes)
        weights = np.exp(log_posterior - log_posterior.max())
        posterior = GridPosterior(self, x, y, axes, weights / weights.sum())
        for name in PARAMETERS:
            ends = posterior.marginal(name)["probability"].to_numpy()[[0, -1]]
            if ends.max() > 1e-6:
                warnings.warn(
                    f"the grid posterior of {name} has probability {ends.max():.1e} at an end "
                    "of its grid: the posterior may reach beyond it",
                    RuntimeWarning,
                    stacklevel=2,
                )
        return posterior

    def fit_nuts(
        self,
        x: Any,
        y: Any,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 2,
        cores: int | None = None,
        seed: int | None = None,
        target_accept: float = 0.8,
        init: str | None = None,
        progressbar: bool | None = None,
        compile_dir: str | os.PathLike[str] | None = None,
        sampler: str = "nutpie",
    ) -> NutsPosterior:
        """Sample the posterior with NUTS: nutpie (``sampler="nutpie"``) or PyMC's
        (``sampler="pymc"``).

        log A and log lengthscale are correlated a posteriori, so both samplers adapt to the
        correlation. nutpie (the default) uses its low-rank modified mass matrix
        (``low_rank_modified_mass_matrix=True``, marked experimental by nutpie). It compiles the
        model with Numba once per process, data and priors (15 to 35 s with Numba's disk cache
        filled, about 1.5 minutes without), keeps the compiled model for later fits of the same
        data, and samples 2 chains x 2000 steps in about 11 s of CPU in all. PyMC compiles in
        seconds (C code, cached on disk) but needs about four times that CPU time to sample;
        ``init`` applies to it only, ``None`` meaning ``"jitter+adapt_full"``, a dense mass matrix,
        with which PyMC needs about a third fewer leapfrog steps per draw than with its diagonal
        default (``"jitter+adapt_diag"``). A fixed ``seed`` makes either sampler's draws
        reproducible.
        ``progressbar=None`` shows progress only when stderr is a terminal (so the command line
        shows it and tests stay quiet). ``compile_dir`` (or ``$STATLAB_PYTENSOR_CACHE``) sets
        PyTensor's compile cache. Warns when any transition diverged.
        """
        x, y = as_xy(x, y)
        draws = positive_count(draws, "draws")
        tune = positive_count(tune, "tune")
        chains = positive_count(chains, "chains")
        if not 0 < target_accept < 1:
            raise ValueError(f"target_accept must be in (0, 1), got {target_accept!r}")
        if sampler not in ("nutpie", "pymc"):
            raise ValueError(f"sampler must be 'nutpie' or 'pymc', got {sampler!r}")
        if init is not None and sampler != "pymc":
            raise ValueError(f"init applies to sampler='pymc' only, got init={init!r}")
        show_progress = sys.stderr.isatty() if progressbar is None else bool(progressbar)
        cores = min(chains, os.cpu_count() or 1) if cores is None else cores
        pm = _import_pymc(compile_dir)
        with (
            _quiet_pymc_logs(not show_progress),
            _single_threaded_blas(),
            warnings.catch_warnings(),
        ):
            # measured: linking PyTensor to the system's reference BLAS made the 100 x 100
            # Cholesky steps slower, so its "could not link to a BLAS" advice is noise here
            warnings.filterwarnings("ignore", "PyTensor could not link to a BLAS")
            warnings.filterwarnings("ignore", "QuadPotentialFullAdapt is an experimental")
            if sampler == "nutpie":
                import nutpie

                idata = nutpie.sample(
                    self._nutpie_model(pm, x, y),
                    draws=draws,
                    tune=tune,
                    chains=chains,
                    cores=cores,
                    seed=seed,
                    target_accept=target_accept,
                    low_rank_modified_mass_matrix=True,
                    save_warmup=False,
                    progress_bar=show_progress,
                )
                # nutpie also stores the unconstrained draws (A_log__, ...); PyMC does not
                idata.posterior = idata.posterior[list(PARAMETERS)]
            else:
                model, _ = self._pymc_model(pm, x, y)
                with model:
                    idata = pm.sample(
                        draws=draws,
                        tune=tune,
                        chains=chains,
                        cores=cores,
                        random_seed=seed,
                        target_accept=target_accept,
                        init="jitter+adapt_full" if init is None else init,
                        progressbar=show_progress,
                        compute_convergence_checks=False,
                    )
        posterior = NutsPosterior(self, x, y, idata, compile_dir)
        divergences = posterior.diagnostics()["divergences"]
        if divergences:
            warnings.warn(
                f"NUTS had {divergences} divergent transitions; raise target_accept",
                RuntimeWarning,
                stacklevel=2,
            )
        return posterior

    def _nutpie_model(self, pm: Any, x: np.ndarray, y: np.ndarray) -> Any:
        """The model compiled for nutpie, reused for the same priors and data in this process
        (compiling costs far more than sampling)."""
        key = (tuple(self.priors.items()), x.tobytes(), y.tobytes())
        if key not in _NUTPIE_MODELS:
            import nutpie

            model, _ = self._pymc_model(pm, x, y)
            compiled = nutpie.compile_pymc_model(model, backend="numba", var_names=PARAMETERS)
            while len(_NUTPIE_MODELS) >= _NUTPIE_MODELS_KEPT:
                del _NUTPIE_MODELS[next(iter(_NUTPIE_MODELS))]
            _NUTPIE_MODELS[key] = compiled
        return _NUTPIE_MODELS[key]

    def _pymc_model(self, pm: Any, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        with pm.Model() as model:
            amplitude = pm.LogNormal("A", mu=self.priors["A"].mu, sigma=self.priors["A"].sigma)
            lengthscale = pm.LogNormal(
                "lengthscale",
                mu=self.priors["lengthscale"].mu,
                sigma=self.priors["lengthscale"].sigma,
            )
            noise = pm.LogNormal(
                "sigma", mu=self.priors["sigma"].mu, sigma=self.priors["sigma"].sigma
            )
            process = pm.gp.Marginal(cov_func=amplitude**2 * pm.gp.cov.ExpQuad(1, ls=lengthscale))
            process.marginal_likelihood("y", X=x[:, None], y=y, sigma=noise)
        return model, process

    def _grid_log_posterior(
        self, x: np.ndarray, y: np.ndarray, axes: dict[str, np.ndarray]
    ) -> np.ndarray:
        """Log prior + log marginal likelihood on the grid, indexed [A, lengthscale, sigma]."""
        amplitude_sq = np.exp(2 * axes["A"])[:, None, None]
        noise_sq = np.exp(2 * axes["sigma"])[None, :, None]
        log_likelihood = np.empty((axes["A"].size, axes["lengthscale"].size, axes["sigma"].size))
        for j, log_lengthscale in enumerate(axes["lengthscale"]):
            eigenvalues, eigenvectors = scipy.linalg.eigh(
                _unit_rbf(x, x, float(np.exp(log_lengthscale)))
            )
            projected_sq = (eigenvectors.T @ y) ** 2
            total = amplitude_sq * np.clip(eigenvalues, 0.0, None) + noise_sq
            log_likelihood[:, j, :] = -0.5 * (
                np.sum(projected_sq / total, axis=2)
                + np.sum(np.log(total), axis=2)
                + x.size * np.log(2 * np.pi)
            )
        log_prior = sum(
            np.expand_dims(
                self.priors[name].log_density_of_log(axes[name]),
                axis=tuple(a for a in range(3) if a != position),
            )
            for position, name in enumerate(PARAMETERS)
        )
        return log_likelihood + log_prior


class _Posterior:
    """What both posteriors share: summaries of predictions along x."""

    model: HierarchicalGP
    x: np.ndarray
    y: np.ndarray

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Hyperparameter points (rows A, lengthscale, sigma) and their weights."""
        raise NotImplementedError

    def predictive_summary(self, x_grid: Any) -> pd.DataFrame:
        r"""Posterior mean and sd of :math:`f` along ``x_grid``, mixing the closed-form GP
        posterior over the hyperparameter posterior (its grid cells, or its NUTS draws):

        .. math::

            E[f_*] = \sum_k w_k \mu_k, \qquad
            \operatorname{Var}[f_*] = \sum_k w_k (\sigma_k^2 + \mu_k^2) - E[f_*]^2.

        Returns a DataFrame with columns ``x``, ``mean``, ``sd``.
        """
        grid = as_vector(x_grid, "x_grid")
        points, weights = self._weighted_points()
        first, second = np.zeros(grid.size), np.zeros(grid.size)
        with _single_threaded_blas():
            for lengthscale in np.unique(points[1]):
                here = points[1] == lengthscale
                means, variances = _conditional_moments(
                    self.x, self.y, grid, points[0, here], float(lengthscale), points[2, here]
                )
                first += weights[here] @ means
                second += weights[here] @ (variances + means**2)
        total = weights.sum()
        mean = first / total
        return pd.DataFrame(
            {"x": grid, "mean": mean, "sd": np.sqrt(np.clip(second / total - mean**2, 0, None))}
        )


class GridPosterior(_Posterior):
    """Exact posterior of the hyperparameters on a grid over their logarithms.

    Attributes: ``axes`` (log-scale grid of each of A, lengthscale, sigma) and ``weights``
    (posterior probability of each grid cell, indexed [A, lengthscale, sigma]).
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
        self.model, self.x, self.y, self.axes, self.weights = model, x, y, axes, weights

    def marginal(self, name: str) -> pd.DataFrame:
        """Marginal posterior of one hyperparameter: columns ``value`` and ``probability``."""
        if name not in PARAMETERS:
            raise ValueError(f"name must be one of {PARAMETERS}, got {name!r}")
        position = PARAMETERS.index(name)
        others = tuple(a for a in range(3) if a != position)
        return pd.DataFrame(
            {"value": np.exp(self.axes[name]), "probability": self.weights.sum(axis=others)}
        )

    def hyperparameters(self) -> pd.DataFrame:
        """Posterior mean, sd and 5/50/95% quantiles of A, lengthscale and sigma.

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
                    label: float(np.exp(np.interp(q, cdf, edges)))
                    for label, q in _QUANTILES.items()
                },
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def posterior_predictive(
        self, x_grid: Any, draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """Draw ``draws`` functions :math:`f` from the posterior mixture over grid cells.

        Each draw picks a cell with its posterior probability, then draws :math:`f` from the GP
        posterior given that cell's (A, lengthscale, sigma). Long DataFrame: ``draw``, ``x``, ``f``.
        """
        grid = as_vector(x_grid, "x_grid")
        draws = positive_count(draws, "draws")
        rng = np.random.default_rng(seed)
        cells = rng.choice(self.weights.size, size=draws, p=self.weights.reshape(-1))
        a_index, l_index, s_index = np.unravel_index(cells, self.weights.shape)
        paths = np.empty((draws, grid.size))
        with _single_threaded_blas():
            for i in range(draws):
                mean, covariance = _conditional_mean_covariance(
                    self.x,
                    self.y,
                    grid,
                    float(np.exp(self.axes["A"][a_index[i]])),
                    float(np.exp(self.axes["lengthscale"][l_index[i]])),
                    float(np.exp(self.axes["sigma"][s_index[i]])),
                )
                root = psd_square_root(covariance, "posterior covariance")
                paths[i] = mean + root @ rng.standard_normal(grid.size)
        return _long_frame(grid, paths)

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        keep = self.weights > self.weights.max() * np.exp(-_NEGLIGIBLE_LOG_WEIGHT)
        indices = np.nonzero(keep)
        points = np.stack(
            [np.exp(self.axes[name][indices[k]]) for k, name in enumerate(PARAMETERS)]
        )
        return points, self.weights[keep]


class NutsPosterior(_Posterior):
    """PyMC NUTS posterior; the ArviZ ``InferenceData`` is on ``idata``."""

    method = "nuts"

    def __init__(
        self,
        model: HierarchicalGP,
        x: np.ndarray,
        y: np.ndarray,
        idata: Any,
        compile_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.model, self.x, self.y, self.idata = model, x, y, idata
        self._compile_dir = compile_dir

    def _samples(self, name: str) -> np.ndarray:
        return self.idata.posterior[name].to_numpy().reshape(-1)

    def hyperparameters(self) -> pd.DataFrame:
        """Posterior mean, sd, 5/50/95% quantiles, ``r_hat``, ``ess_bulk`` and ``mcse_mean``."""
        import arviz as az

        rhat = az.rhat(self.idata, var_names=list(PARAMETERS))
        ess = az.ess(self.idata, var_names=list(PARAMETERS), method="bulk")
        mcse = az.mcse(self.idata, var_names=list(PARAMETERS), method="mean")
        rows = {}
        for name in PARAMETERS:
            samples = self._samples(name)
            rows[name] = {
                "mean": float(samples.mean()),
                "sd": float(samples.std(ddof=1)),
                **{label: float(np.quantile(samples, q)) for label, q in _QUANTILES.items()},
                "r_hat": float(rhat[name]),
                "ess_bulk": float(ess[name]),
                "mcse_mean": float(mcse[name]),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def diagnostics(self) -> dict[str, float]:
        """Divergent transitions, the largest R-hat and the smallest bulk ESS."""
        summary = self.hyperparameters()
        return {
            "divergences": int(self.idata.sample_stats["diverging"].sum()),
            "max_r_hat": float(summary["r_hat"].max()),
            "min_ess_bulk": float(summary["ess_bulk"].min()),
        }

    def posterior_predictive(
        self, x_grid: Any, draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """``draws`` functions from ``gp.conditional`` on ``x_grid``, each at a posterior draw
        of (A, lengthscale, sigma) picked at random. Long DataFrame: ``draw``, ``x``, ``f``.
        """
        import xarray as xr

        grid = as_vector(x_grid, "x_grid")
        draws = positive_count(draws, "draws")
        rng = np.random.default_rng(seed)
        available = self._samples(PARAMETERS[0]).size
        chosen = rng.choice(available, size=draws, replace=draws > available)
        subset = xr.Dataset(
            {
                name: (("chain", "draw"), self._samples(name)[chosen][None, :])
                for name in PARAMETERS
            },
            coords={"chain": [0], "draw": np.arange(draws)},
        )
        pm = _import_pymc(self._compile_dir)
        model, process = self.model._pymc_model(pm, self.x, self.y)
        with model, _quiet_pymc_logs(True), _single_threaded_blas(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "PyTensor could not link to a BLAS")
            process.conditional("f_new", grid[:, None])
            predictive = pm.sample_posterior_predictive(
                subset,
                var_names=["f_new"],
                random_seed=int(rng.integers(2**31)),
                progressbar=False,
            )
        paths = predictive.posterior_predictive["f_new"].to_numpy().reshape(draws, grid.size)
        return _long_frame(grid, paths)

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        points = np.stack([self._samples(name) for name in PARAMETERS])
        return points, np.ones(points.shape[1])


def uncertainty_by_density(
    posterior: GridPosterior | NutsPosterior, x_grid: Any, bandwidth: float = 0.5
) -> pd.DataFrame:
    r"""Posterior sd of :math:`f` along ``x_grid`` next to the local density of observations.

    ``density`` is a Gaussian kernel density estimate of the observed x with the given
    ``bandwidth`` (observations per unit of x), ``n_nearby`` the number of observations within
    ``bandwidth`` of each grid point.

    Returns a DataFrame with columns ``x``, ``mean``, ``sd``, ``density``, ``n_nearby``.
    """
    bandwidth = positive(bandwidth, "bandwidth")
    summary = posterior.predictive_summary(x_grid)
    offsets = np.subtract.outer(summary["x"].to_numpy(), posterior.x)
    summary["density"] = np.exp(_normal_log_density(offsets, 0.0, bandwidth)).sum(axis=1)
    summary["n_nearby"] = (np.abs(offsets) <= bandwidth).sum(axis=1)
    return summary


def _normal_log_density(value: Any, mean: float, sd: float) -> Any:
    """Normal log density, written out because importing scipy.stats costs seconds."""
    return -0.5 * ((value - mean) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)


def _unit_rbf(x1: np.ndarray, x2: np.ndarray, lengthscale: float) -> np.ndarray:
    return np.exp(-0.5 * np.subtract.outer(x1, x2) ** 2 / lengthscale**2)


def _conditional_moments(
    x: np.ndarray,
    y: np.ndarray,
    grid: np.ndarray,
    amplitudes: np.ndarray,
    lengthscale: float,
    noises: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and variances of f on ``grid`` for many (A, sigma) at one lengthscale.

    With :math:`C = U \\Lambda U^\\top` and :math:`V = U^\\top C(X, X_*)`:
    mean :math:`= A^2 V^\\top D^{-1} U^\\top y`, variance :math:`= A^2 - A^4 \\operatorname{diag}
    (V^\\top D^{-1} V)`, :math:`D = A^2 \\Lambda + \\sigma^2 I`.
    """
    eigenvalues, eigenvectors = scipy.linalg.eigh(_unit_rbf(x, x, lengthscale))
    projected = eigenvectors.T @ _unit_rbf(x, grid, lengthscale)
    amplitude_sq = amplitudes[:, None] ** 2
    inverse = 1.0 / (amplitude_sq * np.clip(eigenvalues, 0.0, None) + noises[:, None] ** 2)
    means = amplitude_sq * ((inverse * (eigenvectors.T @ y)) @ projected)
    variances = amplitude_sq - amplitude_sq**2 * (inverse @ projected**2)
    return means, np.clip(variances, 0.0, None)


def _conditional_mean_covariance(
    x: np.ndarray,
    y: np.ndarray,
    grid: np.ndarray,
    amplitude: float,
    lengthscale: float,
    noise: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean vector and covariance matrix of f on ``grid`` for one hyperparameter set."""
    covariance = amplitude**2 * _unit_rbf(x, x, lengthscale) + noise**2 * np.eye(x.size)
    cross = amplitude**2 * _unit_rbf(x, grid, lengthscale)
    factor = (cholesky_with_jitter(covariance, "marginal covariance K"), True)
    mean = cross.T @ scipy.linalg.cho_solve(factor, y)
    prior = amplitude**2 * _unit_rbf(grid, grid, lengthscale)
    return mean, prior - cross.T @ scipy.linalg.cho_solve(factor, cross)


def _zoom(
    axes: dict[str, np.ndarray], log_posterior: np.ndarray, grid_size: int
) -> tuple[dict[str, np.ndarray], bool]:
    """New axes spanning the cells within 25 of the maximum log posterior, plus one cell; where
    those cells reach an end of an axis, the axis is extended by its whole width on that side.
    Also returns whether any axis was extended."""
    significant = np.nonzero(log_posterior >= log_posterior.max() - _NEGLIGIBLE_LOG_WEIGHT)
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


def _long_frame(grid: np.ndarray, paths: np.ndarray) -> pd.DataFrame:
    draws = paths.shape[0]
    return pd.DataFrame(
        {
            "draw": np.repeat(np.arange(draws), grid.size),
            "x": np.tile(grid, draws),
            "f": paths.reshape(-1),
        }
    )


def _import_pymc(compile_dir: str | os.PathLike[str] | None) -> Any:
    """Import PyMC after pointing PyTensor's compile cache at ``compile_dir`` (if any)."""
    _use_compile_dir(compile_dir)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="arviz")
        import pymc

    return pymc


def _use_compile_dir(compile_dir: str | os.PathLike[str] | None) -> None:
    """Map ``compile_dir`` or ``$STATLAB_PYTENSOR_CACHE`` to ``PYTENSOR_FLAGS=base_compiledir=``.

    PyTensor reads its flags once, on import; if it is already imported with another directory,
    warn instead of pretending the setting took effect.
    """
    directory = compile_dir or os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if not directory:
        return
    directory = str(Path(directory).expanduser().resolve())
    if "pytensor" in sys.modules:
        import pytensor

        if str(Path(pytensor.config.base_compiledir).resolve()) != directory:
            warnings.warn(
                f"PyTensor was already imported with base_compiledir="
                f"{pytensor.config.base_compiledir}; compile_dir={directory} is ignored "
                f"(set {CACHE_ENVIRONMENT_VARIABLE} before the first NUTS fit)",
                RuntimeWarning,
                stacklevel=4,
            )
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = ",".join(
        part for part in (flags, f"base_compiledir={directory}") if part
    )


@contextmanager
def _single_threaded_blas() -> Any:
    """Limit BLAS to one thread: on 100 x 100 matrices threads only add overhead, and on a busy
    machine OpenBLAS's spinning threads make every factorisation many times slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def _quiet_pymc_logs(quiet: bool) -> Any:
    logger = logging.getLogger("pymc")
    previous = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)
