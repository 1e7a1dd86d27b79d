"""glmnet's per-variable options against R glmnet 4.1-6 on the same folds.

Gaussian runs at R's default thresh and must follow R's iterations pass for pass (same path length,
coefficients and CV curve to rounding); binomial runs at thresh = 1e-14 and must meet R within 1e-6
of the largest |coefficient|.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import statlab as sl

pytestmark = pytest.mark.needs_r

STEP_TOL = 1e-10  # pass-for-pass: coefficients, absolute
CVM_RTOL = 1e-9
COEF_TOL = 1e-6  # at the optimum, relative to the largest |coef|
EXACT = {"thresh": 1e-14, "maxit": 10**8}


@pytest.fixture(scope="module")
def ozone_xy():
    ozone = sl.data.load("ozone")
    return sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"])


@pytest.fixture(scope="module")
def prostate_xy():
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


def both(function, *args, **kwargs):
    return [function(*args, backend=b, **kwargs) for b in ("python", "r")]


def assert_same_steps(python_fit, r_fit):
    assert len(python_fit.lambdas) == len(r_fit.lambdas)  # same early stop
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=1e-12)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=CVM_RTOL)
    np.testing.assert_allclose(python_fit.path.beta, r_fit.path.beta, atol=STEP_TOL)
    np.testing.assert_allclose(python_fit.path.a0, r_fit.path.a0, atol=STEP_TOL)
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)


def ozone_penalty_factor(n_features):
    rng = np.random.default_rng(2)
    return np.r_[0.0, 0.0, rng.uniform(0.2, 2.0, n_features - 2)]


@pytest.mark.parametrize("type_gaussian", ["covariance", "naive"])
@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0], ids=["lasso", "enet", "ridge"])
def test_penalty_factor_with_zeros_step_for_step(ozone_xy, type_gaussian, alpha):
    X, y = ozone_xy
    factors = ozone_penalty_factor(X.shape[1])
    fits = both(
        sl.cv_glmnet, X, y, alpha=alpha, seed=3, type_gaussian=type_gaussian,
        penalty_factor=factors,
    )  # fmt: skip
    assert_same_steps(*fits)


OPTIONS = {
    "exclude": {"exclude": ["lcavol", 3]},
    "no_intercept": {"intercept": False},
    "no_intercept_unstandardised": {"intercept": False, "standardize": False},
    "limits": {"lower_limits": -0.1, "upper_limits": [0.5, 0.1, 1, 1, 0.3, 1, 1, 0.05]},
    "limit_at_zero": {"lower_limits": 0.0},  # R then turns its fdev early stop off
    "dfmax": {"dfmax": 3},
    "negative_penalty_factor": {"penalty_factor": [-1.0, 1, 1, 2, 1, 1, 1, 1]},  # taken as 0
    "everything": {
        "exclude": "age",
        "penalty_factor": [0, 1, 2, 1, 1, 0.5, 1, 3],
        "lower_limits": -0.2,
        "intercept": False,
        "dfmax": 5,
    },
}


@pytest.mark.parametrize("type_gaussian", ["covariance", "naive"])
@pytest.mark.parametrize("option", list(OPTIONS))
def test_gaussian_option_step_for_step(prostate_xy, type_gaussian, option):
    X, y = prostate_xy
    fits = both(sl.cv_glmnet, X, y, seed=5, type_gaussian=type_gaussian, **OPTIONS[option])
    assert_same_steps(*fits)


def test_sparse_x_with_options_step_for_step(ozone_xy):
    import scipy.sparse as sp

    X, y = ozone_xy
    X_sparse = sp.csc_matrix(X.to_numpy())
    options = {"penalty_factor": ozone_penalty_factor(X.shape[1]), "exclude": [5, 9]}
    for type_gaussian in ("covariance", "naive"):
        fits = both(sl.cv_glmnet, X_sparse, y, seed=3, type_gaussian=type_gaussian, **options)
        assert len(fits[0].lambdas) == len(fits[1].lambdas)
        np.testing.assert_allclose(fits[0].cvm, fits[1].cvm, rtol=1e-8)
        np.testing.assert_allclose(fits[0].path.beta, fits[1].path.beta, atol=1e-8)


def test_pmax_stops_both_paths_at_the_same_step(prostate_xy):
    X, y = prostate_xy
    paths = []
    for backend in ("python", "r"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            paths.append(sl.glmnet(X, y, pmax=4, backend=backend))
        assert any("pmax: more than pmax = 4" in str(w.message) for w in caught)
    assert len(paths[0].lambdas) == len(paths[1].lambdas)
    np.testing.assert_allclose(paths[0].beta, paths[1].beta, atol=STEP_TOL)
    for backend in ("python", "r"):
        with pytest.raises(ValueError, match=r"pmax: more than pmax = 3 .* first lambda"):
            sl.glmnet(X, y, alpha=0.0, pmax=3, backend=backend)


def test_flat_curve_takes_the_largest_lambda_as_r_does():
    """Limits every coefficient reaches leave the CV curve flat over the path's last lambdas: R's
    values there are equal to the last bit and it takes the largest lambda of the tie; statlab's,
    summed in another order, differ in the last bits, and must tie all the same."""
    rng = np.random.default_rng(10)
    X = rng.normal(size=(200, 12))
    y = X[:, :4] @ np.array([1.0, -0.8, 0.6, 0.5]) + rng.normal(size=200)
    fits = both(sl.cv_glmnet, X, y, foldid=np.resize(np.arange(1, 6), 200), lower_limits=-0.05,
                upper_limits=0.05)  # fmt: skip
    np.testing.assert_allclose(fits[0].cvm, fits[1].cvm, rtol=CVM_RTOL)
    tied = np.flatnonzero(np.isclose(fits[1].cvm, min(fits[1].cvm), rtol=1e-12, atol=0))
    assert len(tied) >= 2  # the data do tie
    assert fits[0].lambda_min == pytest.approx(fits[1].lambda_min, rel=1e-12)
    assert fits[0].lambda_min == pytest.approx(fits[1].lambdas[tied[0]], rel=1e-12)
    assert fits[0].lambda_1se == pytest.approx(fits[1].lambda_1se, rel=1e-12)


def assert_same_optimum(python_path, r_path):
    common = min(len(python_path.lambdas), len(r_path.lambdas))
    assert common >= 5 and abs(len(python_path.lambdas) - len(r_path.lambdas)) <= 1
    np.testing.assert_allclose(python_path.lambdas[:common], r_path.lambdas[:common], rtol=1e-6)
    scale = max(np.abs(r_path.beta).max(), np.abs(r_path.a0).max())
    assert np.abs(python_path.beta[:, :common] - r_path.beta[:, :common]).max() <= COEF_TOL * scale
    assert np.abs(python_path.a0[:common] - r_path.a0[:common]).max() <= COEF_TOL * scale
    assert python_path.nulldev == pytest.approx(r_path.nulldev, rel=1e-12)


BINOMIAL_OPTIONS = {
    "penalty_factor": {"penalty_factor": [0.0, 1, 2, 0.5, 1, 1, 1]},
    "exclude": {"exclude": [0, "lbph"]},
    "limits": {"lower_limits": -0.3, "upper_limits": 0.4},
    "dfmax": {"dfmax": 3},
}


@pytest.mark.parametrize("alpha", [1.0, 0.0], ids=["lasso", "ridge"])
@pytest.mark.parametrize("option", list(BINOMIAL_OPTIONS))
def test_binomial_option_at_the_optimum(prostate_xy, alpha, option):
    X, _ = prostate_xy
    prostate = sl.data.load("prostate")
    X = X.drop(columns=["svi"])
    paths = both(
        sl.glmnet, X, prostate["svi"], family="binomial", alpha=alpha,
        **BINOMIAL_OPTIONS[option], **EXACT,
    )  # fmt: skip
    assert_same_optimum(*paths)


def test_binomial_without_intercept_at_the_optimum():
    # columns of moderate mean: without an intercept, columns far from 0 make the problem so
    # ill-conditioned that neither solver pins the coefficients to 1e-6 at thresh = 1e-14
    rng = np.random.default_rng(11)
    X = rng.normal(0.3, 1.0, size=(120, 6))
    y = (X @ [1.0, -0.5, 0, 0, 0.8, 0] + rng.logistic(size=120) > 0.3).astype(int)
    for alpha in (1.0, 0.0):
        paths = both(sl.glmnet, X, y, family="binomial", alpha=alpha, intercept=False, **EXACT)
        assert_same_optimum(*paths)
        np.testing.assert_array_equal(paths[0].a0, 0.0)
