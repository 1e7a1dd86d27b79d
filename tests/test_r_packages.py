"""backend="auto" per family: R where R loads the family's packages, else Python, said once.

The README's R line installs R and glmnet alone. These tests hide randomForest and gbm from R
(a site library holding every other package, through ``R_LIBS_SITE``) and check that forests then
run in Python under "auto", that ``backend="r"`` names the missing packages with their install
line, and that the forest report renders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_r

HIDDEN = ("randomForest", "gbm")


@pytest.fixture(scope="module")
def without_forests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose R sees every site package except randomForest and gbm."""
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
    return {
        **os.environ,
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

print("missing", _rbridge.missing_packages(("glmnet", "randomForest", "gbm")))
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
    assert lines["missing"] == "('randomForest', 'gbm')"
    assert lines["forest"] == "python"
    assert lines["lasso"] == "r"
    assert lines["report"] == "python r"
    assert lines["usable"] == "False True"
    assert "lacks randomForest" in lines["text"] and "r-cran-randomforest" in lines["text"]
    assert "randomForest" in lines["error"]
    assert "apt-get install r-cran-randomforest" in lines["error"]


@pytest.mark.slow
def test_the_forest_report_renders_with_r_and_glmnet_alone(without_forests, tmp_path):
    done = subprocess.run(
        [
            sys.executable, "-m", "statlab.cli", "report", "trees_efron", "--engine",
            "embedded", "--backend", "auto", "--out", str(tmp_path),
        ],
        env=without_forests, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "trees_efron.html").read_text()
    assert "lacks randomForest" in page
    assert "RUnavailableError" not in page
