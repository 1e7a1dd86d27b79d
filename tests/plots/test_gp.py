"""GP figures: built from statlab results, layered as specified, and drawable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import gp
from statlab.plots import gp as gp_plots


@pytest.fixture(scope="module")
def surface_and_maxima() -> tuple[pd.DataFrame, pd.DataFrame]:
    surface = gp.marginal_likelihood_surface(
        gp.EXERCISE_X,
        gp.EXERCISE_Y,
        length_scales=np.geomspace(0.5, 20, 40),
        noise_sds=np.geomspace(0.1, 1, 30),
        backend="python",
    ).to_frame()
    maxima = gp.label_maxima(gp.find_local_maxima(gp.EXERCISE_X, gp.EXERCISE_Y))
    return surface, maxima


def test_surface_figure_marks_labelled_maxima(surface_and_maxima) -> None:
    surface, maxima = surface_and_maxima
    figure = gp_plots.plot_marginal_surface(surface, maxima)
    assert figure.layers[-1].geom.data["label"].tolist() == ["B", "A"]
    contour_points = figure.data
    assert contour_points["length_scale"].between(0.5 - 1e-9, 20 + 1e-9).all()
    assert contour_points["noise_sd"].between(0.1 - 1e-9, 1 + 1e-9).all()
    figure.draw()


def test_prior_posterior_has_two_panels() -> None:
    observed = sl.data.load("gp_observed")
    prior = gp.HierarchicalGP().prior_predictive(np.linspace(0, 10, 20), n_draws=3, seed=1)
    figure = gp_plots.plot_prior_posterior(prior, prior, observed)
    panels = figure.layers[0].geom.data["panel"]
    assert list(panels.cat.categories) == ["Prior predictive", "Posterior predictive"]
    assert len(figure.layers[1].geom.data) == 2 * len(observed)


def test_fits_figure_has_a_panel_per_setting() -> None:
    fits = gp.posterior_fits(gp.EXERCISE_X, gp.EXERCISE_Y, np.linspace(-7.5, 7.5, 50))
    data = pd.DataFrame({"x": gp.EXERCISE_X, "y": gp.EXERCISE_Y})
    figure = gp_plots.plot_marginal_fits(fits, data)
    bands = figure.data
    np.testing.assert_allclose(bands["upper"] - bands["lower"], 4 * bands["sd"])
    assert bands["fit"].nunique() == 2


def test_kernel_figures() -> None:
    kernels = {"RBF": gp.kernels.RBF(), "Linear x RBF": gp.kernels.Linear() * gp.kernels.RBF()}
    sections = gp.kernel_sections(kernels, np.linspace(-5, 5, 30))
    assert gp_plots.plot_kernel_sections(sections).data is sections
    paths = gp.sample_paths(kernels["RBF"], np.linspace(-5, 5, 30), n_draws=3, seed=1)
    figure = gp_plots.plot_sample_paths(paths.assign(kernel="RBF"))
    assert sorted(figure.data["draw"].unique()) == ["0", "1", "2"]


def test_missing_columns_named() -> None:
    with pytest.raises(ValueError, match="surface lacks columns"):
        gp_plots.plot_marginal_surface(pd.DataFrame({"length_scale": [1.0]}))
    with pytest.raises(ValueError, match="paths lacks columns"):
        gp_plots.plot_sample_paths(pd.DataFrame({"x": [1.0]}))
