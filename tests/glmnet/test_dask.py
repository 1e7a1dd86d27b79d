"""glmnet and cv_glmnet on Dask input equal the Python engine on the same data in memory (and R's
covariance solver), read the data in one pass, predict lazily and refuse what they cannot do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

import statlab as sl
from statlab import _validation as check
from statlab.glmnet._dask import GRAM_MAX_FEATURES, counting_passes

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

N, P = 600, 9


@pytest.fixture(scope="module")
def data() -> dict[str, np.ndarray]:
    """Columns with means near 1e6 (raw sums of squares would lose the centred Gram), weights,
    an offset and five folds."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(N, P)) * rng.uniform(0.5, 3, P) + rng.uniform(-1e6, 1e6, P)
    X[:, 4] = np.round(X[:, 4])  # ties and a coarse column
    y = (X - X.mean(axis=0)) @ np.r_[0.8, -0.5, 0.3, 0, 0, 0.2, 0, 0, 0] + rng.normal(size=N)
    return {
        "X": X,
        "y": y + 1e3,
        "weights": rng.uniform(0.2, 3.0, N),
        "offset": rng.normal(0, 0.5, N),
        "foldid": rng.permutation(np.resize(np.arange(1, 6), N)),
    }


@pytest.fixture(scope="module")
def threads() -> object:
    import dask

    with dask.config.set(scheduler="threads"):
        yield


@pytest.fixture
def client() -> object:
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def _coefficients(path: sl.glmnet.GlmnetPath) -> np.ndarray:
    return np.vstack([path.a0, path.beta])


