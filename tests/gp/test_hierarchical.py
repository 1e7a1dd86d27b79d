"""Hierarchical GP: prior predictive, exact grid posterior, NUTS, and their agreement."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.stats

import statlab as sl
from statlab import gp
from statlab.gp._grid import _log_posterior
from statlab.gp.hierarchical import PARAMETERS


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return sl.data.load("gp_observed")


@pytest.fixture(scope="module")
def grid_posterior(data: pd.DataFrame) -> gp.GridPosterior:
    return gp.HierarchicalGP().fit(data["x"], data["y"], method="grid")


def test_prior_predictive_shape_and_reproducibility() -> None:
    model = gp.HierarchicalGP()
    grid = np.linspace(-2, 12, 30)
    prior = model.prior_predictive(grid, n_draws=5, seed=1)
    assert list(prior.columns) == ["draw", "x", "f"]
    assert len(prior) == 150
    pd.testing.assert_frame_equal(prior, model.prior_predictive(grid, n_draws=5, seed=1))


def test_prior_predictive_variance_is_expected_amplitude_squared() -> None:
    # Var f(x) = E[A^2] = exp(2 mu + 2 s^2) for A ~ LogNormal(mu, s)
    model = gp.HierarchicalGP(amplitude=gp.LogNormal(-0.5, 0.5))
    f = model.prior_predictive([0.0], n_draws=5000, seed=2)["f"].to_numpy()
    assert np.mean(f**2) == pytest.approx(np.exp(-1.0 + 0.5), rel=0.15)
    assert np.mean(f) == pytest.approx(0.0, abs=0.03)


def test_grid_log_posterior_equals_prior_plus_cholesky_likelihood(data: pd.DataFrame) -> None:
    model = gp.HierarchicalGP()
    x, y = data["x"].to_numpy(), data["y"].to_numpy()
    axes = {name: np.array([-0.7, 0.2]) for name in PARAMETERS}
    axes["noise_sd"] = np.array([-1.6, -1.2])
    log_posterior = _log_posterior(model, x, y, axes)
    for i, j, k in [(0, 0, 0), (1, 0, 1), (0, 1, 1)]:
        amplitude, lengthscale, noise = np.exp(
            [axes["amplitude"][i], axes["length_scale"][j], axes["noise_sd"][k]]
        )
        expected = gp.log_marginal_likelihood(
            x, y, length_scale=lengthscale, noise_sd=noise, amplitude=amplitude, backend="python"
        )
        expected += scipy.stats.norm.logpdf(np.log(amplitude), -1, 1)
        expected += scipy.stats.norm.logpdf(np.log(lengthscale), 0, 1)
        expected += scipy.stats.norm.logpdf(np.log(noise), 0, 1)
        assert log_posterior[i, j, k] == pytest.approx(expected, abs=1e-8)


def test_grid_hyperparameters_table(grid_posterior: gp.GridPosterior) -> None:
    table = grid_posterior.hyperparameters()
    assert list(table.index) == ["amplitude", "length_scale", "noise_sd"]
    assert list(table.columns) == ["mean", "sd", "q05", "q50", "q95"]
    assert (table["q05"] < table["q50"]).all() and (table["q50"] < table["q95"]).all()
    # the data were simulated with noise sd 0.2
    assert table.loc["noise_sd", "mean"] == pytest.approx(0.2, abs=0.03)
    assert grid_posterior.weights.sum() == pytest.approx(1.0)


def test_grid_converges_with_resolution(
    data: pd.DataFrame, grid_posterior: gp.GridPosterior
) -> None:
    finer = gp.HierarchicalGP().fit(data["x"], data["y"], method="grid", grid_size=30)
    np.testing.assert_allclose(
        finer.hyperparameters()[["mean", "sd"]],
        grid_posterior.hyperparameters()[["mean", "sd"]],
        rtol=0.02,
    )


def test_grid_box_holds_all_the_mass(grid_posterior: gp.GridPosterior) -> None:
    for name in PARAMETERS:
        probability = grid_posterior.marginal(name)["probability"].to_numpy()
        assert probability[0] < 1e-6 and probability[-1] < 1e-6


def test_grid_posterior_predictive(grid_posterior: gp.GridPosterior) -> None:
    grid = np.linspace(-1, 12, 40)
    draws = grid_posterior.posterior_predictive(grid, n_draws=200, seed=1)
    assert list(draws.columns) == ["draw", "x", "f"] and len(draws) == 200 * 40
    pd.testing.assert_frame_equal(
        grid_posterior.posterior_predictive(grid, n_draws=3, seed=5),
        grid_posterior.posterior_predictive(grid, n_draws=3, seed=5),
    )
    summary = grid_posterior.predictive_summary(grid)
    by_x = draws.groupby("x")["f"]
    np.testing.assert_allclose(by_x.mean().to_numpy(), summary["mean"], atol=0.1)
    np.testing.assert_allclose(by_x.std().to_numpy(), summary["sd"], rtol=0.25, atol=0.02)


def test_uncertainty_is_low_where_observations_are_dense(
    grid_posterior: gp.GridPosterior,
) -> None:
    grid = np.linspace(-2, 12, 141)
    table = gp.uncertainty_by_density(grid_posterior, grid, bandwidth=0.5)
    assert list(table.columns) == ["x", "mean", "sd", "density", "n_nearby"]
    dense = table[(table["x"] > 1.2) & (table["x"] < 2.8)]["sd"].mean()
    gap = table[(table["x"] > 4.5) & (table["x"] < 6)]["sd"].mean()
    assert dense < 0.1 < gap
    assert scipy.stats.spearmanr(table["sd"], table["density"]).statistic < -0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, d: m.fit(d["x"], d["y"][:10], method="grid"), "y has 10 values but x has 100"),
        (lambda m, d: m.fit(d["x"].where(d["x"] > 0), d["y"], method="grid"), "x contains NaN"),
        (lambda m, d: m.fit(d["x"], d["y"], method="vi"), "method"),
        (lambda m, d: m.fit(d["x"], d["y"], method="grid", n_draws=10), "n_draws"),
        (lambda m, d: m.fit(d["x"], d["y"], method="grid", grid_size=3), "grid_size"),
        (lambda m, d: m.prior_predictive([0.0], n_draws=0), "n_draws"),
        (lambda m, d: m.prior_predictive([], n_draws=3), "x_grid"),
        (lambda m, d: gp.HierarchicalGP(noise_sd=gp.LogNormal(0.0, 0.0)), "sigma"),
        (lambda m, d: gp.HierarchicalGP(length_scale=(0, 1)), "length_scale"),
        (lambda m, d: m.fit_nuts(d["x"], d["y"], n_draws=0), "n_draws"),
        (lambda m, d: m.fit_nuts(d["x"], d["y"], target_accept=1.5), "target_accept"),
        (lambda m, d: m.fit_nuts(d["x"], d["y"], sampler="stan"), "sampler"),
        (lambda m, d: m.fit_nuts(d["x"], d["y"], init="adapt_diag"), "init"),
    ],
)
def test_bad_input_names_the_argument(call, message: str, data: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=message):
        call(gp.HierarchicalGP(), data)


def test_grid_posterior_bad_draws(grid_posterior: gp.GridPosterior) -> None:
    with pytest.raises(ValueError, match="n_draws"):
        grid_posterior.posterior_predictive([0.0], n_draws=0)
    with pytest.raises(ValueError, match="name"):
        grid_posterior.marginal("tau")


def test_import_is_cheap() -> None:
    code = (
        "import sys, statlab.gp, statlab.gp.kernels;"
        "print(sorted(m for m in ('pymc', 'pytensor', 'plotnine', 'arviz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_compile_dir_environment_variable(tmp_path) -> None:
    code = (
        "from statlab.gp._nuts import use_compile_dir; use_compile_dir(None);"
        "import pytensor; print(pytensor.config.base_compiledir)"
    )
    env = {**os.environ, gp.CACHE_ENVIRONMENT_VARIABLE: str(tmp_path / "cache")}
    env.pop("PYTENSOR_FLAGS", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip().splitlines()[-1] == str(tmp_path / "cache")


@pytest.fixture(scope="module")
def nuts_posterior(data: pd.DataFrame) -> gp.NutsPosterior:
    return gp.HierarchicalGP().fit(
        data["x"],
        data["y"],
        method="nuts",
        seed=1,
        n_draws=300,
        tune=300,
        chains=2,
        progress=False,
    )


@pytest.mark.slow
def test_nuts_diagnostics_and_table(nuts_posterior: gp.NutsPosterior) -> None:
    table = nuts_posterior.hyperparameters()
    assert list(table.index) == ["amplitude", "length_scale", "noise_sd"]
    assert {"mean", "sd", "q05", "q50", "q95", "r_hat", "ess_bulk"} <= set(table.columns)
    diagnostics = nuts_posterior.diagnostics()
    assert diagnostics["divergences"] == 0
    assert diagnostics["max_r_hat"] < 1.05
    assert diagnostics["min_ess_bulk"] > 100
    assert nuts_posterior.idata.posterior.sizes["chain"] == 2


@pytest.mark.slow
def test_nuts_is_reproducible_and_keeps_pymc_names(
    data: pd.DataFrame, nuts_posterior: gp.NutsPosterior
) -> None:
    # the compiled nutpie model is reused, so this refit only samples
    again = gp.HierarchicalGP().fit(
        data["x"], data["y"], method="nuts", seed=1, n_draws=300, tune=300, progress=False
    )
    assert list(again.idata.posterior.data_vars) == list(PARAMETERS)
    for name in PARAMETERS:
        np.testing.assert_array_equal(
            again.idata.posterior[name], nuts_posterior.idata.posterior[name]
        )


@pytest.mark.slow
def test_pymc_sampler_agrees_with_grid(
    data: pd.DataFrame, grid_posterior: gp.GridPosterior
) -> None:
    pymc = gp.HierarchicalGP().fit(
        data["x"],
        data["y"],
        method="nuts",
        sampler="pymc",
        seed=2,
        n_draws=300,
        tune=300,
        progress=False,
    )
    assert list(pymc.idata.posterior.data_vars) == list(PARAMETERS)
    assert pymc.diagnostics()["divergences"] == 0
    table, grid = pymc.hyperparameters(), grid_posterior.hyperparameters()
    for name in PARAMETERS:
        difference = abs(table.loc[name, "mean"] - grid.loc[name, "mean"])
        assert difference < 4 * table.loc[name, "mcse_mean"], name


@pytest.mark.slow
def test_grid_and_nuts_agree(
    grid_posterior: gp.GridPosterior, nuts_posterior: gp.NutsPosterior
) -> None:
    grid = grid_posterior.hyperparameters()
    nuts = nuts_posterior.hyperparameters()
    for name in PARAMETERS:
        # the grid posterior is exact (converged to 4 decimals), so all the error is Monte Carlo
        difference = abs(nuts.loc[name, "mean"] - grid.loc[name, "mean"])
        assert difference < 4 * nuts.loc[name, "mcse_mean"], name


@pytest.mark.slow
def test_nuts_posterior_predictive(
    nuts_posterior: gp.NutsPosterior, grid_posterior: gp.GridPosterior
) -> None:
    grid = np.linspace(0, 10, 25)
    draws = nuts_posterior.posterior_predictive(grid, n_draws=40, seed=1)
    assert list(draws.columns) == ["draw", "x", "f"] and len(draws) == 40 * 25
    exact = grid_posterior.predictive_summary(grid)
    np.testing.assert_allclose(draws.groupby("x")["f"].mean().to_numpy(), exact["mean"], atol=0.25)


def test_grid_extends_beyond_the_prior_box(data: pd.DataFrame) -> None:
    # noise sd 60 lies 5 prior sds above the prior median: the grid must grow to reach it
    posterior = gp.HierarchicalGP().fit(data["x"], 300 * data["y"], method="grid")
    assert posterior.hyperparameters().loc["noise_sd", "mean"] == pytest.approx(60, rel=0.1)
    for name in PARAMETERS:
        ends = posterior.marginal(name)["probability"].to_numpy()[[0, -1]]
        assert ends.max() < 1e-6
