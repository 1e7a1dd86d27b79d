"""backend="auto" per family: R where R loads the family's packages, else Python, said once.

The README's R line installs R and glmnet alone. These tests hide randomForest, gbm and rpart from
R and check that every tree family then runs in Python under "auto" and records it while glmnet,
lm/glm, SHAP and the GP likelihood still run in R, that ``backend="r"`` names the missing packages
with their install line, and that the tree reports render.

randomForest and gbm live in site libraries: ``R_LIBS_SITE`` points R to a copy of those holding
every other package. rpart is one of R's recommended packages, installed in R's own library, which
R always searches: R_HOME points R to a copy of its home whose library lacks rpart, and
``R_ENVIRON`` to an empty file, since Debian's ``Renviron.site`` appends the real R library to the
site path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_r

HIDDEN = ("randomForest", "gbm", "rpart")
#: each tree report and the hidden package its R backend needs
TREE_REPORTS = {
    "trees_efron": "randomForest",
    "trees_boosting": "rpart",
    "trees_partition": "rpart",
    "trees_arcene": "rpart",
}


@pytest.fixture(scope="module")
def without_forests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose R sees every package except randomForest, gbm and rpart."""
    libraries = subprocess.run(
        ["Rscript", "-e", 'cat(.libPaths(), sep = "\\n")'],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    site = tmp_path_factory.mktemp("site-library")
    r_home_library = Path(
        subprocess.run(
            ["Rscript", "-e", 'cat(file.path(R.home(), "library"))'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for library in map(Path, libraries):
        if library.resolve() == r_home_library.resolve() or not library.is_dir():
            continue
        for package in library.iterdir():
            if package.name not in HIDDEN and not (site / package.name).exists():
                (site / package.name).symlink_to(package)
    r_home = tmp_path_factory.mktemp("r-home")
    for entry in r_home_library.parent.iterdir():
        if entry.name != "library":
            (r_home / entry.name).symlink_to(entry)
    (r_home / "library").mkdir()
    for package in r_home_library.iterdir():
        if package.name not in HIDDEN:
            (r_home / "library" / package.name).symlink_to(package)
    no_site_environ = r_home / "no-Renviron.site"
    no_site_environ.write_text("")
    return {
        **os.environ,
        "R_HOME": str(r_home),
        "R_ENVIRON": str(no_site_environ),
        "R_LIBS_SITE": str(site),
        "R_LIBS_USER": str(site / "no-user-library"),
        "STATLAB_BACKEND": "auto",
    }


def run_python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_auto_runs_a_forest_in_python_and_r_names_the_missing_packages(without_forests):
    out = run_python(
        """
import numpy as np
import statlab as sl
from statlab import _rbridge
from statlab.report import r_missing_text, r_usable, report_backend

print("missing", _rbridge.missing_packages(("glmnet", "randomForest", "gbm", "rpart")))
rng = np.random.default_rng(0)
X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
print("forest", sl.trees.random_forest(X, y, n_trees=5, seed=1, backend="auto").backend)
print("lasso", sl.cv_glmnet(X, y, seed=1, backend="auto").backend)
print("report", report_backend(packages=("randomForest",)), report_backend())
print("usable", r_usable(packages=("randomForest",)), r_usable())
print("text", r_missing_text(packages=("randomForest",)))
try:
    sl.trees.random_forest(X, y, n_trees=5, seed=1, backend="r")
except _rbridge.RUnavailableError as error:
    print("error", error)
""",
        without_forests,
    )
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert lines["missing"] == "('randomForest', 'gbm', 'rpart')"
    assert lines["forest"] == "python"
    assert lines["lasso"] == "r"
    assert lines["report"] == "python r"
    assert lines["usable"] == "False True"
    assert "lacks randomForest" in lines["text"] and "r-cran-randomforest" in lines["text"]
    assert "randomForest" in lines["error"]
    assert "apt-get install r-cran-randomforest" in lines["error"]


def test_auto_resolves_each_family_and_records_the_backend_in_its_result(without_forests):
    out = run_python(
        """
import numpy as np
import pandas as pd
import statlab as sl
from statlab import _rbridge

rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(80, 4)), columns=["a", "b", "c", "d"])
y = X["a"] - X["b"] + rng.normal(scale=0.5, size=80)
labels = (y > 0).astype(int)
print("tree", sl.trees.fit_tree(X, y, backend="auto").backend)
print("boosting", sl.trees.boosting_steps(X["a"], y, n_steps=2, backend="auto").backend)
print("forest", sl.trees.random_forest(X, y, n_trees=5, seed=1, backend="auto").backend)
print("mtry", sl.trees.tune_mtry(X, y, mtry_grid=[1, 2], n_trees=5, backend="auto").attrs["backend"])
efron = sl.trees.efron_experiment(X, y, n_remove=1, mtry_grid=[1, 2], nfolds=2, n_trees=5,
                                  backend="auto")
print("efron", efron.backend, efron.full.backend)
stability = sl.trees.importance_stability(X, labels, n_draws=2, nfolds=3, backend="auto")
print("importance", stability.backend)
print("lasso", sl.cv_glmnet(X, y, seed=1, backend="auto").backend)
print("lm", sl.linear_model(X, y, backend="auto").backend)
print("shap", sl.shap.exact_shap(lambda rows: rows.sum(axis=1), X.iloc[:2], X.iloc[:5],
                                 backend="auto").backend)
print("gp", sl.gp.marginal.marginal_likelihood_surface(
    [0.0, 1.0, 2.0], [0.1, 0.5, -0.2], length_scales=[1.0], noise_sds=[0.5], backend="auto"
).backend)
for name, call in [
    ("tree_r", lambda: sl.trees.fit_tree(X, y, backend="r")),
    ("gbm_r", lambda: sl.trees.gbm_steps(X["a"], y)),
]:
    try:
        call()
    except _rbridge.RUnavailableError as error:
        print(name, error)
""",
        without_forests,
    )
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    for family in ("tree", "boosting", "forest", "mtry", "importance"):
        assert lines[family] == "python", family
    assert lines["efron"] == "python python"
    for family in ("lasso", "lm", "shap", "gp"):
        assert lines[family] == "r", family
    assert "rpart" in lines["tree_r"] and "apt-get install r-cran-rpart" in lines["tree_r"]
    assert "gbm" in lines["gbm_r"] and "apt-get install r-cran-gbm" in lines["gbm_r"]


@pytest.mark.slow
@pytest.mark.parametrize(("report", "package"), TREE_REPORTS.items())
def test_the_tree_reports_render_with_r_and_glmnet_alone(
    without_forests, tmp_path, report, package
):
    done = subprocess.run(
        [
            sys.executable, "-m", "statlab.cli", "report", report, "--engine",
            "embedded", "--backend", "auto", "--out", str(tmp_path),
        ],
        env=without_forests, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    page = " ".join((tmp_path / f"{report}.html").read_text().split())
    assert f"lacks {package}" in page
    assert "so this page ran on the Python backend only" in page
    assert "RUnavailableError" not in page and "Traceback" not in page
