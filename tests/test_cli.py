"""The statlab command: doctor, run (the ozone analysis end to end), and one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from statlab import _rbridge, cli


def test_import_is_light():
    code = "import sys, statlab; print(any(m in sys.modules for m in ('rpy2', 'pymc', 'plotnine', 'numba', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_glmnet_import_leaves_numba_to_the_first_python_fit():
    code = "import sys, statlab.glmnet; print('numba' in sys.modules)"
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


OZONE_FIRST_CALL = """
import json, numpy as np, statlab as sl
from statlab.glmnet import _kernels
ozone = sl.data.load("ozone")
fit = sl.cv_glmnet(sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), seed=479,
                   backend="python")
stats = {name: [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
         for name, d in _kernels.dispatchers().items() if d.signatures}
print(json.dumps({"lambda_min": fit.lambda_min, "kernels": stats}))
"""


@pytest.mark.slow
def test_compile_fills_the_cache_a_new_process_loads(tmp_path):
    """`statlab compile` into an empty numba cache compiles every kernel Python calls; a second run
    and a new process's first ozone cv_glmnet then load them from the cache and compile nothing."""
    from statlab.glmnet import _flex_kernels, _kernels

    shipped = len(_kernels.dispatchers()) + len(_flex_kernels.dispatchers())
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "statlab.cli", "compile"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert first.stdout.startswith(f"glmnet kernels: {shipped} compiled, 0 already cached, in ")
    assert "compiling glmnet kernels" in first.stderr  # the progress bar
    again = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert again.stdout.startswith(f"glmnet kernels: 0 compiled, {shipped} already cached, in ")
    out = subprocess.run(
        [sys.executable, "-c", OZONE_FIRST_CALL], capture_output=True, text=True, env=env,
        check=True,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result["kernels"] == {
        "column_stats": [1, 0],
        "centred_products": [1, 0],
        "gaussian_cov_path": [1, 0],
    }
    assert result["lambda_min"] == pytest.approx(0.000354027308, rel=1e-9)


@pytest.mark.parametrize(
    ("name", "option"),
    [("census-shap", "--n-rows"), ("shap-kernel-variance", "--n-draws"), ("ozone-lasso", "--seed")],
)
def test_run_name_help_shows_that_analysis_options(capsys, name, option):
    assert cli.main(["run", name, "--help"]) == 0
    usage = capsys.readouterr().out
    assert usage.startswith(f"usage: statlab run {name}")
    assert option in usage


def test_run_help_without_a_name_is_the_run_command_help(capsys):
    assert cli.main(["run", "--help"]) == 0
    usage = capsys.readouterr().out
    assert usage.startswith("usage: statlab run") and "--list" in usage


@pytest.mark.skipif(
    shutil.which("Rscript") is None or _rbridge.r_package_version("glmnet") is None,
    reason="needs R with glmnet (apt-get install r-base-core r-cran-glmnet)",
)
def test_doctor_names_glmnet_in_r_when_only_rpy2_is_missing():
    without_rpy2 = _rbridge.RStatus(False, "rpy2 is not installed")
    line = cli._glmnet_line(without_rpy2)
    assert line.startswith(_rbridge.r_package_version("glmnet") + " in R")
    assert "pip install 'statlab[r]'" in line


@pytest.mark.parametrize("below", ["", "sub"])
def test_run_out_that_is_a_file_is_a_usage_error_before_any_work(capsys, tmp_path, below):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    out = a_file / below if below else a_file
    assert cli.main(["run", "ozone-lasso", "--out", str(out), "--backend", "python"]) == 2
    message = _one_line_error(capsys)
    assert "argument --out" in message and "is not a folder" in message
    assert a_file.read_text() == "not a folder"


def test_backend_r_without_r_stops_before_the_analysis_starts(capsys, tmp_path, monkeypatch):
    import statlab.shap.census

    def work(*args, **kwargs):
        raise AssertionError("the analysis started although R cannot run")

    monkeypatch.setattr(
        _rbridge, "status", lambda: _rbridge.RStatus(False, "rpy2 is not installed")
    )
    monkeypatch.setattr(statlab.shap.census, "census_split", work)
    code = cli.main(["run", "census-shap", "--backend", "r", "--out", str(tmp_path)])
    assert code == 1
    line = _one_line_error(capsys)
    assert 'backend="r" needs R' in line and "rpy2 is not installed" in line
    assert list(tmp_path.iterdir()) == []
