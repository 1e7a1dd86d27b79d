"""The Gram the folds of a Gaussian covariance-solver cv_glmnet share: the same fits as each fold
computing its own Gram rows, on data whose columns have large means."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl
from statlab.glmnet import _backend_python

N_ROWS, N_COLS = 1500, 40


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261126)
    x = rng.standard_normal((N_ROWS, N_COLS)) + 0.6 * rng.standard_normal((N_ROWS, 1))
    x[:, 0] = 2000.0 + 10.0 * rng.standard_normal(N_ROWS)  # years: mean 200 sds from 0
    x[:, 1] = 1e4 + rng.standard_normal(N_ROWS)
    x = np.asfortranarray(x)
    beta = np.zeros(N_COLS)
    beta[:25] = rng.uniform(-1.0, 1.0, 25)
    y = 3.0 + (x - x.mean(axis=0)) @ beta + 2.0 * rng.standard_normal(N_ROWS)
    foldid = rng.permutation(np.resize(np.arange(1, 11), N_ROWS))
    return x, y, foldid


OPTIONS = {
    "plain": {},
    "weights": {"weights": np.resize([0.5, 1.0, 2.5, 0.0], N_ROWS)},
    "penalty_factor": {"penalty_factor": np.where(np.arange(N_COLS) % 5 == 0, 0.0, 1.5)},
    "exclude": {"exclude": [2, 7, 11]},
    "limits": {"lower_limits": -0.3, "upper_limits": 0.3},
    "offset": {"offset": np.sin(np.arange(N_ROWS))},
    "no intercept": {"intercept": False},
    "not standardized": {"standardize": False},
    "ridge": {"alpha": 0.0},
    "relax": {"relax": True, "gamma": [0.0, 0.5]},
}


def test_these_data_share_the_gram(data):
    x, _, foldid = data
    columns = _backend_python._Columns.of(x)
    settings = _backend_python._Settings(
        1.0, "gaussian", True, 100, None, 1e-7, 100_000, None, "covariance",
        _backend_python.PathOptions.defaults(N_COLS),
    )  # fmt: skip
    shared = _backend_python._held_out_products(columns, np.ones(N_ROWS), foldid, settings)
    assert shared is not None and len(shared.folds) == 10
    tiny = _backend_python._Columns.of(x[:100])
    assert _backend_python._held_out_products(tiny, np.ones(100), foldid[:100], settings) is None


@pytest.mark.parametrize("no_intercept", [False, True])
def test_fold_gram_equals_direct_products(data, no_intercept):
    x, _, foldid = data
    weights = np.resize([0.5, 1.0, 2.5, 0.0], N_ROWS)
    settings = _backend_python._Settings(
        1.0, "gaussian", True, 100, None, 1e-7, 100_000, None, "covariance",
        _backend_python.PathOptions.defaults(N_COLS),
    )  # fmt: skip
    shared = _backend_python._held_out_products(
        _backend_python._Columns.of(x), weights, foldid, settings
    )
    train = np.where(foldid != 3, weights, 0.0)
    w = train / train.sum()
    mean = w @ x
    scale = np.sqrt(w @ (x - mean) ** 2)
    centre = np.zeros(N_COLS) if no_intercept else mean
    gram = shared.training(3).gram(float(train.sum()), mean, centre, scale)
    direct = ((x - centre) * w[:, None]).T @ (x - centre) / np.outer(scale, scale)
    np.testing.assert_allclose(gram, direct, rtol=1e-12, atol=1e-12 * np.abs(direct).max())


@pytest.mark.parametrize("option", list(OPTIONS))
def test_shared_gram_cv_equals_per_fold_gram_rows(data, option, monkeypatch):
    x, y, foldid = data
    arguments = OPTIONS[option]
    if option == "no intercept":
        # through the origin, x's years column stays uncentred; the column of mean 1e4 (sd 1)
        # would stand in for the intercept alone
        x, y = np.asfortranarray(np.delete(x, 1, axis=1)), y - 3.0

    def cv() -> sl.CVGlmnetResult:
        return sl.cv_glmnet(x, y, foldid=foldid, backend="python", **arguments)

    shared = cv()
    monkeypatch.setattr(_backend_python, "SHARED_GRAM_MAX_FEATURES", 0)
    own = cv()
    assert shared.nzero.max() >= 10  # many Gram rows in play
    assert len(shared.lambdas) == len(own.lambdas)
    np.testing.assert_allclose(shared.lambdas, own.lambdas, rtol=1e-12)
    np.testing.assert_allclose(shared.cvm, own.cvm, rtol=1e-12)
    np.testing.assert_allclose(shared.cvsd, own.cvsd, rtol=1e-10)
    beta, own_beta = shared.glmnet_fit.beta, own.glmnet_fit.beta
    np.testing.assert_allclose(beta, own_beta, rtol=0, atol=1e-12 * np.abs(own_beta).max())
    if option == "relax":
        np.testing.assert_allclose(shared.relaxed.cvm, own.relaxed.cvm, rtol=1e-12)


def test_shared_gram_cv_is_identical_across_n_jobs(data):
    x, y, foldid = data
    one, two = (
        sl.cv_glmnet(x, y, foldid=foldid, n_jobs=jobs, backend="python", **OPTIONS["weights"])
        for jobs in (1, 2)
    )
    np.testing.assert_array_equal(one.cvm, two.cvm)
    np.testing.assert_array_equal(one.glmnet_fit.beta, two.glmnet_fit.beta)


@pytest.mark.needs_r
@pytest.mark.parametrize("option", [name for name in OPTIONS if name != "relax"])
def test_shared_gram_cv_matches_r_pass_for_pass(data, option):
    x, y, foldid = data
    if option == "no intercept":
        x, y = np.asfortranarray(np.delete(x, 1, axis=1)), y - 3.0
    python_fit, r_fit = (
        sl.cv_glmnet(x, y, foldid=foldid, backend=backend, **OPTIONS[option])
        for backend in ("python", "r")
    )
    assert len(python_fit.lambdas) == len(r_fit.lambdas)  # the same early stop
    # 1e-10, not 1e-12: through the origin, the years column's uncentred gradient (and so lambda
    # max) carries rounding of relative size 1e-11 in both programs, shared Gram or not
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=1e-10)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=1e-9)
    beta, r_beta = python_fit.glmnet_fit.beta, r_fit.glmnet_fit.beta
    np.testing.assert_allclose(beta, r_beta, rtol=0, atol=1e-10 * np.abs(r_beta).max())
    np.testing.assert_allclose(python_fit.glmnet_fit.a0, r_fit.glmnet_fit.a0, rtol=1e-10)
