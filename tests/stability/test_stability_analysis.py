"""analyses/prostate_stability.py writes its figures, tables and written comparison; the plots."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from statlab._paths import analyses_dir
from statlab.stability import StabilityResult


def load_analysis() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "prostate_stability", analyses_dir() / "prostate_stability.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_analysis_writes_figures_table_and_comparison(tmp_path: Path) -> None:
    analysis = load_analysis()
    code = analysis.main(
        ["--backend", "python", "--B", "6", "--seed", "479", "--out", str(tmp_path)]
    )
    assert code == 0
    for figure in ("prediction_stability", "coefficient_stability", "bias_variance_sketch"):
        assert (tmp_path / f"{figure}.png").read_bytes()[:4] == b"\x89PNG"
    summary = pd.read_csv(tmp_path / "summary.csv", index_col="model")
    assert summary.loc["lasso", "rmse"] == pytest.approx(0.791616241207282)
    assert summary.loc["ridge", "mean_nonzero"] == 8
    text = (tmp_path / "comparison.md").read_text(encoding="utf-8")
    assert "lasso 0.792, ridge 0.783; ridge is lower by 1.1%" in text
    assert "6 bootstrap samples of the 77 training rows" in text


def test_comparison_text_reports_the_numbers(small_run: StabilityResult) -> None:
    text = load_analysis().comparison_text(small_run)
    summary = small_run.summary()
    assert f"lasso {summary.loc['lasso', 'mean_sd']:.3f}, ridge" in text
    assert f"The lasso keeps {summary.loc['lasso', 'mean_nonzero']:.2f} of 8 terms" in text
    assert "ridge keeps 8.00" in text


def test_prediction_plot_layers_and_colours(small_run: StabilityResult) -> None:
    figure = small_run.plot()
    points = small_run.test_points()
    assert figure.data.shape[0] == points.shape[0] == 40
    segment = figure.data["segment"]
    assert (segment == "misses the diagonal").sum() == (~points["covered"]).sum()
    assert [type(layer.geom).__name__ for layer in figure.layers] == [
        "geom_abline",
        "geom_segment",
        "geom_point",
        "geom_blank",  # equal x and y ranges
    ]
    assert "low bias" in figure.labels.caption and "low variance" in figure.labels.caption


def test_coefficient_plot_has_one_panel_per_term(small_run: StabilityResult) -> None:
    figure = small_run.plot_coefficients()
    assert "(Intercept)" not in set(figure.data["term"])
    assert list(figure.data["term"].cat.categories) == [
        "lcavol",
        "lweight",
        "age",
        "lbph",
        "svi",
        "lcp",
        "gleason",
        "pgg45",
    ]
    (text_layer,) = [layer for layer in figure.layers if type(layer.geom).__name__ == "geom_text"]
    labels = text_layer.geom.data
    ridge = labels[labels["model"] == "ridge"]["label"]
    assert ridge.eq("100%").all()
