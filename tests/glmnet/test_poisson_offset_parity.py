"""family="poisson" and offsets against R glmnet 4.1-6 on the same folds: Gaussian offsets pass for
pass at R's default thresh; binomial and Poisson at thresh = 1e-14 within 1e-6 of the largest
|coef|, with the same early stop, CV curve and fit.preval."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl

pytestmark = pytest.mark.needs_r

EXACT = {"thresh": 1e-14, "maxit": 10**8}
COEF_TOL = 1e-6


@pytest.fixture(scope="module")
def data(family_data):
    return family_data


def both(data, family, **kwargs):
    return [
        sl.cv_glmnet(data["X"], data[family], family=family, seed=2, keep=True, backend=b,
                     **kwargs)
        for b in ("python", "r")
    ]  # fmt: skip


def assert_same_optimum(python_fit, r_fit):
    assert len(python_fit.lambdas) == len(r_fit.lambdas)  # same early stop
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=1e-9)
    scale = max(np.abs(r_fit.path.beta).max(), np.abs(r_fit.path.a0).max())
    assert np.abs(python_fit.path.beta - r_fit.path.beta).max() <= COEF_TOL * scale
    assert np.abs(python_fit.path.a0 - r_fit.path.a0).max() <= COEF_TOL * scale
    assert python_fit.path.nulldev == pytest.approx(r_fit.path.nulldev, rel=1e-12)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, atol=1e-6)
    np.testing.assert_allclose(python_fit.fit_preval, r_fit.fit_preval, atol=1e-6)
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)
    assert python_fit.measure == r_fit.measure


POISSON_CASES = {
    "plain": {},
    "offset": {"with_offset": True},
    "offset_ridge": {"with_offset": True, "alpha": 0.0},
    "offset_mse": {"with_offset": True, "type_measure": "mse"},
    "no_intercept_mae": {"with_offset": True, "intercept": False, "type_measure": "mae"},
    "penalty_limits": {"penalty_factor": np.r_[0.0, np.ones(7)], "lower_limits": -0.1},
}


@pytest.mark.parametrize("case", list(POISSON_CASES))
def test_poisson_at_the_optimum(data, case):
    options = dict(POISSON_CASES[case])
    if options.pop("with_offset", False):
        options["offset"] = data["offset"]
    assert_same_optimum(*both(data, "poisson", **options, **EXACT))


@pytest.mark.parametrize("intercept", [True, False])
def test_binomial_offset_at_the_optimum(data, intercept):
    fits = both(data, "binomial", offset=data["offset"], intercept=intercept, **EXACT)
    assert_same_optimum(*fits)


@pytest.mark.parametrize("type_gaussian", ["covariance", "naive"])
def test_gaussian_offset_step_for_step(data, type_gaussian):
    python_fit, r_fit = both(data, "gaussian", offset=data["offset"], type_gaussian=type_gaussian)
    assert len(python_fit.lambdas) == len(r_fit.lambdas)
    np.testing.assert_allclose(python_fit.path.beta, r_fit.path.beta, atol=1e-12)
    np.testing.assert_allclose(python_fit.path.a0, r_fit.path.a0, atol=1e-12)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=1e-12)
    np.testing.assert_allclose(python_fit.fit_preval, r_fit.fit_preval, atol=1e-12)


def test_sparse_poisson_with_offset(data):
    rng = np.random.default_rng(3)
    X = data["X"] * (rng.uniform(size=data["X"].shape) < 0.4)
    paths = [
        sl.glmnet(sp.csc_matrix(X), data["poisson"], family="poisson", offset=data["offset"],
                  backend=b, **EXACT)
        for b in ("python", "r")
    ]  # fmt: skip
    assert len(paths[0].lambdas) == len(paths[1].lambdas)
    scale = np.abs(paths[1].beta).max()
    assert np.abs(paths[0].beta - paths[1].beta).max() <= COEF_TOL * scale


def test_negative_counts_are_refused_by_both(data):
    for backend in ("python", "r"):
        with pytest.raises(ValueError, match="y has negative values"):
            sl.glmnet(data["X"], data["gaussian"], family="poisson", backend=backend)
