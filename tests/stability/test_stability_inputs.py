"""Bad arguments give a ValueError naming the argument; a failing replicate names itself."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.stability import (
    GlmnetFit,
    ReplicateError,
    ReplicateFit,
    bootstrap_draw,
    run_replicates,
)

GOOD = {"alphas": {"lasso": 1.0}, "n_draws": 2, "seed": 1, "backend": "python"}


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"n_test": 97}, "n_test"),
        ({"n_test": 120}, "n_test"),
        ({"n_test": 0}, "n_test"),
        ({"n_test": 90}, "n_test"),  # leaves 7 training rows for 10 folds
        ({"test_index": [0, 97]}, "test_index"),
        ({"test_index": [-1, 4]}, "test_index"),
        ({"test_index": [3, 5, 3]}, "test_index"),
        ({"test_index": []}, "test_index"),
        ({"test_index": [1, 2], "n_test": 2}, "n_test and test_index"),
        ({"n_draws": 0}, "n_draws"),
        ({"n_draws": 2.5}, "n_draws"),
        ({"alphas": {}}, "alphas"),
        ({"alphas": [1.0, 0.0]}, "alphas"),
        ({"alphas": {"lasso": 1.5}}, "alphas['lasso']"),
        ({"alphas": {"odd": -0.1}}, "alphas['odd']"),
        ({"alphas": {"odd": "ridge"}}, "alphas['odd']"),
        ({"s": "lambda.best"}, "s"),
        ({"s": -1.0}, "s"),
        ({"s": None}, "s"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"seed": -3}, "seed"),
        ({"backend": "julia"}, "backend"),
    ],
)
def test_bad_argument_is_named(
    prostate_xy: tuple[pd.DataFrame, pd.Series], changes: dict[str, object], argument: str
) -> None:
    X, y = prostate_xy
    with pytest.raises(ValueError, match="^" + re.escape(argument)):
        sl.prediction_stability(X, y, **{**GOOD, **changes})


def test_bad_data_is_named(prostate_xy: tuple[pd.DataFrame, pd.Series]) -> None:
    X, y = prostate_xy
    with pytest.raises(ValueError, match=r"^y has 96 values"):
        sl.prediction_stability(X, y.iloc[1:], **GOOD)
    with pytest.raises(ValueError, match=r"^X contains NaN"):
        sl.prediction_stability(X.assign(age=np.nan), y, **GOOD)


class FailsOnSample:
    """A model whose fit raises on the one bootstrap sample whose first column sums to ``total``."""

    def __init__(self, total: float) -> None:
        self.total = total

    def __call__(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        if x_train[:, 0].sum() == self.total:
            raise np.linalg.LinAlgError("singular design")
        return ReplicateFit(np.zeros(x_test.shape[0]), np.zeros(x_train.shape[1] + 1), 0.0)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_failing_replicate_reports_replicate_and_seed(n_jobs: int) -> None:
    x = np.arange(40, dtype=float).reshape(20, 2)
    y = x[:, 0] * 0.5
    test_index, train = np.arange(4), np.arange(4, 20)
    totals = [x[train[bootstrap_draw(7, b, 16, 3)[0]], 0].sum() for b in range(6)]
    assert totals.count(totals[4]) == 1
    models = {"ok": GlmnetFit(alpha=1.0), "fragile": FailsOnSample(totals[4])}
    message = (
        "bootstrap replicates: replicate 4 (seed 7) failed: ModelError: model 'fragile': "
        "LinAlgError: singular design"
    )
    with pytest.raises(ReplicateError, match=re.escape(message)):
        run_replicates(models, x, y, test_index, n_draws=6, seed=7, nfolds=3, n_jobs=n_jobs)


def test_importing_stability_loads_no_heavy_dependency() -> None:
    import subprocess
    import sys

    code = (
        "import sys, statlab.stability, statlab.plots.stability; "
        "print(sorted(m for m in ('plotnine', 'joblib', 'dask', 'rpy2', 'numba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
