"""Results do not depend on how the replicates are run: n_jobs, threads, Dask workers."""

from __future__ import annotations

import pandas as pd
import pytest

import statlab as sl
from statlab.stability import StabilityResult

ARGS = {"alphas": {"lasso": 1.0, "ridge": 0.0}, "n_test": 20, "n_draws": 6, "seed": 479}


def assert_same_run(left: StabilityResult, right: StabilityResult) -> None:
    pd.testing.assert_frame_equal(left.predictions, right.predictions, check_exact=True)
    pd.testing.assert_frame_equal(left.coefficients, right.coefficients, check_exact=True)
    pd.testing.assert_frame_equal(left.lambdas, right.lambdas, check_exact=True)


@pytest.mark.slow
def test_two_processes_give_the_one_process_result(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    X, y = prostate_xy
    parallel = sl.prediction_stability(X, y, **ARGS, backend="python", n_jobs=2)
    assert_same_run(parallel, small_run)


def test_threads_give_the_one_process_result(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    from joblib import parallel_config

    X, y = prostate_xy
    with parallel_config(backend="threading"):
        threaded = sl.prediction_stability(X, y, **ARGS, backend="python", n_jobs=2)
    assert_same_run(threaded, small_run)


@pytest.mark.slow
def test_dask_workers_give_the_local_result(
    prostate_xy: tuple[pd.DataFrame, pd.Series],
    small_run: StabilityResult,
) -> None:
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_config

    X, y = prostate_xy
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        parallel_config(backend="dask"),
    ):
        on_dask = sl.prediction_stability(X, y, **ARGS, backend="python", n_jobs=-1)
        ran_on = client.run(lambda: "statlab.stability" in __import__("sys").modules)
    assert len(ran_on) == 2 and any(ran_on.values())
    assert_same_run(on_dask, small_run)
