"""The statlab command: doctor, run (the ozone analysis end to end), and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from statlab import cli


def test_import_is_light():
    code = "import sys, statlab; print(any(m in sys.modules for m in ('rpy2', 'pymc', 'plotnine', 'numba', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_doctor_lists_tools(capsys):
    assert cli.main(["doctor"]) == 0
    text = capsys.readouterr().out
    for tool in ("python", "R", "rpy2", "glmnet", "quarto", "pandoc", 'backend "auto" ->'):
        assert tool in text


def test_run_lists_and_rejects_unknown(capsys):
    assert cli.main(["run", "--list"]) == 0
    assert "ozone-lasso" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["run", "no-such-analysis"])


def test_ozone_analysis_writes_figures_and_tables(tmp_path):
    assert cli.main(["run", "ozone-lasso", "--backend", "python", "--out", str(tmp_path)]) == 0
    for name in (
        "cv_curve.png",
        "coef_path.png",
        "summary.csv",
        "coefficients_1se.csv",
        "non_monotone.csv",
        "cv_designs.csv",
    ):
        assert (tmp_path / name).stat().st_size > 0
    summary = pd.read_csv(tmp_path / "summary.csv", index_col="rule")
    assert summary.loc["1se", "Lambda"] >= summary.loc["min", "Lambda"]
    assert summary.loc["min", "backend"] == "python"
    assert pd.read_csv(tmp_path / "non_monotone.csv")["term"].iloc[0] == "temp"
    designs = pd.read_csv(tmp_path / "cv_designs.csv", index_col="design")
    assert designs.loc["leaky", "cvm_at_min"] < designs.loc["correct", "cvm_at_min"]


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_doctor_rejects_unknown_options_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["doctor", "--nonsense"])
    assert exit_.value.code == 2
    assert "doctor takes no arguments, got --nonsense" in _one_line_error(capsys)


def test_analysis_usage_error_is_one_line(capsys, tmp_path):
    assert cli.main(["run", "ozone-lasso", "--seed", "abc", "--out", str(tmp_path)]) == 2
    assert "statlab run ozone-lasso: error: argument --seed" in _one_line_error(capsys)


def test_rejected_argument_exits_2_and_debug_shows_the_traceback(capsys, tmp_path):
    command = ["run", "prostate-stability", "--backend", "python", "--n-draws", "0"]
    assert cli.main([*command, "--out", str(tmp_path)]) == 2
    assert _one_line_error(capsys) == (
        "statlab run prostate-stability: error: n_draws must be an integer >= 1, got 0"
    )
    assert cli.main(["--debug", *command, "--out", str(tmp_path)]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_backend_r_without_r_is_one_line_failure(capsys, tmp_path, monkeypatch):
    from statlab import _rbridge

    monkeypatch.setattr(_rbridge, "status", lambda: _rbridge.RStatus(False, "R is not installed"))
    code = cli.main(["run", "ozone-lasso", "--backend", "r", "--out", str(tmp_path)])
    assert code == 1
    line = _one_line_error(capsys)
    assert line.startswith('statlab run ozone-lasso: error: backend="r" needs R')
    assert "R is not installed" in line and "apt-get install" in line
