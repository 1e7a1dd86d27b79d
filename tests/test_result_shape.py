"""Every result has the same shape: backend, to_frame(), summary(), plot()."""

from __future__ import annotations

import dataclasses

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


RESULT_CLASSES = {
    "GlmnetPath", "CVGlmnetResult", "RelaxedCV", "CVCurve", "StabilityResult", "ModelComparison",
    "LikelihoodSurface", "GridPosterior", "NutsPosterior", "EfronResult", "Singh2002Result",
    "ForestResult", "TreeResult", "PartitionTree", "SplitSearch", "BoostingSteps",
    "ImportanceStability", "ShapResult", "KernelVarianceResult", "ShapStabilityResult",
    "ShapModelComparison", "LinearModelResult",
}  # fmt: skip


def _result_classes() -> dict[str, type]:
    """Every class statlab defines with any of a result's methods (``to_frame``, ``summary``,
    ``plot``), found by walking all of statlab's modules except the report machinery."""
    import importlib
    import inspect
    import pkgutil

    found: dict[str, type] = {}
    for module_info in pkgutil.walk_packages(sl.__path__, "statlab."):
        if module_info.name.startswith(("statlab.report", "statlab.cli")):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            defined_here = inspect.isclass(value) and value.__module__ == module.__name__
            if defined_here and any(hasattr(value, m) for m in ("to_frame", "summary", "plot")):
                found[name] = value
    return found


def test_the_walk_finds_every_result_class_and_each_has_the_shared_shape() -> None:
    classes = _result_classes()
    assert set(classes) - {"Posterior"} == RESULT_CLASSES  # Posterior: the GP posteriors' base
    for name, cls in classes.items():
        for member in ("to_frame", "summary", "plot"):
            assert callable(getattr(cls, member, None)), (name, member)
        fields = (
            {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        )
        assert "backend" in fields or isinstance(getattr(cls, "backend", None), str), name


def test_results_are_immutable() -> None:
    for name in ("GlmnetPath", "CVGlmnetResult", "GridPosterior", "StabilityResult"):
        with pytest.raises(AttributeError):
            RESULTS[name].backend = "r"
    posterior = RESULTS["GridPosterior"]
    with pytest.raises(ValueError, match="read-only"):
        posterior.weights[0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        posterior.axes["length_scale"][0] = 1.0


def test_relaxed_cv_has_the_shared_shape() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 4))
    y = x[:, 0] - x[:, 1] + rng.normal(size=60)
    relaxed = sl.cv_glmnet(x, y, seed=1, relax=True, gamma=[0, 1], backend="python").relaxed
    assert relaxed.backend == "python"
    assert len(relaxed.to_frame()) == 2 * len(relaxed.lambdas)
    figure = relaxed.plot()
    assert type(figure).__name__ == "ggplot" and figure.labels.y == relaxed.measure
