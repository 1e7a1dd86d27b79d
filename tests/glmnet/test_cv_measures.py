"""cv_glmnet's type_measure, grouped and keep in the Python engine: cv.glmnet's definitions checked
against the out-of-fold predictions they are computed from, and R's fallbacks and warnings."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl
from statlab.glmnet._backend_python import weighted_auc


@pytest.fixture(scope="module")
def prostate():
    data = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", data), data


def cv(X, y, **kwargs):
    return sl.cv_glmnet(X, y, backend="python", **kwargs)


def grouped_curve(loss, foldid):
    """cvm and cvsd from per-fold means, folds weighted by their size."""
    folds = range(1, foldid.max() + 1)
    means = np.vstack([loss[foldid == k].mean(axis=0) for k in folds])
    sizes = np.array([(foldid == k).sum() for k in folds])
    cvm = sizes @ means / sizes.sum()
    spread = sizes @ (means - cvm) ** 2 / sizes.sum()
    return cvm, np.sqrt(spread / (len(sizes) - 1))


@pytest.mark.parametrize("type_measure", ["mse", "mae"])
def test_gaussian_curves_are_fold_means_of_the_preval_loss(prostate, type_measure):
    X, data = prostate
    y = data["lpsa"].to_numpy()
    fit = cv(X, y, seed=2, type_measure=type_measure, keep=True)
    residual = y[:, None] - fit.fit_preval
    loss = residual**2 if type_measure == "mse" else np.abs(residual)
    cvm, cvsd = grouped_curve(loss, fit.foldid)
    np.testing.assert_allclose(fit.cvm, cvm, rtol=1e-12)
    np.testing.assert_allclose(fit.cvsd, cvsd, rtol=1e-10)
    assert fit.type_measure == type_measure and fit.fit_preval.shape == (97, len(fit.lambdas))


def test_ungrouped_curve_is_per_observation(prostate):
    X, data = prostate
    y = data["lpsa"].to_numpy()
    fit = cv(X, y, seed=2, grouped=False, keep=True)
    loss = (y[:, None] - fit.fit_preval) ** 2
    np.testing.assert_allclose(fit.cvm, loss.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(fit.cvsd, loss.std(axis=0) / np.sqrt(96), rtol=1e-10)


def test_binomial_class_mse_and_auc_from_the_preval(prostate):
    X, data = prostate
    y = (data["lpsa"] > 2.5).to_numpy().astype(float)
    fits = {m: cv(X, y, family="binomial", seed=2, nfolds=4, type_measure=m, keep=True)
            for m in ("class", "mse", "auc")}  # fmt: skip
    prob = 1 / (1 + np.exp(-fits["class"].fit_preval))
    wrong = np.where(y[:, None] == 1, prob <= 0.5, prob > 0.5)
    np.testing.assert_allclose(fits["class"].cvm, grouped_curve(wrong, fits["class"].foldid)[0])
    mse = grouped_curve(2 * (y[:, None] - prob) ** 2, fits["mse"].foldid)
    np.testing.assert_allclose(fits["mse"].cvm, mse[0], rtol=1e-12)
    np.testing.assert_allclose(fits["mse"].cvsd, mse[1], rtol=1e-10)
    auc = fits["auc"]
    fold_auc = [
        [weighted_auc(y[auc.foldid == k], column[auc.foldid == k], np.ones(97)[auc.foldid == k])
         for column in auc.fit_preval.T]
        for k in range(1, 5)
    ]  # fmt: skip
    sizes = np.bincount(auc.foldid)[1:]
    np.testing.assert_allclose(auc.cvm, sizes @ np.array(fold_auc) / 97, rtol=1e-12)
    assert auc.measure == "AUC"
    assert auc.cvm[auc.index_min] == auc.cvm.max()  # AUC is maximised


def test_weighted_auc_matches_scikit_learn():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    score = np.round(rng.normal(size=200) + y, 1)  # with ties
    weights = rng.uniform(0.5, 2.0, 200)
    assert weighted_auc(y, score, weights) == pytest.approx(
        roc_auc_score(y, score, sample_weight=weights), rel=1e-12
    )


def test_r_fallbacks_warn_and_name_the_argument(prostate):
    X, data = prostate
    with pytest.warns(UserWarning, match="type_measure: only mse, deviance, mae"):
        fit = cv(X, data["lpsa"], seed=1, type_measure="auc")
    assert fit.type_measure == "mse"
    with pytest.warns(UserWarning, match=r"type_measure: too few \(< 10\) observations per fold"):
        fit = cv(X, data["svi"], family="binomial", seed=1, type_measure="auc")
    assert fit.type_measure == "deviance" and fit.measure == "Binomial Deviance"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type_measure": "rmse"}, "type_measure must be one of"),
        ({"grouped": "yes"}, "grouped must be True or False"),
        ({"keep": 1}, "keep must be True or False"),
    ],
)
def test_bad_cv_arguments(prostate, change, message):
    X, data = prostate
    with pytest.raises(ValueError, match=message):
        cv(X, data["lpsa"], **change)
