"""boosting_steps: residual fitting, R (rpart on residuals) vs Python, and gbm's tree size."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.trees import boosting_steps, fit_tree, gbm_steps


@pytest.fixture(scope="module")
def sine() -> pd.DataFrame:
    return sl.data.load("sine_boosting")


def test_each_step_fits_the_previous_residuals(sine):
    steps = boosting_steps(sine["X"], sine["y"], n_steps=3, backend="python")
    frame = steps.to_frame()
    first = frame[frame["step"] == 1]
    np.testing.assert_allclose(first["residual"], sine["y"])
    for b in (2, 3):
        previous, current = frame[frame["step"] == b - 1], frame[frame["step"] == b]
        np.testing.assert_allclose(
            current["residual"].to_numpy(), previous["new_residual"].to_numpy()
        )
        tree = fit_tree(
            sine[["X"]],
            previous["new_residual"].to_numpy(),
            max_depth=2,
            cp=0,
            min_split=2,
            min_bucket=1,
            backend="python",
        )
        np.testing.assert_allclose(current["tree"].to_numpy(), tree.predict(sine[["X"]]))
    # the ensemble is the sum of the trees and y = ensemble + residual at every step
    np.testing.assert_allclose(frame["ensemble"] + frame["new_residual"], frame["y"])
    np.testing.assert_allclose(
        steps.predict(sine["X"], steps=3), frame[frame["step"] == 3]["ensemble"]
    )


def test_training_error_falls_and_depth_two_trees_have_four_leaves(sine):
    steps = boosting_steps(sine["X"], sine["y"], n_steps=100, backend="python")
    mse = steps.summary()["training_mse"].to_numpy()
    assert (np.diff(mse) <= 1e-12).all()
    assert mse[0] == pytest.approx(2.896085, abs=1e-6) and mse[-1] < 1e-5
    assert steps.summary()["leaves"].max() == 4


def test_learning_rate_shrinks_each_step(sine):
    full = boosting_steps(sine["X"], sine["y"], n_steps=1, backend="python")
    half = boosting_steps(sine["X"], sine["y"], n_steps=1, learning_rate=0.5, backend="python")
    np.testing.assert_allclose(half.predict(sine["X"]), 0.5 * full.predict(sine["X"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_steps": 0}, "n_steps must be an integer >= 1"),
        ({"learning_rate": 0}, r"learning_rate must be a number in \(0, 1\], got 0"),
        ({"max_depth": 0}, "max_depth must be an integer >= 1"),
        ({"backend": "gbm"}, "backend must be 'auto', 'r' or 'python'"),
    ],
)
def test_bad_input_names_the_argument(sine, kwargs, message):
    with pytest.raises(ValueError, match=message):
        boosting_steps(sine["X"], sine["y"], **kwargs)


def test_two_predictors_are_refused(sine):
    with pytest.raises(ValueError, match="x must be one predictor"):
        boosting_steps(np.column_stack([sine["X"], sine["X"]]), sine["y"])
    steps = boosting_steps(sine["X"], sine["y"], n_steps=2, backend="python")
    with pytest.raises(ValueError, match="steps must be at most n_steps = 2"):
        steps.predict([0.0], steps=3)


@pytest.mark.needs_r
def test_r_boosts_with_rpart_to_the_same_ensemble(sine):
    python = boosting_steps(sine["X"], sine["y"], n_steps=20, backend="python")
    r = boosting_steps(sine["X"], sine["y"], n_steps=20, backend="r")
    assert r.backend == "r"
    for tree_py, tree_r in zip(python.trees, r.trees, strict=True):
        assert tree_py.tree.rules() == tree_r.tree.rules()
    pd.testing.assert_frame_equal(python.to_frame(), r.to_frame(), rtol=1e-10)


@pytest.mark.needs_r
def test_gbm_interaction_depth_two_is_three_leaves_not_depth_two(sine):
    from sklearn.ensemble import GradientBoostingRegressor

    X, y = sine[["X"]].to_numpy(), sine["y"].to_numpy()
    gbm = gbm_steps(X, y, n_trees=5, interaction_depth=2, learning_rate=1.0, min_bucket=1)
    assert gbm.attrs["init"] == pytest.approx(y.mean())
    common = {"n_estimators": 5, "learning_rate": 1.0, "min_samples_leaf": 1, "subsample": 1.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        three_leaves = GradientBoostingRegressor(max_leaf_nodes=3, max_depth=None, **common).fit(
            X, y
        )
        depth_two = GradientBoostingRegressor(max_depth=2, **common).fit(X, y)
    staged = np.column_stack(list(three_leaves.staged_predict(X)))
    np.testing.assert_allclose(gbm.to_numpy(), staged, atol=1e-10)
    staged_depth_two = np.column_stack(list(depth_two.staged_predict(X)))
    assert np.abs(gbm.to_numpy() - staged_depth_two).max() > 0.5
