"""The SHAP figures: what is drawn (layers, rows, order, labels), not only that they draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotnine as p9
import pytest

from statlab.plots.shap import (
    plot_kernel_variance,
    plot_shap_comparison,
    plot_shap_stability,
    plot_waterfall,
)
from statlab.shap import exact_shap, kernel_shap, kernel_shap_variance, shap_stability


@pytest.fixture
def explained_rows(interacting_model, background):
    rng = np.random.default_rng(2)
    return exact_shap(interacting_model, rng.normal(size=(25, 4)), background, backend="python")


def layer_types(figure):
    return [type(layer.geom).__name__ for layer in figure.layers]


def test_waterfall_bars_run_from_base_value_to_prediction(explained_rows):
    figure = plot_waterfall(explained_rows, row=4)
    data = figure.data
    assert data["start"].iloc[0] == pytest.approx(explained_rows.base_value)
    assert data["end"].iloc[-1] == pytest.approx(explained_rows.prediction[4])
    assert np.all(np.diff(np.abs(data["phi"].to_numpy())) >= 0)  # largest at the top
    assert "geom_rect" in layer_types(figure)
    figure.draw()


def test_waterfall_pools_extra_features_and_checks_row(explained_rows):
    figure = plot_waterfall(explained_rows, row=0, max_features=3)
    assert len(figure.data) == 3 and figure.data["feature"].iloc[0] == "2 other features"
    assert figure.data["end"].iloc[-1] == pytest.approx(explained_rows.prediction[0])
    with pytest.raises(ValueError, match=r"row must be an integer in \[0, 24\], got 25"):
        plot_waterfall(explained_rows, row=25)


def test_beeswarm_orders_features_by_importance(explained_rows):
    figure = explained_rows.plot()
    order = figure.data["feature"].cat.categories.tolist()
    importance = np.abs(explained_rows.values).mean(axis=0)
    expected = [explained_rows.feature_names[j] for j in np.argsort(importance)]
    assert order == expected
    assert len(figure.data) == 100
    assert "geom_sina" in layer_types(figure)
    assert figure.data["value_scaled"].between(0, 1).all()
    figure.draw()


def test_beeswarm_colours_a_mostly_zero_feature_low_at_zero():
    from statlab.plots.shap import _colour_scale

    gains = pd.Series([0.0] * 90 + [500.0, 2000.0, 3000.0, 5000.0, 7000.0] + [99999.0] * 5)
    scaled = _colour_scale(gains)
    assert scaled.iloc[0] == 0 and scaled.iloc[-1] == 1
    assert _colour_scale(pd.Series([3.0, 3.0])).tolist() == [0.5, 0.5]


def test_variance_figure_has_sd_and_se_per_feature(interacting_model, background):
    study = kernel_shap_variance(
        interacting_model, np.ones(4), background, n_samples_grid=[10, 12], n_draws=5, seed=3
    )
    figure = plot_kernel_variance(study)
    assert set(figure.data["measure"]) == {"sd over replicates", "mean reported se"}
    assert figure.labels.x.startswith("n_samples")
    figure.draw()


def test_stability_figure_has_one_panel_per_model(interacting_model, background):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = interacting_model(X)

    def ls(X, y):
        beta = np.linalg.lstsq(X, y, rcond=None)[0]
        return lambda Z: Z @ beta

    runs = [
        shap_stability(ls, X, y, n_draws=5, seed=1, n_explain=10, n_background=10, model=name)
        for name in ("a", "b")
    ]
    figure = plot_shap_stability(runs)
    assert list(figure.data["model"].cat.categories) == ["a", "b"]
    assert isinstance(figure.facet, p9.facet_wrap)
    figure.draw()


def test_comparison_draws_error_bars_only_for_estimates(interacting_model, background):
    exact = exact_shap(interacting_model, np.ones(4), background, backend="python")
    kernel = kernel_shap(interacting_model, np.ones(4), background, n_samples=10, seed=1)
    figure = plot_shap_comparison({"exact": exact, "kernel": kernel})
    assert layer_types(figure)[-1] == "geom_errorbar"
    assert len(figure.layers[-1].geom.data) == 4
    figure.draw()
