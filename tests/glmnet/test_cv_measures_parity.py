"""cv_glmnet's type_measure, grouped and keep against R's cv.glmnet on the same folds: the curves,
their standard errors, lambda.min/1se and fit.preval (Gaussian at R's default thresh, to rounding;
binomial at thresh = 1e-14, at the optimum)."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl

pytestmark = pytest.mark.needs_r

EXACT = {"thresh": 1e-14, "maxit": 10**8}


@pytest.fixture(scope="module")
def prostate():
    data = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", data), data


def both(**kwargs):
    return [sl.cv_glmnet(backend=b, keep=True, **kwargs) for b in ("python", "r")]


@pytest.mark.parametrize("grouped", [True, False], ids=["grouped", "ungrouped"])
@pytest.mark.parametrize("type_measure", ["default", "mse", "deviance", "mae"])
def test_gaussian_measures_to_rounding(prostate, type_measure, grouped):
    X, data = prostate
    python_fit, r_fit = both(
        X=X, y=data["lpsa"], seed=4, type_measure=type_measure, grouped=grouped
    )
    assert python_fit.measure == r_fit.measure
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=1e-12)
    np.testing.assert_allclose(python_fit.cvsd, r_fit.cvsd, rtol=1e-12)
    np.testing.assert_allclose(python_fit.fit_preval, r_fit.fit_preval, atol=1e-12)
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)


@pytest.mark.parametrize("grouped", [True, False], ids=["grouped", "ungrouped"])
@pytest.mark.parametrize("type_measure", ["deviance", "class", "auc", "mse", "mae"])
def test_binomial_measures_at_the_optimum(prostate, type_measure, grouped):
    X, data = prostate
    python_fit, r_fit = both(
        X=X.drop(columns=["svi"]), y=data["svi"], family="binomial", nfolds=5, seed=4,
        type_measure=type_measure, grouped=grouped, **EXACT,
    )  # fmt: skip
    assert python_fit.measure == r_fit.measure
    common = min(len(python_fit.lambdas), len(r_fit.lambdas))
    np.testing.assert_allclose(python_fit.cvm[:common], r_fit.cvm[:common], atol=1e-6)
    np.testing.assert_allclose(python_fit.cvsd[:common], r_fit.cvsd[:common], atol=1e-6)
    link_scale = np.abs(r_fit.fit_preval).max()
    gap = np.abs(python_fit.fit_preval[:, :common] - r_fit.fit_preval[:, :common]).max()
    assert gap <= 1e-6 * link_scale
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)


def test_auc_with_few_per_fold_falls_back_in_both(prostate):
    X, data = prostate
    fits = []
    for backend in ("python", "r"):
        with pytest.warns(UserWarning, match="too few"):
            fits.append(
                sl.cv_glmnet(X, data["svi"], family="binomial", seed=4, type_measure="auc",
                             backend=backend, **EXACT)
            )  # fmt: skip
    assert fits[0].measure == fits[1].measure == "Binomial Deviance"
    np.testing.assert_allclose(fits[0].cvm[:20], fits[1].cvm[:20], atol=1e-6)


@pytest.mark.parametrize(
    ("family", "type_measure"),
    [("gaussian", "mse"), ("binomial", "deviance"), ("binomial", "auc"), ("poisson", "mae")],
)
def test_a_fold_whose_held_out_rows_weigh_nothing_is_left_out_as_in_r(family, type_measure):
    """R's cv.glmnet drops such a fold's NaN error from cvm (na.rm) and still divides cvsd by the
    number of folds less one; statlab's curve is R's."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((60, 4))
    signal = x[:, 0] - 0.5 * x[:, 1] + rng.standard_normal(60)
    y = {
        "gaussian": signal,
        "binomial": (signal > 0).astype(float),
        "poisson": rng.poisson(np.exp(0.3 * x[:, 0])).astype(float),
    }[family]
    weights = np.r_[np.zeros(12), rng.uniform(0.5, 2.0, 48)]
    foldid = np.r_[np.ones(12, dtype=int), np.arange(48) % 4 + 2]
    python, r = (
        sl.cv_glmnet(x, y, family=family, weights=weights, foldid=foldid,
                     type_measure=type_measure, backend=b, **EXACT)
        for b in ("python", "r")
    )  # fmt: skip
    assert np.isfinite(python.cvm).all()
    np.testing.assert_allclose(python.cvm, r.cvm, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(python.cvsd, r.cvsd, rtol=1e-8, atol=1e-12)
    assert python.lambda_min == pytest.approx(r.lambda_min, rel=1e-12)
