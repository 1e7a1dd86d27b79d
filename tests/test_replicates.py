"""The replicate runner (statlab._replicates) and its users: replicate b sees (b, replicate_rng(seed,
b)) alone, so every result array is the same for one worker and for two."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab._random import replicate_rng
from statlab._replicates import ReplicateError, map_replicates


def draw_three(replicate: int, rng: np.random.Generator) -> tuple[int, list[float]]:
    # early replicates finish last, so gathering in completion order would shuffle them
    time.sleep(0.02 * (replicate < 3))
    return replicate, rng.random(3).tolist()


def fails_at_five(replicate: int, rng: np.random.Generator) -> float:
    if replicate == 5:
        raise np.linalg.LinAlgError("singular matrix")
    return float(rng.random())


# --- the runner ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefer", ["processes", "threads"])
def test_results_come_in_replicate_order_with_each_replicates_own_stream(prefer: str) -> None:
    expected = [(b, replicate_rng(11, b).random(3).tolist()) for b in range(13)]
    assert map_replicates(draw_three, 13, seed=11) == expected
    assert map_replicates(draw_three, 13, seed=11, n_jobs=2, prefer=prefer) == expected
    assert map_replicates(draw_three, 13, seed=12)[4] != expected[4]


def test_fewer_replicates_than_blocks_and_none_at_all() -> None:
    assert map_replicates(draw_three, 1, seed=3, n_jobs=2) == [
        (0, replicate_rng(3, 0).random(3).tolist())
    ]
    assert map_replicates(draw_three, 0, seed=3, n_jobs=2) == []


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_failing_replicate_is_named_with_its_seed(n_jobs: int) -> None:
    message = "refits: replicate 5 (seed 42) failed: LinAlgError: singular matrix"
    with pytest.raises(ReplicateError, match=f"^{re.escape(message)}$") as raised:
        map_replicates(fails_at_five, 9, seed=42, n_jobs=n_jobs, description="refits")
    if n_jobs == 1:
        assert isinstance(raised.value.__cause__, np.linalg.LinAlgError)


def test_progress_bar_is_quiet_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    map_replicates(draw_three, 4, seed=1)
    assert capsys.readouterr().err == ""
    map_replicates(draw_three, 4, seed=1, progress=True, description="demo refits", unit="fit")
    drawn = capsys.readouterr().err
    assert "demo refits" in drawn and "4/4" in drawn and "fit" in drawn


def test_a_dask_backend_gives_the_sequential_result() -> None:
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_config

    expected = map_replicates(draw_three, 10, seed=5)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster),
        parallel_config(backend="dask"),
    ):
        assert map_replicates(draw_three, 10, seed=5, n_jobs=-1) == expected
        with pytest.raises(ReplicateError, match=r"replicate 5 \(seed 42\)"):
            map_replicates(fails_at_five, 9, seed=42, n_jobs=-1)


# --- its users: one worker and two give the same arrays ---------------------------------------


def test_prediction_stability_is_the_same_on_two_workers() -> None:
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=list("abcd"))
    y = pd.Series(X["a"] - 0.5 * X["b"] + rng.normal(size=60))
    run = {"alphas": {"lasso": 1.0, "ridge": 0.0}, "n_test": 10, "n_draws": 5, "seed": 8}
    one = sl.prediction_stability(X, y, **run, nfolds=3, backend="python", n_jobs=1)
    two = sl.prediction_stability(X, y, **run, nfolds=3, backend="python", n_jobs=2)
    for table in ("predictions", "coefficients", "lambdas"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table), check_exact=True)


@pytest.fixture(scope="module")
def arcene_slice() -> tuple[pd.DataFrame, pd.Series]:
    train = sl.data.load("arcene")
    return train.drop(columns="y").iloc[:, :25], train["y"]


@pytest.mark.slow
def test_importance_refits_and_mdi_plus_are_the_same_on_two_workers(arcene_slice) -> None:
    from statlab.trees import importance_stability

    X, y = arcene_slice
    run = {"n_draws": 5, "nfolds": 3, "seed": 2, "backend": "python"}
    one = importance_stability(X, y, **run, n_jobs=1)
    two = importance_stability(X, y, **run, n_jobs=2)
    np.testing.assert_array_equal(one.coefs.to_numpy(), two.coefs.to_numpy())
    np.testing.assert_array_equal(one.importances.to_numpy(), two.importances.to_numpy())
    assert (one.importances.to_numpy() > 0).any() and (one.coefs.to_numpy() != 0).any()
    gains_one = one.mdi_plus_bootstrap(3, n_jobs=1).to_numpy()
    np.testing.assert_array_equal(gains_one, one.mdi_plus_bootstrap(3, n_jobs=2).to_numpy())
    assert (gains_one != 0).any()


def test_oob_permutation_importance_is_the_same_on_two_workers() -> None:
    from sklearn.ensemble import RandomForestClassifier

    from statlab.trees.forest import oob_permutation_importance

    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 4))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=120) > 0, "yes", "no")
    forest = RandomForestClassifier(n_estimators=25, random_state=1).fit(X, y)
    raw_one, sd_one = oob_permutation_importance(forest, X, y, seed=6, n_jobs=1)
    raw_two, sd_two = oob_permutation_importance(forest, X, y, seed=6, n_jobs=2)
    np.testing.assert_array_equal(raw_one, raw_two)
    np.testing.assert_array_equal(sd_one, sd_two)
    assert raw_one[0] > max(raw_one[1:])


def least_squares(X: np.ndarray, y: np.ndarray):
    beta = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
    return lambda Z: beta[0] + Z @ beta[1:]


@pytest.mark.parametrize(("method", "subsample"), [("exact", None), ("kernel", 0.5)])
def test_shap_stability_is_the_same_on_two_workers(method: str, subsample: float | None) -> None:
    from statlab.shap import shap_stability

    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 3))
    y = 2 * X[:, 0] + X[:, 1] + rng.normal(size=80)
    run = {"n_draws": 5, "seed": 3, "n_explain": 10, "n_background": 10, "n_samples": 8}
    one = shap_stability(least_squares, X, y, method=method, subsample=subsample, **run)
    two = shap_stability(least_squares, X, y, method=method, subsample=subsample, n_jobs=2, **run)
    pd.testing.assert_frame_equal(one.importance, two.importance, check_exact=True)
    assert one.importance["mean_abs_phi"].nunique() == len(one.importance)


def test_kernel_shap_variance_is_the_same_on_two_workers() -> None:
    from statlab.shap import kernel_shap_variance

    background = np.random.default_rng(0).normal(size=(20, 5))

    def f(X: np.ndarray) -> np.ndarray:
        return X[:, 0] * X[:, 1] + np.sin(X[:, 2] + X[:, 3] * X[:, 4])

    run = {"n_samples_grid": [16, 24], "n_draws": 4, "seed": 1}
    one = kernel_shap_variance(f, np.ones(5), background, **run)
    two = kernel_shap_variance(f, np.ones(5), background, **run, n_jobs=2)
    pd.testing.assert_frame_equal(one.replicates, two.replicates, check_exact=True)
    phi = one.replicates["phi"].to_numpy().reshape(8, 5)  # (grid point, replicate) x feature
    assert len(np.unique(phi, axis=0)) == 8
