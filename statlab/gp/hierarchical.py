r"""The hierarchical GP of the exercise "Prior and Posterior Predictive Distributions": the model
and its priors. The grid solver is in ``_grid.py``, the NUTS runtime in ``_nuts.py``, what their
posteriors share in ``_posterior.py``.

.. math::

    A \sim \operatorname{LogNormal}(-1, 1), \quad
    \ell \sim \operatorname{LogNormal}(0, 1), \quad
    \sigma \sim \operatorname{LogNormal}(0, 1),

    f \mid A, \ell \sim GP\!\left(0,\; A^2 \exp\!\left(-\frac{(x - x')^2}{2 \ell^2}\right)\right),
    \qquad y_i = f(x_i) + \varepsilon_i, \quad \varepsilon_i \sim N(0, \sigma^2).

In statlab's vocabulary :math:`A` is ``amplitude`` (the sd of :math:`f(x)`, as in the written
model), :math:`\ell` ``length_scale`` and :math:`\sigma` ``noise_sd``. The course's greta code,
``rbf(lengthscale, amplitude)``, passes :math:`A` as the kernel *variance*; statlab follows the
maths, so greta's variance corresponds to statlab's :math:`A^2`. The kernel is
:class:`statlab.gp.kernels.RBF`, the likelihood and posterior the GP core's.

Two ways to fit it:

``method="nuts"``
    PyMC model: ``pm.gp.Marginal`` with ``amplitude**2 * ExpQuad(1, ls=length_scale)``, NUTS over
    the three hyperparameters, predictions with ``gp.conditional``. The sampler is nutpie
    (``sampler="nutpie"``, the default: PyTensor's graph compiled with Numba, NUTS in Rust, about
    a quarter of PyMC's CPU time per fit once compiled) or PyMC's own NUTS (``sampler="pymc"``).
    PyTensor keeps its compiled code in a cache directory: pass ``compile_dir=`` or set the
    environment variable ``STATLAB_PYTENSOR_CACHE`` (it must be chosen before PyTensor is first
    imported in the process).
``method="grid"``
    The exact posterior of :math:`(\log A, \log \ell, \log \sigma)` by quadrature on a grid of
    prior times marginal likelihood (one eigendecomposition per length scale makes every
    (amplitude, noise sd) pair cost :math:`O(n)`).

Example
-------
>>> import numpy as np
>>> import statlab as sl
>>> from statlab import gp
>>> d = sl.data.load("gp_observed")
>>> post = gp.HierarchicalGP().fit(d["x"], d["y"], method="grid", grid_size=20)
>>> post.summary()[["mean", "sd"]].round(2)
              mean    sd
amplitude     0.95  0.35
length_scale  1.69  0.35
noise_sd      0.20  0.02
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.gp._grid import GridPosterior, fit_grid
from statlab.gp._linalg import psd_square_root, single_threaded_blas
from statlab.gp._nuts import CACHE_ENVIRONMENT_VARIABLE, NutsPosterior, fit_nuts
from statlab.gp._posterior import (
    PARAMETERS,
    long_frame,
    normal_log_density,
    uncertainty_by_density,
)
from statlab.gp.kernels import RBF

__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "PARAMETERS",
    "GridPosterior",
    "HierarchicalGP",
    "LogNormal",
    "NutsPosterior",
    "uncertainty_by_density",
]


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
        object.__setattr__(self, "mu", check.real(self.mu, "mu"))
        object.__setattr__(self, "sigma", check.positive(self.sigma, "sigma"))

    @property
    def median(self) -> float:
        return float(np.exp(self.mu))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.exp(rng.normal(self.mu, self.sigma, size))

    def log_density_of_log(self, log_value: np.ndarray) -> np.ndarray:
        """Log density of :math:`\\log \\theta` (a normal), the prior on the grid's log scale."""
        return normal_log_density(log_value, self.mu, self.sigma)


