"""The README's scikit-learn and testing examples run: the Pipeline/GridSearchCV code as a script,
the user's test file through pytest with statlab's plugin."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from statlab.testing.pytest_plugin import r_missing_reason

pytest_plugins = ["pytester"]

# installed, statlab's pytest11 entry point loads the plugin (a second -p would be refused)
PLUGIN = (
    ()
    if any(
        entry.value == "statlab.testing.pytest_plugin"
        for entry in importlib.metadata.entry_points(group="pytest11")
    )
    else ("-p", "statlab.testing.pytest_plugin")
)

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Use statlab from scikit-learn and in your own tests"


def section_code() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_pipeline_example_runs():
    pipeline_code, _ = section_code()
    namespace: dict = {}
    exec(compile(pipeline_code, f"{README}:pipeline example", "exec"), namespace)
    search = namespace["search"]
    assert search.best_params_["glmnet__alpha"] in (0.0, 0.5, 1.0)
    coef = search.best_estimator_["glmnet"].coef_
    assert coef.shape == (8,) and (coef != 0).any()


def test_user_test_file_runs_with_the_plugin(pytester):
    _, test_file = section_code()
    pytester.makepyfile(test_my_analysis=test_file)
    result = pytester.runpytest_inprocess(*PLUGIN, "-rs")
    if r_missing_reason() is None:
        result.assert_outcomes(passed=2)
    else:
        result.assert_outcomes(skipped=2)


DASK_SECTION = "## Data larger than memory (Dask)"


def test_dask_parquet_example_runs_and_equals_the_fit_in_memory(tmp_path, monkeypatch):
    import numpy as np
    import pytest

    pytest.importorskip("dask.dataframe")
    import statlab as sl

    text = README.read_text(encoding="utf-8")
    section = text.split(DASK_SECTION, 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, f"{README}:Dask example", "exec"), namespace)
    prostate = sl.data.load("prostate")
    predictors = namespace["predictors"]
    eager = sl.cv_glmnet(prostate[predictors], prostate["lpsa"], seed=1, backend="python")
    fit = namespace["fit"]
    assert len(list((tmp_path / "prostate_parquet").glob("*.parquet"))) == 4
    np.testing.assert_allclose(fit.coef("lambda.min"), eager.coef("lambda.min"), atol=1e-10)
    np.testing.assert_allclose(fit.cvm, eager.cvm, rtol=1e-10)
    np.testing.assert_allclose(
        namespace["predicted"].compute(),
        eager.predict(prostate[predictors], s="lambda.min"),
        rtol=1e-10,
    )
