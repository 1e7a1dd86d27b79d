"""Bad inputs to the SHAP functions: clear errors that name the argument."""

from __future__ import annotations

import numpy as np
import pytest

from statlab.shap import conditional_linear_shap, exact_shap, linear_shap

BACKGROUND = np.arange(12.0).reshape(4, 3) ** 1.5


def total(X):
    return X.sum(axis=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": lambda X: X}, ValueError, "f must return one number per row"),
        ({"f": lambda X: 1.0}, ValueError, "f must return one number per row"),
        ({"f": lambda X: np.full(len(X), np.nan)}, ValueError, "f returned NaN"),
        ({"f": "model"}, TypeError, "f must be a function"),
        ({"x": [1.0, 2.0]}, ValueError, "background has 3 features, expected 2"),
        ({"x": [[np.nan, 1.0, 2.0]]}, ValueError, "x holds NaN"),
        ({"x": np.zeros((0, 3))}, ValueError, "x is empty"),
        ({"x": ["a", "b", "c"]}, TypeError, "x must be numeric"),
        ({"background": np.zeros((0, 3))}, ValueError, "background is empty"),
        ({"background": np.zeros((2, 4))}, ValueError, "background has 4 features, expected 3"),
        ({"value": "conditional"}, ValueError, "value must be one of"),
        ({"value": "baseline"}, ValueError, "background must be a single row"),
        ({"backend": "julia"}, ValueError, "backend must be"),
        ({"feature_names": ["a"]}, ValueError, "feature_names has 1 names"),
        (
            {"value": "conditional_gaussian", "background": np.ones((5, 3))},
            ValueError,
            "background: its covariance matrix is singular",
        ),
    ],
)
def test_exact_shap_bad_inputs(kwargs, error, match):
    arguments = {"f": total, "x": [1.0, 2.0, 3.0], "background": BACKGROUND, "backend": "python"}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        exact_shap(**arguments)


def test_too_many_features_for_enumeration():
    with pytest.raises(ValueError, match=r"x has 16 features.*p <= 15.*kernel_shap"):
        exact_shap(total, np.zeros(16), np.zeros((2, 16)), backend="python")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"beta": [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]}, "beta must be one coefficient per feature"),
        ({"x": [1.0, 2.0]}, "x has 2 features, expected 3"),
        ({"baseline": [[0.0, 0, 0], [1.0, 1, 1]]}, "baseline must be a single row"),
        ({"baseline": [0.0, 0, 0], "background": BACKGROUND}, "baseline or background, not both"),
        ({"intercept": float("nan")}, "intercept must be a finite number"),
    ],
)
def test_linear_shap_bad_inputs(kwargs, match):
    arguments = {"beta": [1.0, 2.0, 3.0], "x": [1.0, 2.0, 3.0], "backend": "python"}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        linear_shap(**arguments)


def test_conditional_linear_shap_rejects_a_non_positive_definite_cov():
    with pytest.raises(ValueError, match="cov must be a symmetric positive definite"):
        conditional_linear_shap([1.0, 1.0], [0.0, 0.0], mean=[0, 0], cov=[[1, 2], [2, 1]])


def test_frames_in_another_column_order_are_aligned_by_name():
    import pandas as pd

    x = pd.DataFrame([[1.0, 2.0, 4.0]], columns=["a", "b", "c"])
    background = pd.DataFrame(BACKGROUND, columns=["a", "b", "c"])
    shuffled = background[["c", "a", "b"]]

    def weighted(X):
        return X @ np.array([1.0, 10.0, 100.0]) + X[:, 0] * X[:, 2]

    in_order = exact_shap(weighted, x, background, backend="python")
    aligned = exact_shap(weighted, x, shuffled, backend="python")
    np.testing.assert_array_equal(aligned.values, in_order.values)
    assert aligned.feature_names == ("a", "b", "c")
    beta = pd.Series([1.0, 10.0, 100.0], index=["a", "b", "c"])
    np.testing.assert_array_equal(
        linear_shap(beta[["b", "c", "a"]], x, background=shuffled, backend="python").values,
        linear_shap(beta, x, background=background, backend="python").values,
    )
    baseline = pd.Series([0.5, 0.25, 2.0], index=["a", "b", "c"])
    np.testing.assert_array_equal(
        linear_shap(beta, x, baseline=baseline[["c", "b", "a"]], backend="python").values,
        linear_shap(beta, x, baseline=baseline, backend="python").values,
    )


@pytest.mark.parametrize(
    ("columns", "match"),
    [
        (["a", "b", "d"], r"background's features do not match x's: background lacks \['c'\]"),
        (["a", "a", "b"], r"background lacks \['c'\] and has \[\] that x does not"),
    ],
)
def test_frames_naming_other_features_are_refused(columns, match):
    import pandas as pd

    x = pd.DataFrame([[1.0, 2.0, 4.0]], columns=["a", "b", "c"])
    with pytest.raises(ValueError, match=match):
        exact_shap(total, x, pd.DataFrame(BACKGROUND, columns=columns), backend="python")
