"""The R backend (cv_glmnet's, r/glmnet.R) fits the same bootstrap rows and folds as the Python backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.stability import StabilityResult


@pytest.mark.needs_r
def test_r_replicates_match_python(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    X, y = prostate_xy
    on_r = sl.prediction_stability(
        X, y, alphas={"lasso": 1.0, "ridge": 0.0}, n_test=20, n_draws=2, seed=479, backend="r"
    )
    assert on_r.backend == "r"
    python = small_run.predictions[small_run.predictions["replicate"] < 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        on_r.predictions.drop(columns="predicted"), python.drop(columns="predicted")
    )
    gap = np.abs(on_r.predictions["predicted"] - python["predicted"]).max()
    assert gap < 1e-3
    coefficients = small_run.coefficients[small_run.coefficients["replicate"] < 2]
    np.testing.assert_allclose(on_r.coefficients["coef"], coefficients["coef"], atol=1e-3)
    lambdas = small_run.lambdas[small_run.lambdas["replicate"] < 2]
    np.testing.assert_allclose(on_r.lambdas["lambda"], lambdas["lambda"], rtol=1e-6)


@pytest.mark.needs_r
def test_r_loop_times_itself_and_agrees_with_the_replicate_function(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    from statlab import _rbridge
    from statlab.stability import bootstrap_draw

    X, y = prostate_xy
    train = np.setdiff1d(np.arange(97), small_run.test_index)
    draws = [bootstrap_draw(479, b, train.size, 10) for b in range(2)]
    out = _rbridge.call(
        "stability_loop",
        X.to_numpy(),
        y.to_numpy(),
        small_run.test_index + 1,
        np.vstack([train[rows] + 1 for rows, _ in draws]),
        np.vstack([folds for _, folds in draws]),
        np.array([1.0, 0.0]),
    )
    assert float(np.asarray(out["elapsed"])[0]) > 0
    predicted = np.asarray(out["predicted"])  # replicate x test row x model
    for m, model in enumerate(["lasso", "ridge"]):
        table = small_run.predictions
        python = table[(table["model"] == model) & (table["replicate"] < 2)]["predicted"]
        np.testing.assert_allclose(predicted[:, :, m].reshape(-1), python, atol=1e-3)


@pytest.mark.needs_r
def test_r_backend_under_threads_is_serialised_and_identical(
    prostate_xy: tuple[pd.DataFrame, pd.Series],
) -> None:
    from joblib import parallel_config

    X, y = prostate_xy
    args = {"alphas": {"lasso": 1.0}, "n_test": 20, "n_draws": 3, "seed": 11, "backend": "r"}
    one_thread = sl.prediction_stability(X, y, **args, n_jobs=1)
    with parallel_config(backend="threading"):
        two_threads = sl.prediction_stability(X, y, **args, n_jobs=2)
    pd.testing.assert_frame_equal(one_thread.predictions, two_threads.predictions, check_exact=True)
