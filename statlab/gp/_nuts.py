"""The hierarchical GP sampled with NUTS: the PyMC model, the samplers (nutpie or PyMC's own), and
the runtime they need (PyTensor's compile cache, a per-process cache of compiled nutpie models,
quiet logs). PyMC, PyTensor and nutpie are imported only here, on first use.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.gp._linalg import single_threaded_blas
from statlab.gp._posterior import PARAMETERS, QUANTILES, Posterior, long_frame

if TYPE_CHECKING:
    from statlab.gp.hierarchical import HierarchicalGP

#: Environment variable naming PyTensor's compile-cache directory for NUTS fits.
CACHE_ENVIRONMENT_VARIABLE = "STATLAB_PYTENSOR_CACHE"
SAMPLERS = ("nutpie", "pymc")
_NUTPIE_MODELS: dict[tuple[Any, ...], Any] = {}  # compiled nutpie models, oldest first
_NUTPIE_MODELS_KEPT = 4


def fit_nuts(
    model: HierarchicalGP,
    x: np.ndarray,
    y: np.ndarray,
    *,
    n_draws: Any,
    tune: Any,
    chains: Any,
    n_jobs: Any,
    seed: Any,
    target_accept: Any,
    init: Any,
    progress: Any,
    compile_dir: Any,
    sampler: Any,
) -> NutsPosterior:
    """Check the sampler settings, sample, and warn about divergences (see
    :meth:`statlab.gp.HierarchicalGP.fit_nuts`)."""
    n_draws = check.integer(n_draws, "n_draws", low=1)
    tune = check.integer(tune, "tune", low=1)
    chains = check.integer(chains, "chains", low=1)
    cores = (
        min(chains, os.cpu_count() or 1)
        if n_jobs is None
        else check.integer(n_jobs, "n_jobs", low=1)
    )
    seed = resolved_seed(seed)
    target_accept = check.real(
        target_accept, "target_accept", low=0, high=1, low_open=True, high_open=True
    )
    sampler = check.option(sampler, "sampler", SAMPLERS)
    if init is not None and sampler != "pymc":
        raise check.InvalidArgumentError(f"init applies to sampler='pymc' only, got init={init!r}")
    if compile_dir is not None and not isinstance(compile_dir, str | os.PathLike):
        raise check.ArgumentTypeError(f"compile_dir must be a path or None, got {compile_dir!r}")
    show_progress = sys.stderr.isatty() if progress is None else check.flag(progress, "progress")
    pm = import_pymc(compile_dir)
    with _quiet_pymc_logs(not show_progress), single_threaded_blas(), warnings.catch_warnings():
        # measured: linking PyTensor to the system's reference BLAS made the 100 x 100 Cholesky
        # steps slower, so its "could not link to a BLAS" advice is noise here
        warnings.filterwarnings("ignore", "PyTensor could not link to a BLAS")
        warnings.filterwarnings("ignore", "QuadPotentialFullAdapt is an experimental")
        if sampler == "nutpie":
            import nutpie

            idata = nutpie.sample(
                _nutpie_model(model, pm, x, y),
                draws=n_draws,
                tune=tune,
                chains=chains,
                cores=cores,
                seed=seed,
                target_accept=target_accept,
                low_rank_modified_mass_matrix=True,
                save_warmup=False,
                progress_bar=show_progress,
            )
            # nutpie also stores the unconstrained draws (amplitude_log__, ...); PyMC does not
            idata.posterior = idata.posterior[list(PARAMETERS)]
        else:
            pymc_model, _ = pymc_model_of(model, pm, x, y)
            with pymc_model:
                idata = pm.sample(
                    draws=n_draws,
                    tune=tune,
                    chains=chains,
                    cores=cores,
                    random_seed=seed,
                    target_accept=target_accept,
                    init="jitter+adapt_full" if init is None else init,
                    progressbar=show_progress,
                    compute_convergence_checks=False,
                )
    posterior = NutsPosterior(model, x, y, idata, compile_dir, seed)
    divergences = posterior.diagnostics()["divergences"]
    if divergences:
        warnings.warn(
            f"NUTS had {divergences} divergent transitions; raise target_accept",
            RuntimeWarning,
            stacklevel=3,
        )
    return posterior


def pymc_model_of(model: HierarchicalGP, pm: Any, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
    """The PyMC model: ``pm.gp.Marginal`` with ``amplitude**2 * ExpQuad(1, ls=length_scale)``."""
    priors = model.priors
    with pm.Model() as pymc_model:
        amplitude = pm.LogNormal(
            "amplitude", mu=priors["amplitude"].mu, sigma=priors["amplitude"].sigma
        )
        length_scale = pm.LogNormal(
            "length_scale", mu=priors["length_scale"].mu, sigma=priors["length_scale"].sigma
        )
        noise_sd = pm.LogNormal(
            "noise_sd", mu=priors["noise_sd"].mu, sigma=priors["noise_sd"].sigma
        )
        process = pm.gp.Marginal(cov_func=amplitude**2 * pm.gp.cov.ExpQuad(1, ls=length_scale))
        process.marginal_likelihood("y", X=x[:, None], y=y, sigma=noise_sd)
    return pymc_model, process


def _nutpie_model(model: HierarchicalGP, pm: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """The model compiled for nutpie, reused for the same priors and data in this process
    (compiling costs far more than sampling)."""
    key = (tuple(model.priors.items()), x.tobytes(), y.tobytes())
    if key not in _NUTPIE_MODELS:
        import nutpie

        pymc_model, _ = pymc_model_of(model, pm, x, y)
        compiled = nutpie.compile_pymc_model(pymc_model, backend="numba", var_names=PARAMETERS)
        while len(_NUTPIE_MODELS) >= _NUTPIE_MODELS_KEPT:
            del _NUTPIE_MODELS[next(iter(_NUTPIE_MODELS))]
        _NUTPIE_MODELS[key] = compiled
    return _NUTPIE_MODELS[key]


class NutsPosterior(Posterior):
    """NUTS posterior of the hyperparameters; the ArviZ ``InferenceData`` is on ``idata``, the
    sampler's seed (fresh when the fit gave None) on ``seed``."""

    method = "nuts"

    def __init__(
        self,
        model: HierarchicalGP,
        x: np.ndarray,
        y: np.ndarray,
        idata: Any,
        compile_dir: str | os.PathLike[str] | None = None,
        seed: int | None = None,
    ) -> None:
        self._set_once(model=model, x=x, y=y, idata=idata, _compile_dir=compile_dir, seed=seed)

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
                **{label: float(np.quantile(samples, q)) for label, q in QUANTILES.items()},
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

    @check.renamed(draws="n_draws")
    def posterior_predictive(
        self, x_grid: Any, *, n_draws: int = 50, seed: int | None = None
    ) -> pd.DataFrame:
        """``n_draws`` functions from ``gp.conditional`` on ``x_grid``, each at a posterior draw
        of the hyperparameters picked at random. Long DataFrame: ``draw``, ``x``, ``f``;
        ``attrs["seed"]`` is the seed used (fresh when ``seed`` is None).
        """
        import xarray as xr

        grid = check.vector(x_grid, "x_grid")
        n_draws = check.integer(n_draws, "n_draws", low=1)
        seed = resolved_seed(seed)
        rng = np.random.default_rng(seed)
        available = self._samples(PARAMETERS[0]).size
        chosen = rng.choice(available, size=n_draws, replace=n_draws > available)
        subset = xr.Dataset(
            {
                name: (("chain", "draw"), self._samples(name)[chosen][None, :])
                for name in PARAMETERS
            },
            coords={"chain": [0], "draw": np.arange(n_draws)},
        )
        pm = import_pymc(self._compile_dir)
        pymc_model, process = pymc_model_of(self.model, pm, self.x, self.y)
        with (
            pymc_model,
            _quiet_pymc_logs(True),
            single_threaded_blas(),
            warnings.catch_warnings(),
        ):
            warnings.filterwarnings("ignore", "PyTensor could not link to a BLAS")
            process.conditional("f_new", grid[:, None])
            predictive = pm.sample_posterior_predictive(
                subset,
                var_names=["f_new"],
                random_seed=int(rng.integers(2**31)),
                progressbar=False,
            )
        paths = predictive.posterior_predictive["f_new"].to_numpy().reshape(n_draws, grid.size)
        return long_frame(grid, paths, seed)

    def _weighted_points(self) -> tuple[np.ndarray, np.ndarray]:
        points = np.stack([self._samples(name) for name in PARAMETERS])
        return points, np.ones(points.shape[1])

    def __repr__(self) -> str:
        chains = self.idata.posterior.sizes["chain"]
        draws = self.idata.posterior.sizes["draw"]
        return (
            f"NutsPosterior({chains} chains x {draws} draws, backend={self.backend!r})\n"
            f"{self.summary().round(4)}"
        )


def import_pymc(compile_dir: str | os.PathLike[str] | None) -> Any:
    """Import PyMC after pointing PyTensor's compile cache at ``compile_dir`` (if any)."""
    use_compile_dir(compile_dir)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="arviz")
        import pymc

    return pymc


def use_compile_dir(compile_dir: str | os.PathLike[str] | None) -> None:
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
def _quiet_pymc_logs(quiet: bool) -> Iterator[None]:
    logger = logging.getLogger("pymc")
    previous = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)
