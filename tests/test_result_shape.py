"""Every result has the same shape: backend, to_frame(), summary(), plot()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import cv, gp


def _results() -> dict[str, object]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = x @ np.array([1.0, 0.0, -2.0]) + 0.5 * rng.normal(size=40)
    fits = {
        "GlmnetPath": sl.glmnet(x, y, backend="python"),
        "CVGlmnetResult": sl.cv_glmnet(x, y, seed=1, backend="python"),
        "CVCurve": cv.kfold_cv(x, y, nfolds=4, seed=1, backend="python"),
        "StabilityResult": sl.prediction_stability(
            x, y, alphas={"lasso": 1.0}, n_test=5, n_draws=3, seed=1, backend="python"
        ),
        "LikelihoodSurface": gp.marginal_likelihood_surface(
            gp.EXERCISE_X,
            gp.EXERCISE_Y,
            length_scales=np.geomspace(0.5, 20, 25),
            noise_sds=np.geomspace(0.1, 1, 20),
            backend="python",
        ),
        "GridPosterior": gp.HierarchicalGP().fit(
            gp.EXERCISE_X, gp.EXERCISE_Y, method="grid", grid_size=10
        ),
        "EfronResult": sl.trees.efron_experiment(
            x, y, n_remove=1, mtry_grid=[1, 2], nfolds=3, n_trees=5, seed=1, backend="python"
        ),
        "Singh2002Result": sl.trees.efron_singh2002(
            removals=[0, 5], n_trees=5, seed=1, backend="python"
        ),
    }
    return fits


RESULTS = _results()


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_every_result_has_backend_frame_summary_and_plot(name: str) -> None:
    result = RESULTS[name]
    assert result.backend == "python"
    frame, summary = result.to_frame(), result.summary()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    assert isinstance(summary, pd.DataFrame) and len(summary) > 0
    figure = result.plot()
    assert type(figure).__name__ == "ggplot" and len(figure.layers) > 0


def test_path_summary_is_r_s_print_table() -> None:
    path = RESULTS["GlmnetPath"]
    table = path.summary()
    assert list(table.columns) == ["Df", "%Dev", "Lambda"]
    np.testing.assert_array_equal(table["Lambda"], path.lambdas)
    assert table["%Dev"].is_monotonic_increasing and table["Df"].iloc[0] == 0


def test_posterior_plot_draws_the_band_over_the_data() -> None:
    posterior = RESULTS["GridPosterior"]
    figure = posterior.plot(np.linspace(-8, 8, 50))
    assert [type(layer.geom).__name__ for layer in figure.layers] == [
        "geom_ribbon",
        "geom_line",
        "geom_point",
    ]
    band = figure.data
    np.testing.assert_allclose(band["upper"] - band["lower"], 4 * band["sd"])
    assert len(figure.layers[2].geom.data) == len(gp.EXERCISE_X)
    assert figure.labels.title == "Posterior of f (grid)"
    weights = posterior.to_frame()["weight"]
    assert weights.sum() == pytest.approx(1.0)
