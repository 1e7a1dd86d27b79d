"""The glmnet figures: R's plot(cv_fit) and plot(fit, xvar = "lambda") layer by layer."""

from __future__ import annotations

import numpy as np

import statlab as sl


def test_cv_plot_layers():
    ozone = sl.data.load("ozone")
    fit = sl.cv_glmnet(
        sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), seed=479, backend="python"
    )
    figure = fit.plot()
    geoms = [type(layer.geom).__name__ for layer in figure.layers]
    assert geoms[:3] == ["geom_errorbar", "geom_point", "geom_vline"]
    vlines = figure.layers[2].geom.data
    np.testing.assert_allclose(
        sorted(vlines["neg_log_lambda"]), sorted([-np.log(fit.lambda_min), -np.log(fit.lambda_1se)])
    )
    path_figure = fit.plot_path()
    plotted_terms = set(path_figure.data["term"])
    ever_nonzero = {
        t for t, row in zip(fit.path.feature_names, fit.path.beta, strict=True) if np.any(row != 0)
    }
    assert plotted_terms == ever_nonzero


def test_counts_sit_in_a_band_above_the_panel_and_highlighted_paths_are_labelled():
    ozone = sl.data.load("ozone")
    fit = sl.cv_glmnet(
        sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), seed=479, backend="python"
    )
    for figure in (fit.plot(), fit.plot_path()):
        texts = [
            layer.geom.data
            for layer in figure.layers
            if type(layer.geom).__name__ == "geom_text" and "band" in layer.geom.data
        ]
        counts = [data for data in texts if (data["band"] == "counts").all()]
        assert len(counts) == 1
        assert set(counts[0]["label"].astype(int)) <= set(fit.nzero.astype(int))
        assert type(figure.facet).__name__ == "facet_grid"
        figure.draw()  # the two facet rows render
    highlighted = fit.plot_path(highlight=["temp"])
    labels = [
        layer.geom.data for layer in highlighted.layers if type(layer.geom).__name__ == "geom_label"
    ]
    assert labels[0]["term"].tolist() == ["temp"]
    with np.testing.assert_raises_regex(ValueError, "highlight must name terms"):
        fit.plot_path(highlight=["nonexistent"])
