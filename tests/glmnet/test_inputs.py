"""Bad input to glmnet / cv_glmnet: clear errors naming the argument."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import _rbridge
from statlab._validation import InvalidArgumentError


@pytest.fixture(scope="module")
def xy():
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"alpha": 1.5}, "alpha must be"),
        ({"alpha": -0.1}, "alpha must be"),
        ({"nfolds": 2}, "nfolds must be"),
        ({"nfolds": 1000}, "nfolds must be"),
        ({"family": "tweedie"}, "family must be"),
        ({"foldid": np.ones(5, dtype=int)}, "foldid must have one label per row"),
        (
            {"foldid": np.r_[np.ones(50, dtype=int), np.full(47, 3)]},
            r"foldid leaves fold\(s\) \[2\] empty",
        ),
        ({"foldid": np.resize([1, 2], 97)}, "at least 3 folds"),
        ({"backend": "julia"}, "backend must be"),
        ({"nlambda": 1}, "nlambda must be"),
        ({"lambda_min_ratio": 2.0}, "lambda_min_ratio must"),
        ({"weights": -np.ones(97)}, "weights must be non-negative"),
        ({"lambdas": [0.1, np.nan]}, "lambdas contains NaN"),
    ],
)
def test_bad_arguments(xy, change, message):
    X, y = xy
    with pytest.raises(ValueError, match=message):
        sl.cv_glmnet(X, y, **change)


def test_nan_in_x_and_y(xy):
    X, y = xy
    bad_x = X.copy()
    bad_x.iloc[3, 2] = np.nan
    with pytest.raises(
        ValueError, match=r"X contains NaN or infinite values \(first rows, 0-based: \[3\]\)"
    ):
        sl.cv_glmnet(bad_x, y, backend="python")
    bad_y = y.copy()
    bad_y.iloc[0] = np.inf
    with pytest.raises(ValueError, match="y contains NaN or infinite"):
        sl.glmnet(X, bad_y, backend="python")


def test_length_mismatch_and_non_numeric(xy):
    X, y = xy
    with pytest.raises(ValueError, match="y has 96 values but X has 97 rows"):
        sl.cv_glmnet(X, y.iloc[:-1])
    frame = X.assign(group=["a"] * len(X))
    with pytest.raises(ValueError, match=r"X has non-numeric columns \['group'\]"):
        sl.cv_glmnet(frame, y)


def test_binomial_needs_two_classes(xy):
    X, _ = xy
    with pytest.raises(ValueError, match="exactly two classes"):
        sl.cv_glmnet(X, np.arange(len(X)) % 3, family="binomial")


def test_s_must_be_a_rule_or_number(xy):
    X, y = xy
    fit = sl.cv_glmnet(X, y, seed=1, backend="python")
    with pytest.raises(ValueError, match=r"s must be .lambda\.1se., .lambda\.min. or a number"):
        fit.coef("lambda.best")
    with pytest.raises(ValueError, match="X has 3 columns but the model was fitted on 8"):
        fit.predict(X.iloc[:, :3])


def test_backend_r_without_r_raises_with_install_line(monkeypatch, xy):
    X, y = xy
    monkeypatch.setattr(
        _rbridge, "status", lambda: _rbridge.RStatus(False, "rpy2 is not installed")
    )
    with pytest.raises(
        _rbridge.RUnavailableError, match="apt-get install r-base-core r-cran-glmnet"
    ):
        sl.cv_glmnet(X, y, backend="r")
    assert sl.cv_glmnet(X, y, seed=1, backend="auto").backend == "python"


def test_unknown_column_names_in_predict(xy):
    X, y = xy
    fit = sl.cv_glmnet(X, y, seed=1, backend="python")
    renamed = X.rename(columns={"age": "years"})
    with pytest.raises(ValueError, match=r"X lacks the fitted columns \['age'\]"):
        fit.predict(renamed)
    reordered = X[list(reversed(X.columns))]
    np.testing.assert_allclose(fit.predict(reordered), fit.predict(X))
    assert isinstance(renamed, pd.DataFrame)


@pytest.mark.parametrize("called", ["function", "module"])
def test_warnings_point_at_the_callers_line(xy, called):
    """statlab.glmnet is the function and, once the submodule is imported, a callable module:
    either way a warning names the line that called it."""
    import importlib

    fit = sl.glmnet if called == "function" else importlib.import_module("statlab.glmnet")
    X, y = xy
    with pytest.warns(UserWarning, match="lower_limits has 12 values") as caught:
        fit(X, y, lower_limits=np.zeros(12), backend="python")
    assert [record.filename for record in caught] == [__file__]


def test_a_categorical_response_follows_its_level_order_as_an_r_factor():
    # R's glmnet models the second level of a factor; sorting the labels instead would model
    # "low" here and flip every coefficient
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    labels = np.where(rng.random(100) < 1 / (1 + np.exp(-2 * X[:, 0])), "high", "low")
    factor = pd.Series(pd.Categorical(labels, categories=["low", "high"]))
    fit = sl.glmnet(X, factor, family="binomial", backend="python")
    indicator = sl.glmnet(X, (labels == "high").astype(int), family="binomial", backend="python")
    assert fit.class_labels == ["low", "high"]
    np.testing.assert_array_equal(fit.beta, indicator.beta)
    assert fit.beta[0, -1] > 0
    reversed_levels = pd.Categorical(labels, categories=["high", "low"])
    flipped = sl.glmnet(X, reversed_levels, family="binomial", backend="python")
    np.testing.assert_allclose(flipped.beta, -fit.beta, atol=1e-12)
    assert list(fit.predict(X[:3], s=fit.lambdas[-1], type="class")) == [
        "high" if p > 0.5 else "low" for p in fit.predict(X[:3], s=fit.lambdas[-1], type="response")
    ]


def test_a_categorical_response_with_an_empty_level_is_refused_as_in_glmnet():
    labels = np.array(["a", "b"] * 20)
    X = np.random.default_rng(1).normal(size=(40, 2))
    with pytest.raises(ValueError, match="y: a class has 1 or 0 observations"):
        sl.glmnet(X, pd.Categorical(labels, categories=["a", "b", "c"]), family="multinomial")
    with pytest.raises(ValueError, match="exactly two classes"):
        sl.glmnet(X, pd.Categorical(labels, categories=["a", "b", "c"]), family="binomial")
    multinomial = sl.glmnet(
        X, pd.Categorical(np.array(["b", "a", "c", "c"] * 10), categories=["c", "b", "a"]),
        family="multinomial", backend="python",
    )  # fmt: skip
    assert multinomial.class_labels == ["c", "b", "a"]


def _three_classes() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.standard_normal((60, 4)), np.array(list("abc"))[np.arange(60) % 3]


@pytest.mark.parametrize("backend", ["python", pytest.param("r", marks=pytest.mark.needs_r)])
@pytest.mark.parametrize("fit", [sl.glmnet, sl.cv_glmnet])
@pytest.mark.parametrize(
    ("family", "weighted_out", "message"),
    [
        ("multinomial", "c", r"class 'c' has no weight in the rows fitted .*error 8003"),
        ("binomial", "b", r"class 'b' has no weight in the rows fitted .*error 8001"),
        ("binomial", "a", r"class 'b' has all the weight in the rows fitted .*error 9001"),
    ],
)
def test_a_class_without_weight_is_refused_before_any_fit(
    backend, fit, family, weighted_out, message
):
    """glmnet stops (errors 8000 + k, 9000 + k) when a class's weighted share is at most pmin or
    at least 1 - pmin; statlab refuses it at the entry, for either backend."""
    x, labels = _three_classes()
    y = labels if family == "multinomial" else np.where(labels == "a", "a", "b")
    weights = np.where(y == weighted_out, 0.0, 1.0)
    with pytest.raises(InvalidArgumentError, match=rf"^y, weights: {message}"):
        fit(x, y, family=family, weights=weights, backend=backend)


@pytest.mark.parametrize("family", ["binomial", "multinomial"])
def test_a_fold_whose_training_rows_lack_a_class_is_named(family):
    x, labels = _three_classes()
    y = labels if family == "multinomial" else np.where(labels == "b", "b", "a")
    foldid = np.where(labels == "b", 1, np.arange(60) % 2 + 2)  # fold 1 holds every 'b'
    with pytest.raises(
        InvalidArgumentError,
        match=r"class 'b' has no weight in the training rows of fold 1 .*; choose other folds$",
    ):
        sl.cv_glmnet(x, y, family=family, foldid=foldid, backend="python")


@pytest.mark.needs_r
def test_r_refuses_the_class_without_weight_statlab_refuses():
    """The refused case is one R's glmnet itself stops on (the check refuses no fit R would run):
    handed to R past statlab's entry, it fails with glmnet's code 8003."""
    from statlab.glmnet import _backend_r, _inputs

    x, labels = _three_classes()
    y, _ = _inputs.response(labels, 60, "multinomial")
    with pytest.raises(_rbridge.RCallError, match="error code 8003"):
        _backend_r.fit_path(
            x, y, np.where(labels == "c", 0.0, 1.0), alpha=1.0, family="multinomial",
            standardize=True, nlambda=100, lambda_min_ratio=None, thresh=1e-7, max_passes=100000,
            lambdas=None,
        )  # fmt: skip
