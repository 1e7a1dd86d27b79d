"""R glmnet 4.1-6 against the Python engine beyond course size: both Gaussian algorithms with
p >= 500, sparse x (a dgCMatrix in R), binomial on dense and sparse x.

At R's default thresh the Gaussian solvers follow glmnet pass for pass, so the number of passes
(``npasses``) is equal and the coefficients agree to rounding. The binomial solver meets R at the
optimum (thresh = 1e-14).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl
from statlab.glmnet import _backend_python, _backend_r

pytestmark = pytest.mark.needs_r

PATH_ARGS = {
    "family": "gaussian",
    "standardize": True,
    "nlambda": 100,
    "lambda_min_ratio": None,
    "thresh": 1e-7,
    "max_passes": 100_000,
    "lambdas": None,
}
ROUNDING = 1e-10  # coefficients relative to the path's largest |coef|, at R's default thresh


@pytest.fixture(scope="module")
def wide_dense():
    """600 x 520 with correlated columns: R's default here is the naive algorithm."""
    rng = np.random.default_rng(20)
    n, p = 600, 520
    x = rng.standard_normal((n, p)) + 0.7 * rng.standard_normal((n, 1))
    beta = np.zeros(p)
    beta[::26] = rng.uniform(0.5, 1.5, 20)
    return x, x @ beta + 2 * rng.standard_normal(n)


@pytest.fixture(scope="module")
def sparse_xy():
    rng = np.random.default_rng(21)
    n, p = 1500, 600
    x = sp.random(n, p, density=0.02, format="csc", random_state=rng)
    x.data = np.round(x.data * 4 + 1)  # counts-like values
    beta = np.zeros(p)
    beta[:15] = rng.uniform(0.5, 1.5, 15)
    return x, x @ beta + rng.standard_normal(n)


def assert_same_path(python_path, r_path):
    assert python_path.npasses == r_path.npasses  # pass for pass
    assert python_path.lambdas.shape == r_path.lambdas.shape  # same early stop
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=1e-12)
    scale = np.abs(r_path.beta).max()
    assert np.abs(python_path.beta - r_path.beta).max() <= ROUNDING * scale
    np.testing.assert_allclose(python_path.a0, r_path.a0, atol=ROUNDING * max(scale, 1.0))
    np.testing.assert_allclose(python_path.dev_ratio, r_path.dev_ratio, atol=1e-12)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0], ids=["lasso", "enet", "ridge"])
@pytest.mark.parametrize("type_gaussian", ["naive", "covariance"])
def test_dense_p_over_500_each_type_pass_for_pass(wide_dense, alpha, type_gaussian):
    x, y = wide_dense
    w = np.ones(len(y))
    args = {**PATH_ARGS, "alpha": alpha, "type_gaussian": type_gaussian}
    assert_same_path(
        _backend_python.fit_path(x, y, w, **args), _backend_r.fit_path(x, y, w, **args)
    )


def test_default_type_is_rs_choice(wide_dense):
    # with no type_gaussian each side picks its default: R naive from 500 variables on
    x, y = wide_dense
    w = np.ones(len(y))
    args = {**PATH_ARGS, "alpha": 1.0}
    r_default = _backend_r.fit_path(x, y, w, **args, type_gaussian=None)
    python_default = _backend_python.fit_path(x, y, w, **args, type_gaussian=None)
    python_naive = _backend_python.fit_path(x, y, w, **args, type_gaussian="naive")
    python_cov = _backend_python.fit_path(x, y, w, **args, type_gaussian="covariance")
    assert_same_path(python_default, r_default)
    assert python_default.npasses == python_naive.npasses
    assert np.array_equal(python_default.beta, python_naive.beta)
    assert not np.array_equal(python_default.beta, python_cov.beta)  # rounding differs


def test_cv_weights_and_no_standardisation_p_over_500(wide_dense):
    x, y = wide_dense
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    fits = [
        sl.cv_glmnet(x, y, weights=w, standardize=False, alpha=0.5, seed=5, backend=b)
        for b in ("python", "r")
    ]
    assert len(fits[0].lambdas) == len(fits[1].lambdas)
    np.testing.assert_allclose(fits[0].cvm, fits[1].cvm, rtol=1e-9)
    assert (fits[0].index_min, fits[0].index_1se) == (fits[1].index_min, fits[1].index_1se)
    scale = np.abs(fits[1].path.beta).max()
    assert np.abs(fits[0].path.beta - fits[1].path.beta).max() <= ROUNDING * scale


