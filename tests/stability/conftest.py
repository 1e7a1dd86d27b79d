"""Shared inputs for the prediction-stability tests: faraway's prostate and one small run."""

from __future__ import annotations

import pandas as pd
import pytest

import statlab as sl


@pytest.fixture(scope="session")
def prostate_xy() -> tuple[pd.DataFrame, pd.Series]:
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


@pytest.fixture(scope="session")
def small_run(prostate_xy: tuple[pd.DataFrame, pd.Series]) -> sl.stability.StabilityResult:
    X, y = prostate_xy
    return sl.prediction_stability(
        X,
        y,
        alphas={"lasso": 1.0, "ridge": 0.0},
        n_test=20,
        n_draws=6,
        seed=479,
        backend="python",
        n_jobs=1,
    )
