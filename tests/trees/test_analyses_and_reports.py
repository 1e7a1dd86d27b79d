"""The tree analyses from the command line, a tree report rendered, and a light import."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from statlab import cli


def test_importing_statlab_trees_loads_no_heavy_library():
    code = (
        "import sys, statlab.trees; "
        "print([m for m in ('sklearn', 'plotnine', 'rpy2', 'joblib', 'numba') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tree_analyses_are_listed(capsys):
    assert cli.main(["run", "--list"]) == 0
    listed = capsys.readouterr().out.split()
    for name in ("trees-partition", "boosting-steps", "efron-experiment", "arcene-importance"):
        assert name in listed


def test_trees_partition_analysis_writes_figures_and_tables(tmp_path):
    assert cli.main(["run", "trees-partition", "--backend", "python", "--out", str(tmp_path)]) == 0
    for name in ("partition_to_tree.png", "tree.png", "tree_partition.png", "split_search.png"):
        assert (tmp_path / name).stat().st_size > 1000, name
    boxes = pd.read_csv(tmp_path / "tree_partition.csv")
    areas = (boxes["X1_max"] - boxes["X1_min"]) * (boxes["X2_max"] - boxes["X2_min"])
    assert areas.sum() == pytest.approx(1.0)


def test_boosting_analysis_writes_the_steps(tmp_path):
    args = ["run", "boosting-steps", "--backend", "python", "--steps", "5", "--out", str(tmp_path)]
    assert cli.main(args) == 0
    mse = pd.read_csv(tmp_path / "training_mse.csv")
    assert list(mse["step"]) == [1, 2, 3, 4, 5]
    assert (tmp_path / "boosting_steps.png").exists()


@pytest.mark.slow
def test_trees_partition_report_renders(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "statlab.cli",
            "report",
            "trees_partition",
            "--out",
            str(tmp_path),
            "--engine",
            "embedded",
            "--backend",
            "python",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    page = re.sub(r"\s+", " ", (tmp_path / "trees_partition.html").read_text(encoding="utf-8"))
    assert "Traceback" not in page
    assert "the root split of the fitted tree" in page