class HierarchicalGP:
    r"""GP regression with log-normal priors on amplitude, length scale and noise sd.

    Parameters
    ----------
    amplitude, length_scale, noise_sd
        Priors of :math:`A`, :math:`\ell`, :math:`\sigma`; defaults are the exercise's
        LogNormal(-1, 1), LogNormal(0, 1), LogNormal(0, 1). ``lengthscale=`` and ``sigma=`` are
        deprecated names of the last two.

    >>> prior = HierarchicalGP().prior_predictive(np.linspace(0, 1, 3), n_draws=2, seed=1)
    >>> list(prior.columns), len(prior)
    (['draw', 'x', 'f'], 6)
    """

    @check.renamed(lengthscale="length_scale", sigma="noise_sd")
    def __init__(
        self,
        *,
        amplitude: LogNormal = LogNormal(-1.0, 1.0),
        length_scale: LogNormal = LogNormal(0.0, 1.0),
        noise_sd: LogNormal = LogNormal(0.0, 1.0),
    ) -> None:
        priors = {"amplitude": amplitude, "length_scale": length_scale, "noise_sd": noise_sd}
        for name, prior in priors.items():
            if not isinstance(prior, LogNormal):
                raise check.ArgumentTypeError(
                    f"{name} must be a LogNormal prior, got {type(prior).__name__}"
                )
        self.priors = priors

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.priors.items())
        return f"HierarchicalGP({inner})"

    @check.renamed(draws="n_draws")
    def prior_predictive(
        self, x_grid: Any, *, n_draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """Draw ``n_draws`` functions :math:`f` from the prior: :math:`(A, \\ell)` then :math:`f`.

        Returns a long DataFrame with columns ``draw``, ``x``, ``f``; ``attrs["seed"]`` is the seed
        used (fresh when ``seed`` is None).
        """
        grid = check.vector(x_grid, "x_grid")
        n_draws = check.integer(n_draws, "n_draws", low=1)
        seed = resolved_seed(seed)
        rng = np.random.default_rng(seed)
        amplitudes = self.priors["amplitude"].sample(rng, n_draws)
        length_scales = self.priors["length_scale"].sample(rng, n_draws)
        paths = np.empty((n_draws, grid.size))
        with single_threaded_blas():
            for i in range(n_draws):
                correlation = RBF(length_scale=float(length_scales[i])).correlation(grid, grid)
                root = psd_square_root(correlation, "prior covariance")
                paths[i] = amplitudes[i] * (root @ rng.standard_normal(grid.size))
        return long_frame(grid, paths, seed)

    def fit(
        self, x: Any, y: Any, *, method: str = "nuts", seed: int | None = None, **options: Any
    ) -> GridPosterior | NutsPosterior:
        """Posterior of the hyperparameters given data; ``method`` is ``"nuts"`` or ``"grid"``.

        ``options`` go to :meth:`fit_nuts` (``sampler``, ``n_draws``, ``tune``, ``chains``,
        ``n_jobs``, ``target_accept``, ``init``, ``progress``, ``compile_dir``) or
        :meth:`fit_grid` (``grid_size``); ``seed`` matters for NUTS only, the grid posterior being
        deterministic.
        """
        method = check.option(method, "method", ("nuts", "grid"))
        accepted = {"nuts": _NUTS_OPTIONS, "grid": {"grid_size"}}[method]
        unknown = sorted(set(options) - accepted)
        if unknown:
            raise check.InvalidArgumentError(
                f"unknown option(s) {unknown} for method={method!r}; it accepts {sorted(accepted)}"
            )
        if method == "nuts":
            return self.fit_nuts(x, y, seed=seed, **options)
        check.seed(seed)
        return self.fit_grid(x, y, **options)

    def fit_grid(self, x: Any, y: Any, *, grid_size: int = 40) -> GridPosterior:
        """Exact posterior on a ``grid_size``³ grid over the log hyperparameters (``grid_size``
        at least 10: coarser grids cannot resolve the posterior).

        A coarse 24³ pass over the prior (mean +- 4 sd on the log scale) finds where the posterior
        mass is; the grid is then zoomed three times onto the box where the log posterior is
        within 25 of its maximum (plus one cell on each side), and the last ``grid_size``³ grid
        gives the posterior. Where that box reaches an end of the grid, the grid is first
        extended on that side (up to 8 times); a warning says if the final grid still leaves
        probability above 1e-6 at an end.
        """
        x_values, y_values = _xy(x, y)
        return fit_grid(self, x_values, y_values, grid_size)

    @check.renamed(draws="n_draws", cores="n_jobs", progressbar="progress")
    def fit_nuts(
        self,
        x: Any,
        y: Any,
        *,
        n_draws: int = 1000,
        tune: int = 1000,
        chains: int = 2,
        n_jobs: int | None = None,
        seed: int | None = None,
        target_accept: float = 0.8,
        init: str | None = None,
        progress: bool | None = None,
        compile_dir: str | os.PathLike[str] | None = None,
        sampler: str = "nutpie",
    ) -> NutsPosterior:
        """Sample the posterior with NUTS: nutpie (``sampler="nutpie"``) or PyMC's
        (``sampler="pymc"``), ``n_draws`` draws per chain after ``tune`` tuning steps.

        log amplitude and log length scale are correlated a posteriori, so both samplers adapt to
        the correlation. nutpie (the default) uses its low-rank modified mass matrix
        (``low_rank_modified_mass_matrix=True``, marked experimental by nutpie). It compiles the
        model with Numba once per process, data and priors (15 to 35 s with Numba's disk cache
        filled, about 1.5 minutes without), keeps the compiled model for later fits of the same
        data, and samples 2 chains x 2000 steps in about 11 s of CPU in all. PyMC compiles in
        seconds (C code, cached on disk) but needs about four times that CPU time to sample;
        ``init`` applies to it only, ``None`` meaning ``"jitter+adapt_full"``, a dense mass
        matrix. A fixed ``seed`` makes either sampler's draws reproducible.
        ``n_jobs`` chains run at once (None: as many as chains and cores allow).
        ``progress=None`` shows progress only when stderr is a terminal (so the command line
        shows it and tests stay quiet). ``compile_dir`` (or ``$STATLAB_PYTENSOR_CACHE``) sets
        PyTensor's compile cache. Warns when any transition diverged.
        """
        x_values, y_values = _xy(x, y)
        return fit_nuts(
            self,
            x_values,
            y_values,
            n_draws=n_draws,
            tune=tune,
            chains=chains,
            n_jobs=n_jobs,
            seed=seed,
            target_accept=target_accept,
            init=init,
            progress=progress,
            compile_dir=compile_dir,
            sampler=sampler,
        )


_NUTS_OPTIONS = {
    "n_draws",
    "draws",  # the deprecated name of n_draws
    "tune",
    "chains",
    "n_jobs",
    "cores",  # the deprecated name of n_jobs
    "target_accept",
    "init",
    "progress",
    "progressbar",  # the deprecated name of progress
    "compile_dir",
    "sampler",
}


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x_values, y_values = check.vector(x, "x", min_size=2), check.vector(y, "y", min_size=2)
    if x_values.size != y_values.size:
        raise check.InvalidArgumentError(
            f"y has {y_values.size} values but x has {x_values.size}: they must pair up"
        )
    return x_values, y_values