def _assert_same_path(lazy: sl.glmnet.GlmnetPath, eager: sl.glmnet.GlmnetPath) -> None:
    assert lazy.lambdas.shape == eager.lambdas.shape
    np.testing.assert_allclose(lazy.lambdas, eager.lambdas, rtol=1e-10)
    scale = np.abs(_coefficients(eager)).max()
    assert np.abs(_coefficients(lazy) - _coefficients(eager)).max() <= 1e-10 * scale
    np.testing.assert_allclose(lazy.dev_ratio, eager.dev_ratio, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(lazy.nulldev, eager.nulldev, rtol=1e-12)
    assert lazy.feature_names == eager.feature_names


@pytest.mark.parametrize("intercept", [True, False])
def test_path_equals_in_memory(threads, data, intercept):
    options = {
        "weights": data["weights"],
        "offset": data["offset"],
        "penalty_factor": [1, 1, 0.5, 1, 2, 1, 1, 1, 1],
        "exclude": [7],
        "alpha": 0.7,
        "intercept": intercept,
        "type_gaussian": "covariance",
    }
    eager = sl.glmnet(data["X"], data["y"], backend="python", **options)
    with counting_passes() as passes:
        lazy = sl.glmnet(
            da.from_array(data["X"], chunks=(150, 4)),
            da.from_array(data["y"], chunks=150),
            **{**options, "weights": da.from_array(data["weights"], chunks=150)},
        )
    assert len(passes) == 1
    _assert_same_path(lazy, eager)
    assert lazy.backend == "python"


def test_cv_equals_in_memory_on_a_cluster(client, data):
    eager = sl.cv_glmnet(
        data["X"], data["y"], weights=data["weights"], foldid=data["foldid"],
        type_gaussian="covariance", backend="python",
    )  # fmt: skip
    with counting_passes() as passes:
        lazy = sl.cv_glmnet(
            da.from_array(data["X"], chunks=(100, P)),
            da.from_array(data["y"], chunks=100),
            weights=da.from_array(data["weights"], chunks=100),
            foldid=da.from_array(data["foldid"], chunks=100),
        )
    assert len(passes) == 1  # every fold's statistics from one pass
    _assert_same_path(lazy.path, eager.path)
    # in memory each held-out row's link a0 + x'b sums terms near 1e6 (x's means) to a residual
    # near 1: rounding of 1e-10 there, hence 1e-9 for the curve
    np.testing.assert_allclose(lazy.cvm, eager.cvm, rtol=1e-9)
    np.testing.assert_allclose(lazy.cvsd, eager.cvsd, rtol=1e-7)
    assert (lazy.index_min, lazy.index_1se) == (eager.index_min, eager.index_1se)
    np.testing.assert_array_equal(lazy.foldid, data["foldid"])


def test_cv_on_a_dask_data_frame_in_worker_processes(data):
    frame = pd.DataFrame(data["X"][:300, :4], columns=["a", "b", "c", "d"])
    frame["y"] = data["y"][:300]
    lazy_frame = dd.from_pandas(frame, npartitions=3)
    eager = sl.cv_glmnet(
        frame[["a", "b", "c", "d"]], frame["y"], nfolds=4, seed=3, type_gaussian="covariance",
        backend="python",
    )  # fmt: skip
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        lazy = sl.cv_glmnet(lazy_frame[["a", "b", "c", "d"]], lazy_frame["y"], nfolds=4, seed=3)
    _assert_same_path(lazy.path, eager.path)
    np.testing.assert_allclose(lazy.cvm, eager.cvm, rtol=1e-10)
    assert lazy.coef().index.tolist() == ["(Intercept)", "a", "b", "c", "d"]


def test_predict_on_dask_x_is_lazy(threads, data):
    fit = sl.glmnet(data["X"], data["y"], offset=data["offset"], backend="python")
    X = da.from_array(data["X"], chunks=(200, P))
    offset = da.from_array(data["offset"], chunks=200)
    one = fit.predict(X, 0.05, new_offset=offset)
    several = fit.predict(X, np.array([0.2, 0.05]), new_offset=offset)
    assert isinstance(one, da.Array) and isinstance(several, da.Array)
    assert one.shape == (N,) and several.shape == (N, 2)
    np.testing.assert_allclose(
        one.compute(), fit.predict(data["X"], 0.05, new_offset=data["offset"]), rtol=1e-13
    )
    np.testing.assert_allclose(
        several.compute(),
        fit.predict(data["X"], np.array([0.2, 0.05]), new_offset=data["offset"]),
        rtol=1e-13,
    )


@pytest.mark.needs_r
def test_cv_matches_r_covariance_solver(threads, data):
    options = {"weights": data["weights"], "foldid": data["foldid"], "alpha": 0.5}
    r_fit = sl.cv_glmnet(data["X"], data["y"], type_gaussian="covariance", backend="r", **options)
    lazy = sl.cv_glmnet(
        da.from_array(data["X"], chunks=(120, P)), da.from_array(data["y"], chunks=120), **options
    )
    np.testing.assert_allclose(lazy.lambdas, r_fit.lambdas, rtol=1e-10)
    scale = np.abs(_coefficients(r_fit.path)).max()
    assert np.abs(_coefficients(lazy.path) - _coefficients(r_fit.path)).max() <= 1e-10 * scale
    np.testing.assert_allclose(lazy.cvm, r_fit.cvm, rtol=1e-10)


@pytest.fixture(scope="module")
def counts_and_classes() -> dict[str, np.ndarray]:
    """300 x 5 predictors (means up to 50), weights, an offset, four folds, and a 0/1 and a
    count response from one linear predictor."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 5)) + rng.uniform(-50, 50, 5)
    offset = rng.normal(0, 0.3, 300)
    eta = (X - X.mean(axis=0)) @ [0.8, -0.5, 0.3, 0, 0] + offset
    return {
        "X": X,
        "weights": rng.uniform(0.5, 2.0, 300),
        "offset": offset,
        "foldid": rng.permutation(np.resize(np.arange(1, 5), 300)),
        "binomial": (rng.uniform(size=300) < 1 / (1 + np.exp(-eta))).astype(int),
        "poisson": rng.poisson(np.exp(0.5 * eta)),
    }


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_glm_path_equals_in_memory(threads, counts_and_classes, family):
    d = counts_and_classes
    options = {"family": family, "offset": d["offset"], "alpha": 0.8, "nlambda": 20}
    eager = sl.glmnet(d["X"], d[family], weights=d["weights"], backend="python", **options)
    with counting_passes() as passes:
        lazy = sl.glmnet(
            da.from_array(d["X"], chunks=(100, 5)),
            da.from_array(d[family], chunks=100),
            weights=da.from_array(d["weights"], chunks=100),
            **options,
        )
    assert passes[0].startswith("glmnet: column statistics")
    assert all(p.startswith("IRLS pass") for p in passes[1:]) and len(passes) > len(lazy.lambdas)
    _assert_same_path(lazy, eager)
    assert lazy.class_labels == eager.class_labels


@pytest.mark.parametrize(("family", "measure"), [("binomial", "class"), ("poisson", "deviance")])
def test_glm_cv_equals_in_memory(threads, counts_and_classes, family, measure):
    d = counts_and_classes
    options = {
        "family": family, "offset": d["offset"], "weights": d["weights"],
        "foldid": d["foldid"], "type_measure": measure, "lambdas": np.geomspace(0.2, 0.005, 6),
    }  # fmt: skip
    eager = sl.cv_glmnet(d["X"], d[family], backend="python", **options)
    lazy = sl.cv_glmnet(
        da.from_array(d["X"], chunks=(75, 5)), da.from_array(d[family], chunks=75), **options
    )
    _assert_same_path(lazy.path, eager.path)
    np.testing.assert_allclose(lazy.cvm, eager.cvm, rtol=1e-10)
    np.testing.assert_allclose(lazy.cvsd, eager.cvsd, rtol=1e-8)
    assert lazy.measure == eager.measure
    assert (lazy.index_min, lazy.index_1se) == (eager.index_min, eager.index_1se)


def _dask_xy(n: int = 40, p: int = 3, chunks: int = 20) -> tuple[object, object]:
    rng = np.random.default_rng(0)
    return da.from_array(rng.normal(size=(n, p)), chunks=(chunks, p)), da.from_array(
        rng.normal(size=n), chunks=chunks
    )


def test_refusals_name_the_argument_and_the_limit(threads):
    X, y = _dask_xy()
    with pytest.raises(check.InvalidArgumentError, match=f"at most {GRAM_MAX_FEATURES} columns"):
        sl.glmnet(da.zeros((40, GRAM_MAX_FEATURES + 1), chunks=(20, -1)), y)
    with pytest.raises(check.InvalidArgumentError, match="y is constant"):
        sl.glmnet(X, da.ones(40, chunks=20))
    with pytest.raises(check.InvalidArgumentError, match="type_gaussian='naive'"):
        sl.glmnet(X, y, type_gaussian="naive")
    unknown = X[X[:, 0] > -10]
    with pytest.raises(check.InvalidArgumentError, match=r"X has unknown chunk.*compute_chunk"):
        sl.glmnet(unknown, y)
    with pytest.raises(check.InvalidArgumentError, match=r"y's row chunks .* disagree with X's"):
        sl.glmnet(X, y.rechunk(10))
    with pytest.raises(check.InvalidArgumentError, match="backend='r' cannot take Dask input"):
        sl.glmnet(X, y, backend="r")
    with pytest.raises(check.InvalidArgumentError, match="family='multinomial' is not available"):
        sl.glmnet(X, (y > 0).astype(int), family="multinomial")
    with pytest.raises(check.InvalidArgumentError, match=r"y must be 0 or 1 .* rows \d+\.\.\d+"):
        sl.glmnet(X, y, family="binomial")
    with pytest.raises(check.InvalidArgumentError, match=r"type_logistic='modified\.Newton'"):
        sl.glmnet(X, (y > 0).astype(int), family="binomial", type_logistic="modified.Newton")
    with pytest.raises(check.InvalidArgumentError, match=r"type_measure='auc' .* not available"):
        sl.cv_glmnet(X, (y > 0).astype(int), family="binomial", type_measure="auc", nfolds=3)
    sparse = X.map_blocks(scipy.sparse.csr_matrix)
    with pytest.raises(check.InvalidArgumentError, match=r"X has scipy.* blocks"):
        sl.glmnet(sparse, y)


def test_nan_found_mid_pass_names_x_and_the_rows(threads):
    X, y = _dask_xy()
    holed = da.where(da.arange(40)[:, None] == 27, np.nan, X)
    with pytest.raises(check.InvalidArgumentError, match=r"X contains NaN .*rows 20\.\.39"):
        sl.glmnet(holed.rechunk((20, 3)), y)
    with pytest.raises(check.InvalidArgumentError, match=r"y contains NaN .*rows 0\.\.19"):
        sl.cv_glmnet(X, da.where(da.arange(40) == 3, np.nan, y).rechunk(20), nfolds=3, seed=1)


def test_a_worker_dying_mid_pass_leaves_the_result_unchanged(data, tmp_path):
    """The worker computing one block exits; Dask's nanny restarts it and the block's task runs
    again, so the fit equals the one in memory."""
    import os

    marker = str(tmp_path / "a-worker-died")

    def block_that_kills_its_worker_once(block: np.ndarray, block_info=None) -> np.ndarray:
        if block_info[None]["chunk-location"][0] == 1 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)
        return block

    X, y = data["X"][:300, :4], data["y"][:300]
    lazy_x = da.from_array(X, chunks=(100, 4)).map_blocks(
        block_that_kills_its_worker_once, dtype=np.float64
    )
    eager = sl.glmnet(X, y, type_gaussian="covariance", backend="python")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        lazy = sl.glmnet(lazy_x, da.from_array(y, chunks=100))
    assert os.path.exists(marker)  # the worker did die
    _assert_same_path(lazy, eager)
