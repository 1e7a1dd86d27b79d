"""shap_stability and compare_models_shap: refits, reproducibility, known behaviour of a linear
model, and bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statlab.shap import compare_models_shap, linear_shap, shap_stability


def least_squares(X: np.ndarray, y: np.ndarray):
    beta = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
    return lambda Z: beta[0] + Z @ beta[1:]


@pytest.fixture
def regression():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(150, 3))
    y = 3 * X[:, 0] + 0.5 * X[:, 1] + rng.normal(size=150)
    return X, y


def test_reference_fit_is_linear_shap_of_the_full_fit(regression):
    X, y = regression
    res = shap_stability(least_squares, X, y, n_draws=3, seed=2, n_explain=30, n_background=40)
    beta = np.linalg.lstsq(np.c_[np.ones(150), X], y, rcond=None)[0]
    rng = np.random.default_rng(2)
    explained = X[rng.choice(150, size=30, replace=False)]
    background = X[rng.choice(150, size=40, replace=False)]
    expected = linear_shap(beta[1:], explained, background=background, backend="python")
    np.testing.assert_allclose(res.reference.values, expected.values, atol=1e-10)


def test_importance_ranks_and_spread_follow_the_coefficients(regression):
    X, y = regression
    res = shap_stability(least_squares, X, y, n_draws=30, seed=3, n_explain=50, n_background=50)
    summary = res.summary()
    assert summary.index.tolist() == ["x1", "x2", "x3"]
    assert summary.loc["x1", "top_share"] == 1.0
    assert summary.loc["x1", "lower"] > summary.loc["x2", "upper"]
    assert (summary["lower"] <= summary["mean"]).all() and (
        summary["mean"] <= summary["upper"]
    ).all()
    assert res.importance.shape == (90, 4)
    # under refits the null feature's |phi| stays small but positive
    assert 0 < summary.loc["x3", "mean"] < 0.2


def test_same_seed_same_result_any_n_jobs(regression):
    X, y = regression
    run = {"n_draws": 6, "seed": 9, "n_explain": 20, "n_background": 20, "subsample": 0.5}
    one = shap_stability(least_squares, X, y, n_jobs=1, **run)
    two = shap_stability(least_squares, X, y, n_jobs=2, **run)
    np.testing.assert_array_equal(one.importance["mean_abs_phi"], two.importance["mean_abs_phi"])
    other = shap_stability(least_squares, X, y, n_jobs=1, **{**run, "seed": 10})
    assert not np.allclose(one.importance["mean_abs_phi"], other.importance["mean_abs_phi"])


def test_kernel_method_runs_and_stays_close_to_exact(regression):
    X, y = regression
    exact = shap_stability(least_squares, X, y, n_draws=3, seed=4, n_explain=10, n_background=20)
    kernel = shap_stability(
        least_squares,
        X,
        y,
        n_draws=3,
        seed=4,
        n_explain=10,
        n_background=20,
        method="kernel",
        n_samples=6,
    )
    # the linear model's coalition values are additive, so KernelSHAP is exact for any sample
    np.testing.assert_allclose(
        kernel.importance["mean_abs_phi"], exact.importance["mean_abs_phi"], atol=1e-8
    )


def test_compare_models_scores_and_explains(regression):
    X, _ = regression
    rng = np.random.default_rng(1)
    outcome = (X[:, 0] + 0.3 * rng.normal(size=150) > 0).astype(int)

    def clipped_ls(X, y):
        predict = least_squares(X, y)
        return lambda Z: np.clip(predict(Z), 0.02, 0.98)

    def constant(X, y):
        share = float(np.mean(y))
        return lambda Z: np.full(len(Z), share)

    cmp = compare_models_shap(
        {"linear": clipped_ls, "constant": constant},
        X[:100],
        outcome[:100],
        X[100:],
        outcome[100:],
        n_draws=4,
        seed=1,
        n_explain=20,
        n_background=20,
    )
    assert cmp.accuracy.loc["linear", "accuracy"] > cmp.accuracy.loc["constant", "accuracy"]
    np.testing.assert_allclose(cmp.shap["constant"].values, 0, atol=1e-12)
    assert set(cmp.summary()["model"]) == {"linear", "constant"}
    assert cmp.to_frame().shape == (2 * 4 * 3, 5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model_fn": "rf"}, TypeError, "model_fn must be a function"),
        ({"model_fn": lambda X, y: 3}, TypeError, "model_fn must return a prediction function"),
        ({"y": np.zeros(10)}, ValueError, "y must have one value per row of X"),
        ({"n_draws": 1}, ValueError, "n_draws must be an integer >= 2"),
        ({"subsample": 1.5}, ValueError, "subsample must be None"),
        ({"subsample": True}, ValueError, "subsample must be None"),
        ({"method": "tree"}, ValueError, "method must be 'exact' or 'kernel'"),
        ({"seed": 2.5}, TypeError, "seed must be a non-negative integer"),
        ({"explain": np.zeros((3, 2))}, ValueError, "explain has 2 features, expected 3"),
        ({"n_background": 0}, ValueError, "n_background must be an integer >= 1"),
    ],
)
def test_shap_stability_bad_inputs(kwargs, error, match, regression):
    X, y = regression
    arguments = {"model_fn": least_squares, "X": X, "y": y, "n_draws": 3, "seed": 1}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        shap_stability(**arguments)


def test_compare_models_bad_outcome(regression):
    X, y = regression
    with pytest.raises(ValueError, match="y_test must hold one 0/1 outcome"):
        compare_models_shap(
            {"ls": least_squares}, X[:100], y[:100], X[100:], y[100:], n_draws=2, seed=1
        )
    with pytest.raises(ValueError, match="models must name at least one model"):
        compare_models_shap({}, X[:100], y[:100], X[100:], y[100:], n_draws=2, seed=1)


def test_importing_statlab_shap_loads_no_heavy_library():
    import subprocess
    import sys

    code = (
        "import sys, statlab as sl; sl.shap; "
        "print(sorted(m for m in ('shap', 'sklearn', 'plotnine', 'rpy2', 'joblib', 'numba') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_scikit_learn_estimators_stand_in_for_model_functions(regression):
    from sklearn.linear_model import LinearRegression, LogisticRegression

    from statlab._validation import InvalidArgumentError
    from statlab.shap import exact_shap, kernel_shap

    X, y = regression
    # a fitted estimator is explained through its predict ...
    model = LinearRegression().fit(X, y)
    res = exact_shap(model, X[:5], X[:40], backend="python")
    expected = linear_shap(model.coef_, X[:5], background=X[:40], backend="python")
    np.testing.assert_allclose(res.values, expected.values, atol=1e-12)
    kernel = kernel_shap(model, X[:2], X[:40], n_samples=20, seed=1)
    np.testing.assert_allclose(kernel.values, expected.values[:2], atol=1e-10)
    # ... a two-class classifier through its probability of classes_[1]
    labels = np.where(y > 0, "up", "down")
    classifier = LogisticRegression().fit(X, labels)
    by_estimator = exact_shap(classifier, X[:3], X[:20], backend="python")
    by_function = exact_shap(
        lambda Z: classifier.predict_proba(Z)[:, 1], X[:3], X[:20], backend="python"
    )
    np.testing.assert_array_equal(by_estimator.values, by_function.values)
    with pytest.raises(InvalidArgumentError, match=r"^f is an unfitted LinearRegression"):
        exact_shap(LinearRegression(), X[:2], X[:20], backend="python")
    # refits clone the estimator, fitted or not: the same as a model_fn fitting it
    options = {"n_draws": 3, "seed": 2, "n_explain": 10, "n_background": 20}
    by_estimator = shap_stability(LinearRegression(), X, y, **options)
    by_function = shap_stability(least_squares, X, y, **options)
    pd.testing.assert_frame_equal(by_estimator.importance, by_function.importance, rtol=1e-10)
    binary = (y > 0).astype(int)
    comparison = compare_models_shap(
        {"logistic": LogisticRegression()}, X[:100], binary[:100], X[100:], binary[100:],
        n_draws=2, seed=1, n_explain=5, n_background=10,
    )  # fmt: skip
    refit = LogisticRegression().fit(X[:100], binary[:100])
    predicted = refit.predict_proba(X[100:])[:, 1]
    accuracy = np.mean((predicted > 0.5) == (binary[100:] == 1))
    assert comparison.accuracy.loc["logistic", "accuracy"] == pytest.approx(accuracy)