@pytest.mark.parametrize("type_gaussian", ["naive", "covariance"])
def test_sparse_gaussian_matches_r_and_dense(sparse_xy, type_gaussian):
    x, y = sparse_xy
    w = np.ones(len(y))
    args = {**PATH_ARGS, "alpha": 1.0, "type_gaussian": type_gaussian}
    python_sparse = _backend_python.fit_path(x, y, w, **args)
    assert_same_path(python_sparse, _backend_r.fit_path(x, y, w, **args))
    python_dense = _backend_python.fit_path(x.toarray(), y, w, **args)
    assert python_dense.npasses == python_sparse.npasses
    np.testing.assert_allclose(python_sparse.beta, python_dense.beta, atol=1e-12)


@pytest.mark.parametrize("alpha", [1.0, 0.0], ids=["lasso", "ridge"])
def test_sparse_naive_with_weights_matches_r(sparse_xy, alpha):
    # unequal weights, some zero (as in a fold): the sparse solver's weighted gradient entries
    x, y = sparse_xy
    w = np.random.default_rng(4).uniform(0.5, 2.0, len(y))
    w[::7] = 0.0
    args = {**PATH_ARGS, "alpha": alpha, "type_gaussian": "naive"}
    python_sparse = _backend_python.fit_path(x, y, w, **args)
    assert_same_path(python_sparse, _backend_r.fit_path(x, y, w, **args))
    python_dense = _backend_python.fit_path(x.toarray(), y, w, **args)
    assert python_dense.npasses == python_sparse.npasses
    np.testing.assert_allclose(python_sparse.beta, python_dense.beta, atol=1e-12)


def test_sparse_cv_glmnet_matches_r(sparse_xy):
    x, y = sparse_xy
    fits = [sl.cv_glmnet(x.tocsr(), y, alpha=0.5, seed=8, backend=b) for b in ("python", "r")]
    assert len(fits[0].lambdas) == len(fits[1].lambdas)
    np.testing.assert_allclose(fits[0].cvm, fits[1].cvm, rtol=1e-9)
    assert (fits[0].index_min, fits[0].index_1se) == (fits[1].index_min, fits[1].index_1se)
    np.testing.assert_allclose(fits[0].path.beta, fits[1].path.beta, atol=1e-10)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_binomial_at_the_optimum(wide_dense, sparse_xy, kind):
    if kind == "dense":
        x, latent = wide_dense
        x = x[:, :500]
    else:
        x, latent = sparse_xy
    y = (latent > np.median(latent)).astype(float)
    args = {
        **PATH_ARGS,
        "family": "binomial",
        "alpha": 1.0,
        "thresh": 1e-14,
        "lambda_min_ratio": 0.05,
    }
    w = np.ones(len(y))
    python_path = _backend_python.fit_path(x, y, w, **args)
    r_path = _backend_r.fit_path(x, y, w, **args)
    common = min(len(python_path.lambdas), len(r_path.lambdas))
    assert common >= 20
    np.testing.assert_allclose(python_path.lambdas[:common], r_path.lambdas[:common], rtol=1e-10)
    scale = np.abs(r_path.beta).max()
    gap = np.abs(python_path.beta[:, :common] - r_path.beta[:, :common]).max()
    assert gap <= 1e-6 * scale
    np.testing.assert_allclose(python_path.a0[:common], r_path.a0[:common], atol=1e-6 * scale)


@pytest.mark.parametrize("type_gaussian", ["naive", "covariance"])
def test_user_lambda_grid_pass_for_pass(wide_dense, type_gaussian):
    # a user grid is solved in full, its strong rule starting from lambda "zero" as in glmnet
    x, y = wide_dense
    grid = np.exp(np.linspace(np.log(1.0), np.log(0.01), 30))
    args = {**PATH_ARGS, "alpha": 0.7, "lambdas": grid, "type_gaussian": type_gaussian}
    w = np.ones(len(y))
    assert_same_path(
        _backend_python.fit_path(x, y, w, **args), _backend_r.fit_path(x, y, w, **args)
    )
