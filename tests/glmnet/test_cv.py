"""Properties and known values of cv_glmnet and glmnet on the Python backend."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.glmnet._paths import select_lambda


@pytest.fixture(scope="module")
def ozone_fit():
    ozone = sl.data.load("ozone")
    X = sl.model_matrix("O3 ~ .^2", ozone)
    return X, sl.cv_glmnet(X, np.log(ozone["O3"]), alpha=1, seed=479, backend="python")


def test_result_fields_and_invariants(ozone_fit):
    _, fit = ozone_fit
    assert fit.backend == "python"
    assert np.all(np.diff(fit.lambdas) < 0)
    assert fit.lambda_1se >= fit.lambda_min
    assert fit.index_1se <= fit.index_min
    np.testing.assert_allclose(fit.cvup - fit.cvm, fit.cvsd)
    assert fit.cvm[fit.index_min] == fit.cvm.min()
    assert fit.cvm[fit.index_1se] <= fit.cvm[fit.index_min] + fit.cvsd[fit.index_min]
    assert fit.foldid.min() == 1 and fit.foldid.max() == 10
    assert np.bincount(fit.foldid)[1:].tolist() == [33] * 10
    assert fit.nzero[0] == 0 and fit.nzero[-1] > 30


def test_known_values_on_ozone(ozone_fit):
    # lambda_max = max_j |<x_j - mean, y - mean>| / (N s_j), s_j the 1/N standard deviation
    X, fit = ozone_fit
    x = X.to_numpy()
    y = np.log(sl.data.load("ozone")["O3"].to_numpy())
    centred = x - x.mean(axis=0)
    lambda_max = np.max(np.abs(centred.T @ (y - y.mean())) / (len(y) * x.std(axis=0)))
    assert fit.lambdas[0] == pytest.approx(lambda_max, rel=1e-12)
    assert fit.lambdas[-1] / fit.lambdas[0] == pytest.approx(1e-4 ** (88 / 99), rel=1e-12)
    # glmnet 4.1-6 stops this path after 89 lambdas; min and 1se on these folds (checked against R)
    assert len(fit.lambdas) == 89
    assert (fit.index_min, fit.index_1se) == (80, 27)
    assert fit.nzero[fit.index_1se] == 7


def test_coef_and_predict(ozone_fit):
    X, fit = ozone_fit
    coef = fit.coef()
    assert isinstance(coef, pd.Series)
    assert coef.index[0] == "(Intercept)" and list(coef.index[1:]) == list(X.columns)
    assert (coef.iloc[1:] != 0).sum() == fit.nzero[fit.index_1se]
    manual = coef.iloc[0] + X.to_numpy() @ coef.iloc[1:].to_numpy()
    np.testing.assert_allclose(fit.predict(X), manual)
    np.testing.assert_allclose(fit.predict(X, s=fit.lambda_min), fit.predict(X, s="lambda.min"))
    assert fit.predict(X.iloc[:5], s="lambda.min").shape == (5,)


def test_s_outside_path_is_clamped_with_warning(ozone_fit):
    _, fit = ozone_fit
    with pytest.warns(UserWarning, match="clamped"):
        coef = fit.coef(1e-12)
    np.testing.assert_allclose(coef.iloc[1:], fit.path.beta[:, -1])


def test_s_within_rounding_of_the_path_ends_is_not_clamped(ozone_fit):
    _, fit = ozone_fit
    low, high = fit.path.lambdas.min(), fit.path.lambdas.max()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        at_low = fit.coef(float(np.nextafter(low, 0)))  # one ulp below the path
        at_high = fit.coef(high * (1 + 1e-13))
    np.testing.assert_array_equal(at_low.iloc[1:], fit.path.beta[:, -1])
    np.testing.assert_array_equal(at_high.iloc[1:], fit.path.beta[:, 0])
    with pytest.warns(UserWarning, match="clamped"):
        fit.coef(low * (1 - 1e-9))


def test_same_seed_same_result_and_auto_records_backend():
    prostate = sl.data.load("prostate")
    X, y = sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]
    first = sl.cv_glmnet(X, y, seed=11, backend="python")
    second = sl.cv_glmnet(X, y, seed=11, backend="python")
    np.testing.assert_array_equal(first.foldid, second.foldid)
    np.testing.assert_array_equal(first.cvm, second.cvm)
    auto = sl.cv_glmnet(X, y, seed=11, backend="auto")
    assert auto.backend in ("r", "python")
    np.testing.assert_allclose(auto.cvm, first.cvm, rtol=1e-8)


def test_lasso_on_orthonormal_design_is_soft_thresholding():
    # with orthogonal standardised columns the lasso solution is soft-thresholded least squares
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((50, 3)) - 0.0)
    X = (q - q.mean(axis=0)) / (q - q.mean(axis=0)).std(axis=0)
    X, _ = np.linalg.qr(X - X.mean(axis=0))
    X = X / X.std(axis=0)
    y = X @ np.array([1.0, -0.5, 0.1]) + 0.01 * rng.standard_normal(50)
    path = sl.glmnet(X, y, backend="python", thresh=1e-14)
    z = X.T @ (y - y.mean()) / 50
    s = path.lambdas[10]
    expected = np.sign(z) * np.maximum(np.abs(z) - s, 0)
    np.testing.assert_allclose(path.coef(s).iloc[1:], expected, atol=1e-10)


def test_ridge_matches_closed_form():
    prostate = sl.data.load("prostate")
    X = sl.model_matrix("lpsa ~ .", prostate).to_numpy()
    y = prostate["lpsa"].to_numpy()
    path = sl.glmnet(X, y, alpha=0, backend="python", thresh=1e-14)
    lam = path.lambdas[50]
    n = len(y)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / sd
    sy = y.std()
    b_std = np.linalg.solve(Z.T @ Z / n + lam / sy * np.eye(Z.shape[1]), Z.T @ (y - y.mean()) / n)
    np.testing.assert_allclose(path.beta[:, 50], b_std / sd, rtol=1e-7)


def test_constant_column_gets_zero_coefficient():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.standard_normal(40), np.full(40, 3.0), rng.standard_normal(40)])
    y = X[:, 0] - X[:, 2] + 0.1 * rng.standard_normal(40)
    path = sl.glmnet(X, y, backend="python")
    assert np.all(path.beta[1] == 0)
    assert path.feature_names == ["V1", "V2", "V3"]


def test_binomial_probabilities():
    prostate = sl.data.load("prostate")
    X = sl.model_matrix("lpsa ~ .", prostate)
    y = np.where(prostate["svi"] == 1, "invasion", "none")
    X = X.drop(columns="svi")
    fit = sl.cv_glmnet(X, y, family="binomial", seed=1, backend="python")
    prob = fit.predict(X, s="lambda.min", type="response")
    assert np.all((prob > 0) & (prob < 1))
    assert fit.path.class_labels == ["invasion", "none"]
    # class "none" (the second label) is coded 1: most rows have no seminal vesicle invasion
    assert prob.mean() > 0.5


def test_select_lambda_rules():
    cvm = np.array([5.0, 3.0, 2.0, 2.0, 2.5])
    cvsd = np.array([0.5, 0.5, 1.2, 0.1, 0.1])
    assert select_lambda(cvm, cvsd) == (2, 1)
