"""statlab's scikit-learn estimators: scikit-learn's own estimator checks, use in Pipeline and
GridSearchCV, and the same numbers as sl.glmnet / sl.cv_glmnet (and as R on the R backend)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import statlab as sl
from statlab._validation import InvalidArgumentError
from statlab.sklearn import (
    CVGlmnetClassifier,
    CVGlmnetRegressor,
    GlmnetClassifier,
    GlmnetRegressor,
)
from statlab.testing import assert_backends_agree

EXACT = 1e-12  # the estimators call sl.glmnet / sl.cv_glmnet: the same numbers, to rounding
CV_WEIGHTS = (
    "cv_glmnet draws its folds over rows, so a row given weight 2 lands in one fold where its "
    "repeated copy lands in two: weighting and repeating rows are not the same CV"
)
CV_CLASS_WEIGHTS = (
    f"{CV_WEIGHTS}; and the check's zero weights leave a fold's training rows without one class, "
    "which R's cv.glmnet refuses (glmnet error 8003, null probability of a class < 1e-5)"
)


def expected_failures(estimator) -> dict[str, str]:
    if isinstance(estimator, CVGlmnetRegressor | CVGlmnetClassifier):
        reason = CV_CLASS_WEIGHTS if isinstance(estimator, CVGlmnetClassifier) else CV_WEIGHTS
        return {
            "check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason,
        }
    return {}


@parametrize_with_checks(
    [
        GlmnetRegressor(backend="python"),
        GlmnetClassifier(backend="python"),
        CVGlmnetRegressor(seed=0, backend="python"),
        CVGlmnetClassifier(seed=0, backend="python"),
    ],
    expected_failed_checks=expected_failures,
)
@pytest.mark.filterwarnings("ignore:s = .* lies outside the path")
# glmnet's own warnings on the checks' tiny data sets, as R gives them
@pytest.mark.filterwarnings("ignore:y. a class has fewer than 8 observations")
@pytest.mark.filterwarnings("ignore:coordinate descent did not converge")
@pytest.mark.filterwarnings("ignore:grouped. fewer than 3 observations per fold")
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def prostate():
    return sl.data.load("prostate")


@pytest.fixture(scope="module")
def prostate_xy(prostate):
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


def assert_coefficients_equal(model, coef: pd.Series | pd.DataFrame, tol: float) -> None:
    values = coef.to_numpy().T.reshape(-1, coef.shape[0])
    np.testing.assert_allclose(np.atleast_2d(model.intercept_).T[:, 0], values[:, 0], atol=tol)
    np.testing.assert_allclose(np.atleast_2d(model.coef_), values[:, 1:], atol=tol)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0])
def test_regressor_is_sl_glmnet_at_s(prostate_xy, alpha):
    X, y = prostate_xy
    s = 0.1
    model = GlmnetRegressor(s=s, alpha=alpha, backend="python").fit(X, y)
    path = sl.glmnet(X, y, alpha=alpha, backend="python")
    assert_coefficients_equal(model, path.coef(s), EXACT)
    np.testing.assert_allclose(model.predict(X), path.predict(X, s=s), atol=EXACT)
    assert model.feature_names_in_.tolist() == X.columns.tolist()
    assert (model.n_features_in_, model.lambda_, model.backend_) == (8, s, "python")


@pytest.mark.parametrize("s", ["lambda.1se", "lambda.min"])
def test_cv_regressor_is_sl_cv_glmnet_at_its_rule(prostate_xy, s):
    X, y = prostate_xy
    model = CVGlmnetRegressor(s=s, alpha=0.5, nfolds=5, seed=11, backend="python").fit(X, y)
    fit = sl.cv_glmnet(X, y, alpha=0.5, nfolds=5, seed=11, backend="python")
    assert model.lambda_ == (fit.lambda_1se if s == "lambda.1se" else fit.lambda_min)
    assert_coefficients_equal(model, fit.coef(s), EXACT)
    np.testing.assert_allclose(model.predict(X), fit.predict(X, s=s), atol=EXACT)
    np.testing.assert_array_equal(model.cv_result_.foldid, fit.foldid)


def test_options_reach_glmnet(prostate_xy):
    X, y = prostate_xy
    options = {
        "penalty_factor": [0, 1, 1, 2, 1, 1, 1, 1],
        "lower_limits": -0.1,
        "upper_limits": 0.5,
        "standardize": False,
        "intercept": False,
        "nlambda": 30,
        "thresh": 1e-10,
    }
    model = GlmnetRegressor(s=0.5, exclude=["gleason"], backend="python", **options).fit(X, y)
    path = sl.glmnet(X, y, exclude=["gleason"], backend="python", **options)
    assert_coefficients_equal(model, path.coef(0.5), EXACT)
    assert model.intercept_ == 0.0
    assert model.coef_[X.columns.get_loc("gleason")] == 0.0
    assert model.coef_.min() >= -0.1 and model.coef_.max() <= 0.5


def test_binomial_classifier_models_the_second_sorted_class(prostate_xy):
    X, lpsa = prostate_xy
    # "low" sorts after "high": the model is of P(low), as R models a factor's second level
    y = np.where(lpsa > 2.5, "high", "low")
    model = GlmnetClassifier(s=0.02, backend="python").fit(X, y)
    path = sl.glmnet(X, y, family="binomial", backend="python")
    assert model.classes_.tolist() == ["high", "low"] == path.class_labels
    assert_coefficients_equal(model, path.coef(0.02), EXACT)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], path.predict(X, s=0.02, type="response"), atol=EXACT)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), path.predict(X, s=0.02, type="class"))
    assert model.coef_[0, X.columns.get_loc("lcavol")] < 0  # more cancer volume, less "low"
    assert model.score(X, y) == np.mean(model.predict(X) == y)


def test_multinomial_classifier_is_sl_glmnet(prostate_xy):
    X, lpsa = prostate_xy
    y = np.digitize(lpsa, [1.8, 3.0])  # classes 0, 1, 2
    model = CVGlmnetClassifier(nfolds=5, seed=3, type_measure="class", backend="python")
    model.fit(X, y)
    fit = sl.cv_glmnet(
        X, y, family="multinomial", nfolds=5, seed=3, type_measure="class", backend="python"
    )
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.coef_.shape == (3, 8) and model.intercept_.shape == (3,)
    assert_coefficients_equal(model, fit.coef("lambda.1se"), EXACT)
    np.testing.assert_allclose(
        model.predict_proba(X), fit.predict(X, s="lambda.1se", type="response"), atol=EXACT
    )
    np.testing.assert_allclose(
        model.decision_function(X), fit.predict(X, s="lambda.1se"), atol=EXACT
    )


def test_pipeline_with_column_transformer_and_grid_search(prostate):
    X = prostate.drop(columns="lpsa").assign(svi=lambda d: d["svi"].map({0: "no", 1: "yes"}))
    y = prostate["lpsa"]
    numeric = [c for c in X.columns if c != "svi"]
    pipeline = Pipeline(
        [
            (
                "design",
                ColumnTransformer(
                    [
                        ("scale", StandardScaler(with_mean=False), numeric),
                        ("svi", OneHotEncoder(drop="first", sparse_output=False), ["svi"]),
                    ]
                ),
            ),
            ("lasso", CVGlmnetRegressor(nfolds=5, seed=1, backend="python")),
        ]
    )
    search = GridSearchCV(pipeline, {"lasso__alpha": [0.0, 0.5, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_["lasso__alpha"] in (0.0, 0.5, 1.0)
    assert search.cv_results_["mean_test_score"].shape == (3,)
    # the winning pipeline's last step is sl.cv_glmnet on the transformed columns
    best = search.best_estimator_
    design = best.named_steps["design"].transform(X)
    direct = sl.cv_glmnet(
        design, y, alpha=search.best_params_["lasso__alpha"], nfolds=5, seed=1, backend="python"
    )
    np.testing.assert_allclose(best.predict(X), direct.predict(design), atol=EXACT)
    assert best.score(X, y) > 0.5


def test_select_from_model_names_the_kept_columns(prostate_xy):
    X, y = prostate_xy
    selector = SelectFromModel(GlmnetRegressor(s=0.2, backend="python"), threshold=1e-12)
    selector.fit(X, y)
    kept = selector.get_feature_names_out().tolist()
    path = sl.glmnet(X, y, backend="python")
    slopes = path.coef(0.2).drop("(Intercept)")
    assert kept == slopes.index[slopes.abs() > 1e-12].tolist()
    assert 0 < len(kept) < X.shape[1]


def test_bad_parameters_name_themselves(prostate_xy):
    X, y = prostate_xy
    with pytest.raises(InvalidArgumentError, match=r"^s must be"):
        CVGlmnetRegressor(s="lambda.max", backend="python").fit(X, y)
    with pytest.raises(InvalidArgumentError, match=r"^s must be"):
        GlmnetRegressor(s=-1.0, backend="python").fit(X, y)
    with pytest.raises(InvalidArgumentError, match=r"^family must be"):
        GlmnetRegressor(family="binomial", backend="python").fit(X, y)
    with pytest.raises(InvalidArgumentError, match=r"^exclude names columns not in X"):
        GlmnetRegressor(exclude=["age", "height"], backend="python").fit(X, y)
    with pytest.raises(InvalidArgumentError, match=r"^alpha"):
        GlmnetRegressor(alpha=2.0, backend="python").fit(X, y)


@pytest.mark.needs_r
def test_r_backend_estimators_are_r_glmnet(prostate_xy):
    X, y = prostate_xy
    model = CVGlmnetRegressor(nfolds=5, seed=4, backend="r").fit(X, y)
    r_fit = sl.cv_glmnet(X, y, nfolds=5, seed=4, backend="r")
    assert model.backend_ == "r"
    assert_coefficients_equal(model, r_fit.coef("lambda.1se"), 0.0)
    labels = np.where(y > 2.5, "high", "low")
    classifier = GlmnetClassifier(s=0.02, backend="r").fit(X, labels)
    r_path = sl.glmnet(X, labels, family="binomial", backend="r")
    assert_coefficients_equal(classifier, r_path.coef(0.02), 0.0)
    # and R's numbers are Python's, field by field, to the parity bars
    assert_backends_agree(sl.cv_glmnet, X, y, nfolds=5, seed=4)
    python_model = CVGlmnetRegressor(nfolds=5, seed=4, backend="python").fit(X, y)
    scale = np.abs(model.coef_).max()
    np.testing.assert_allclose(python_model.coef_, model.coef_, atol=1e-10 * scale)
