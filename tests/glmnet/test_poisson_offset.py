"""family="poisson" and offsets in the Python engine: known solutions, invariances, prediction with
new_offset, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 6))
    exposure = np.log(rng.uniform(0.5, 3.0, 200))
    y = rng.poisson(np.exp(0.2 + X[:, :3] @ [0.5, -0.4, 0.3] + exposure))
    return X, y, exposure


def fit(X, y, **kwargs):
    return sl.glmnet(X, y, backend="python", **kwargs)


def test_poisson_at_tiny_lambda_is_the_glm(counts):
    import statsmodels.api as sm

    X, y, exposure = counts
    path = fit(X, y, family="poisson", offset=exposure, lambdas=[1e-10], thresh=1e-20,
               maxit=10**8)  # fmt: skip
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson(), offset=exposure).fit()
    np.testing.assert_allclose(np.r_[path.a0, path.beta[:, 0]], glm.params, atol=1e-7)
    assert path.nulldev == pytest.approx(glm.null_deviance, rel=1e-10)
    assert 1 - glm.deviance / glm.null_deviance == pytest.approx(path.dev_ratio[0], rel=1e-7)


def test_null_model_with_offset_is_the_rate_per_exposure(counts):
    X, y, exposure = counts
    path = fit(X, y, family="poisson", offset=exposure)
    assert path.a0[0] == pytest.approx(np.log(y.sum() / np.exp(exposure).sum()), rel=1e-12)
    np.testing.assert_array_equal(path.beta[:, 0], 0.0)


def test_gaussian_offset_is_fitting_y_minus_offset(counts):
    X, _, exposure = counts
    y = X @ [1.0, 0, 0, 0.5, 0, 0] + np.random.default_rng(1).normal(size=200)
    with_offset = fit(X, y, offset=exposure)
    shifted = fit(X, y - exposure)
    np.testing.assert_array_equal(with_offset.beta, shifted.beta)
    new_rows = X[:5]
    np.testing.assert_allclose(
        with_offset.predict(new_rows, s=0.1, new_offset=exposure[:5]),
        shifted.predict(new_rows, s=0.1) + exposure[:5],
        rtol=1e-14,
    )


def test_predict_response_and_new_offset(counts):
    X, y, exposure = counts
    cv = sl.cv_glmnet(X, y, family="poisson", offset=exposure, seed=1, backend="python")
    link = cv.predict(X, new_offset=exposure)
    np.testing.assert_allclose(cv.predict(X, type="response", new_offset=exposure), np.exp(link))
    np.testing.assert_allclose(
        cv.predict(X, new_offset=exposure + 1.0), link + 1.0, rtol=1e-12
    )  # an offset shifts the linear predictor one for one
    with pytest.raises(ValueError, match="new_offset is needed"):
        cv.predict(X)
    with pytest.raises(ValueError, match="new_offset has 3 values but X has 200 rows"):
        cv.predict(X, new_offset=[0.0, 1.0, 2.0])


def test_cv_measures_for_poisson(counts):
    X, y, exposure = counts
    fits = {
        m: sl.cv_glmnet(X, y, family="poisson", offset=exposure, seed=1, keep=True,
                        type_measure=m, backend="python")
        for m in ("deviance", "mse", "mae")
    }  # fmt: skip
    mu = np.exp(fits["mse"].fit_preval)
    per_obs = {
        "mse": (y[:, None] - mu) ** 2,
        "mae": np.abs(y[:, None] - mu),
        "deviance": 2 * (np.where(y > 0, y * np.log(np.maximum(y, 1)), 0)[:, None] - y[:, None]
                         - y[:, None] * fits["mse"].fit_preval + mu),
    }  # fmt: skip
    for measure, loss in per_obs.items():
        fit_m = fits[measure]
        sizes = np.bincount(fit_m.foldid)[1:]
        means = np.vstack([loss[fit_m.foldid == k].mean(0) for k in range(1, 11)])
        np.testing.assert_allclose(fit_m.cvm, sizes @ means / 200, rtol=1e-10)
    assert fits["deviance"].measure == "Poisson Deviance"


def test_sparse_poisson_matches_dense(counts):
    X, y, exposure = counts
    X = X * (np.random.default_rng(2).uniform(size=X.shape) < 0.4)
    dense = fit(X, y, family="poisson", offset=exposure)
    sparse = fit(sp.csc_matrix(X), y, family="poisson", offset=exposure)
    np.testing.assert_allclose(dense.beta, sparse.beta, atol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"y": "negative"}, "y has negative values: not permitted for family='poisson'"),
        ({"offset": np.zeros(5)}, "offset has 5 values but X has 200 rows"),
        ({"offset": np.full(200, np.nan)}, "offset contains NaN"),
    ],
)
def test_bad_poisson_and_offset_input(counts, change, message):
    X, y, exposure = counts
    if change.get("y") == "negative":
        change = {"y": y - 5.0}
    arguments = {"y": y, "offset": exposure, **change}
    with pytest.raises(ValueError, match=message):
        sl.glmnet(X, family="poisson", backend="python", **arguments)
