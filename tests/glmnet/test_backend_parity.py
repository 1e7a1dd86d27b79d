"""R glmnet 4.1-6 against statlab's Python engine, on the same folds.

At thresh = 1e-14 both solvers reach the exact optimum, so the tolerances below measure the engine,
not the stopping rule. At R's default thresh the Python engine follows glmnet's iterations step by
step and agrees to rounding, which the last tests check too.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import statlab as sl
from statlab.testing import assert_backends_agree

LAMBDA_RTOL = 1e-10  # lambda sequences on the common prefix
CVM_RTOL = 1e-5  # CV curve
COEF_TOL = 1e-6  # coefficients, relative to the path's largest |coef|
EXACT = {"thresh": 1e-14, "maxit": 10**8}

pytestmark = pytest.mark.needs_r


@pytest.fixture(scope="module")
def ozone_xy():
    ozone = sl.data.load("ozone")
    return sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"])


@pytest.fixture(scope="module")
def prostate_xy():
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


def assert_cv_parity(python_fit, r_fit):
    common = min(len(python_fit.lambdas), len(r_fit.lambdas))
    assert common >= 5
    np.testing.assert_allclose(
        python_fit.lambdas[:common], r_fit.lambdas[:common], rtol=LAMBDA_RTOL
    )
    np.testing.assert_allclose(python_fit.cvm[:common], r_fit.cvm[:common], rtol=CVM_RTOL)
    assert python_fit.index_min == r_fit.index_min
    assert python_fit.index_1se == r_fit.index_1se
    scale = np.abs(r_fit.path.beta).max()
    gap = np.abs(python_fit.path.beta[:, :common] - r_fit.path.beta[:, :common]).max()
    assert gap <= COEF_TOL * scale
    intercept_scale = max(scale, np.abs(r_fit.path.a0).max())
    np.testing.assert_allclose(
        python_fit.path.a0[:common], r_fit.path.a0[:common], atol=COEF_TOL * intercept_scale
    )
    np.testing.assert_array_equal(python_fit.foldid, r_fit.foldid)
    assert (python_fit.backend, r_fit.backend) == ("python", "r")


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0], ids=["lasso", "enet", "ridge"])
def test_gaussian_prostate_exact(prostate_xy, alpha):
    X, y = prostate_xy
    fits = [sl.cv_glmnet(X, y, alpha=alpha, seed=7, backend=b, **EXACT) for b in ("python", "r")]
    assert_cv_parity(*fits)


@pytest.mark.parametrize("alpha", [1.0, 0.5], ids=["lasso", "enet"])
def test_gaussian_ozone_interactions_exact(ozone_xy, alpha):
    # the smallest lambdas of the default sequence take R millions of passes at 1e-14, so the
    # exact comparison stops the path at 1% of lambda_max; the default-thresh test covers the rest
    X, y = ozone_xy
    fits = [
        sl.cv_glmnet(X, y, alpha=alpha, seed=479, lambda_min_ratio=0.01, backend=b, **EXACT)
        for b in ("python", "r")
    ]
    assert_cv_parity(*fits)


def test_gaussian_ozone_ridge_exact(ozone_xy):
    X, y = ozone_xy
    fits = [sl.cv_glmnet(X, y, alpha=0.0, seed=479, backend=b, **EXACT) for b in ("python", "r")]
    assert_cv_parity(*fits)


@pytest.mark.parametrize("alpha", [1.0, 0.0, 0.5], ids=["lasso", "ridge", "enet"])
def test_ozone_default_thresh_matches_r_step_for_step(ozone_xy, alpha):
    X, y = ozone_xy
    # every field: the same early stop (path length), folds, nzero and lambda choices; the CV
    # curve to 1e-9 and the coefficients to 1e-10 of their largest magnitude
    assert_backends_agree(sl.cv_glmnet, X, y, alpha=alpha, seed=479)


@pytest.mark.parametrize("alpha", [1.0, 0.0], ids=["lasso", "ridge"])
def test_binomial_exact(prostate_xy, alpha):
    X, _ = prostate_xy
    y = sl.data.load("prostate")["lpsa"] > 2.5
    fits = [
        sl.cv_glmnet(X, y, alpha=alpha, family="binomial", seed=3, backend=b, **EXACT)
        for b in ("python", "r")
    ]
    assert_cv_parity(*fits)
    assert fits[0].measure == "Binomial Deviance"


def test_user_lambda_grid(ozone_xy):
    X, y = ozone_xy
    grid = np.exp(np.linspace(np.log(0.5), np.log(1e-3), 25))
    paths = [sl.glmnet(X, y, lambdas=grid, backend=b, **EXACT) for b in ("python", "r")]
    np.testing.assert_allclose(paths[0].lambdas, grid[::-1][::-1])
    assert np.abs(paths[0].beta - paths[1].beta).max() <= COEF_TOL * np.abs(paths[1].beta).max()


def test_predict_and_coef_interpolate_like_r(ozone_xy):
    X, y = ozone_xy
    python_fit, r_fit = (sl.cv_glmnet(X, y, seed=479, backend=b) for b in ("python", "r"))
    s_between = float(np.sqrt(python_fit.lambdas[10] * python_fit.lambdas[11]))
    for s in ("lambda.1se", "lambda.min", s_between):
        np.testing.assert_allclose(python_fit.coef(s), r_fit.coef(s), atol=1e-10)
        np.testing.assert_allclose(python_fit.predict(X, s=s), r_fit.predict(X, s=s), atol=1e-9)


@pytest.mark.parametrize("maxit", [3, 30])
def test_path_cut_short_by_maxit_matches_r(ozone_xy, maxit):
    """maxit stops the path after a step or a few; R keeps the first lambda of a two-step path as
    glmnet's "infinite" one (no extrapolation from a single neighbour), and cv.glmnet works on
    that path. Both say so."""
    X, y = ozone_xy
    with pytest.warns(RuntimeWarning, match="did not converge in"):
        python_fit = sl.cv_glmnet(X, y, maxit=maxit, seed=479, backend="python")
    with pytest.warns(Warning, match="not reached after maxit"):
        r_fit = sl.cv_glmnet(X, y, maxit=maxit, seed=479, backend="r")
    assert len(python_fit.lambdas) == len(r_fit.lambdas) < 20
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=1e-12)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=1e-9)


@pytest.mark.parametrize("alpha", [1.0, 0.2])
def test_r_path_ends_lie_on_the_python_path(ozone_xy, alpha):
    """R's first and last lambda, given to the Python path, are no "clamped" s: they differ from
    its own in the last bits at most (at alpha = 0.2 the first by a few units in the last place)."""
    X, y = ozone_xy
    python_path, r_path = (sl.glmnet(X, y, alpha=alpha, backend=b) for b in ("python", "r"))
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ends = python_path.coef(np.array([r_path.lambdas[0], r_path.lambdas[-1]]))
    np.testing.assert_allclose(ends.iloc[1:, 0], python_path.beta[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ends.iloc[1:, 1], python_path.beta[:, -1], rtol=0, atol=1e-12)
