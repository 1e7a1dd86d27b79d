"""The three GP analysis scripts run end to end and write their figures and tables."""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pytest

from statlab._paths import analyses_dir


def _main(name: str):
    return runpy.run_path(str(analyses_dir() / f"{name}.py"))["main"]


@pytest.mark.slow
def test_gp_kernels(tmp_path: Path) -> None:
    assert _main("gp_kernels")(["--out", str(tmp_path), "--seed", "1"]) == 0
    for name in ("kernel_sections.png", "sample_paths.png", "sample_paths.csv"):
        assert (tmp_path / name).stat().st_size > 0
    summary = pd.read_csv(tmp_path / "kernels.csv")
    assert len(summary) == 7
    assert (summary["min_gram_eigenvalue"] > -1e-9).all()


@pytest.mark.slow
def test_gp_marginal_likelihood(tmp_path: Path) -> None:
    assert _main("gp_marginal_likelihood")(["--out", str(tmp_path), "--backend", "python"]) == 0
    maxima = pd.read_csv(tmp_path / "maxima.csv")
    assert maxima["label"].tolist() == ["B", "A"]
    assert (tmp_path / "surface.png").exists() and (tmp_path / "fits.png").exists()


@pytest.mark.slow
def test_gp_hierarchical_grid(tmp_path: Path) -> None:
    assert _main("gp_hierarchical")(["--out", str(tmp_path), "--method", "grid"]) == 0
    table = pd.read_csv(tmp_path / "hyperparameters.csv", index_col=[0, 1])
    assert table.loc[("grid", "noise_sd"), "mean"] == pytest.approx(0.2, abs=0.03)
    regions = pd.read_csv(tmp_path / "uncertainty_by_region.csv", index_col=0)
    assert (
        regions.loc["dense (1, 3)", "mean_posterior_sd"]
        < regions.loc["gap (3, 7)", "mean_posterior_sd"]
    )
    assert (tmp_path / "prior_posterior.png").exists()


def test_hierarchical_refuses_r_backend(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _main("gp_hierarchical")(["--out", str(tmp_path), "--backend", "r"])
