"""The SHAP analysis scripts run end to end (small settings) and write their tables and figures;
the census helpers split and score as documented."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from statlab._paths import analyses_dir
from statlab.shap.census import census_split, lasso_design


def _main(name: str):
    return runpy.run_path(str(analyses_dir() / f"{name}.py"))["main"]


@pytest.mark.slow
def test_census_shap(tmp_path: Path) -> None:
    arguments = ["--out", str(tmp_path), "--backend", "python", "--n-rows", "600", "--n-draws", "3"]
    options = ["--n-explain", "20", "--n-background", "10", "--subsample", "0.5"]
    assert _main("census_shap")([*arguments, *options]) == 0
    accuracy = pd.read_csv(tmp_path / "accuracy.csv", index_col=0)
    assert accuracy.index.tolist() == ["random forest", "lasso logistic"]
    assert accuracy["accuracy"].between(0.6, 1).all()
    summary = pd.read_csv(tmp_path / "stability_summary.csv")
    assert len(summary) == 10 and (summary["lower"] <= summary["upper"]).all()
    for name in ("waterfall", "beeswarm_random_forest", "beeswarm_lasso_logistic", "stability"):
        assert (tmp_path / f"{name}.png").stat().st_size > 0


@pytest.mark.slow
def test_shap_kernel_variance(tmp_path: Path) -> None:
    arguments = ["--out", str(tmp_path), "--n-draws", "4", "--grid", "40", "80"]
    assert _main("shap_kernel_variance")(arguments) == 0
    sheet = pd.read_csv(tmp_path / "sheet_vs_exact.csv", index_col=0)
    assert sheet.loc["limit (every mask once)", "sheet, Shapley weights"] < 1e-10
    assert sheet.loc["limit (every mask once)", "sheet as written"] > 0.1
    summary = pd.read_csv(tmp_path / "variance_summary.csv")
    assert len(summary) == 2 * 2 * 10  # paired/unpaired x grid x features
    assert "n_samples" in (tmp_path / "recommendation.txt").read_text()


def test_census_split_is_seeded_and_sized() -> None:
    X_train, X_test, y_train, y_test = census_split(n_rows=200, seed=3)
    again = census_split(n_rows=200, seed=3)
    pd.testing.assert_frame_equal(X_train, again[0])
    assert len(X_train) == len(y_train) == 150 and len(X_test) == len(y_test) == 50
    assert not X_train.equals(census_split(n_rows=200, seed=4)[0])
    assert set(np.unique(np.r_[y_train, y_test])) <= {0, 1}
    with pytest.raises(ValueError, match="test_share must be a fraction"):
        census_split(n_rows=200, test_share=1.0, seed=3)


def test_lasso_design_logs_only_the_capital_columns() -> None:
    X = np.array([[30.0, 10.0, np.e - 1, 0.0, 40.0]])
    np.testing.assert_allclose(lasso_design(X), [[30.0, 10.0, 1.0, 0.0, 40.0]])


@pytest.mark.slow
def test_foundations_report_renders_with_its_numbers(tmp_path: Path) -> None:
    import html
    import re
    import subprocess
    import sys

    command = [sys.executable, "-m", "statlab.report", "shap_foundations", "--out", str(tmp_path)]
    command += ["--engine", "embedded", "--backend", "python"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "shap_foundations.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Computed on the python backend" in text
    assert "limit (every mask once)" in text
    assert "Traceback" not in text and "Warning" not in text
    assert page.count("data:image/png;base64") == 3  # fig-geometry, fig-sheet, fig-variance
