"""fit_tree: known values, rpart's pruning rule, rpart parity, partitions and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.trees import fit_tree, split_search, tree_from_partition

SETTINGS = [
    {"max_depth": 3, "cp": 0.01, "min_split": 20, "min_bucket": 7},
    {"max_depth": 5, "cp": 0.0, "min_split": 10, "min_bucket": 3},
    {"max_depth": 30, "cp": 0.02, "min_split": 2, "min_bucket": 1},
    {"max_depth": 2, "cp": 0.1, "min_split": 40, "min_bucket": 15},
]


def test_sine_tree_known_values():
    # R: rpart(y ~ X, sine_boosting, maxdepth = 2, cp = 0) splits at 3.571356 (ncat +1), then the
    # 81 rows below at 0.174191; the 19 rows above are fewer than minsplit = 20. Node deviances
    # 572.393717 (root), 7.548715, 245.877367, 40.500590 (leaves); root CP 0.2813993.
    sine = sl.data.load("sine_boosting")
    tree = fit_tree(sine[["X"]], sine["y"], max_depth=2, cp=0, backend="python")
    assert tree.tree.threshold[0] == pytest.approx(3.571356476750225, abs=1e-12)
    assert tree.tree.threshold[1] == pytest.approx(0.174191, abs=1e-6)
    assert tree.cptable["CP"].iloc[0] == pytest.approx(0.2813993, abs=1e-7)
    assert tree.tree.risk[0] == pytest.approx(572.393717, abs=1e-6)
    assert tree.importance().iloc[0] == pytest.approx(572.393717 - 293.926672, abs=1e-5)
    assert tree.n_leaves == 3


def test_regression_cp_is_ccp_alpha_times_population_variance(regression_data):
    from sklearn.tree import DecisionTreeRegressor

    X, y = regression_data
    for cp in (0.005, 0.02, 0.08):
        ours = fit_tree(X, y, cp=cp, min_split=2, min_bucket=1, backend="python")
        theirs = DecisionTreeRegressor(
            min_samples_split=2, min_samples_leaf=1, ccp_alpha=cp * np.var(y), random_state=0
        ).fit(X, y)
        assert ours.n_leaves == theirs.get_n_leaves()
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)


def test_pruning_at_larger_cp_equals_fitting_there(regression_data):
    X, y = regression_data
    small = fit_tree(X, y, cp=0.001, min_split=5, backend="python")
    direct = fit_tree(X, y, cp=0.03, min_split=5, backend="python")
    assert small.prune(0.03).tree.rules() == direct.tree.rules()
    assert small.n_leaves > direct.n_leaves


def test_complexity_table_rel_error_matches_pruned_trees(regression_data):
    X, y = regression_data
    tree = fit_tree(X, y, cp=0.005, backend="python")
    root = ((y - y.mean()) ** 2).sum()
    for _, row in tree.cptable.iterrows():
        pruned = tree.prune(row["CP"])
        assert (~pruned.tree.is_leaf).sum() == row["nsplit"]
        assert ((y - pruned.predict(X)) ** 2).sum() / root == pytest.approx(row["rel_error"])


def test_importance_sums_split_decreases(regression_data):
    X, y = regression_data
    tree = fit_tree(X, y, cp=0.01, backend="python")
    root = ((y - y.mean()) ** 2).sum()
    leaves_rss = ((y - tree.predict(X)) ** 2).sum()
    assert tree.importance().sum() == pytest.approx(root - leaves_rss)
    assert tree.importance(normalize=True).sum() == pytest.approx(1.0)


def test_partition_boxes_tile_and_agree_with_predictions(regression_data):
    X, y = regression_data
    tree = fit_tree(X[:, :2], y, max_depth=3, backend="python")
    boxes = tree.partition(lower=[-2, -2], upper=[2, 2])
    assert len(boxes) == tree.n_leaves
    areas = (boxes["V1_max"] - boxes["V1_min"]) * (boxes["V2_max"] - boxes["V2_min"])
    assert areas.sum() == pytest.approx(16.0)
    grid = np.random.default_rng(0).uniform(-2, 2, size=(500, 2))
    predicted = tree.predict(grid)
    for _, box in boxes.iterrows():
        inside = (
            (grid[:, 0] >= box["V1_min"])
            & (grid[:, 0] < box["V1_max"])
            & (grid[:, 1] >= box["V2_min"])
            & (grid[:, 1] < box["V2_max"])
        )
        np.testing.assert_allclose(predicted[inside], box["value"])


def test_tree_from_a_fitted_trees_partition_predicts_the_same(regression_data):
    X, y = regression_data
    tree = fit_tree(X[:, :2], y, max_depth=4, backend="python")
    boxes = tree.partition(lower=[-2, -2], upper=[2, 2])
    rebuilt = tree_from_partition(
        boxes.drop(columns=["leaf", "value", "n"]), labels=[str(v) for v in boxes["value"]]
    )
    grid = np.random.default_rng(1).uniform(-2, 2, size=(400, 2))
    np.testing.assert_allclose(rebuilt.predict(grid).astype(float), tree.predict(grid))
    assert rebuilt.tree.n_leaves == tree.n_leaves


def test_tree_from_partition_islr_example():
    boxes = [
        (0, 0.5, 0, 0.6),
        (0, 0.5, 0.6, 1),
        (0.5, 1, 0, 0.3),
        (0.5, 0.8, 0.3, 1),
        (0.8, 1, 0.3, 1),
    ]
    tree = tree_from_partition(boxes, feature_names=["X1", "X2"])
    assert tree.rules() == [(0, "X1", 0.5), (1, "X2", 0.6), (1, "X2", 0.3), (2, "X1", 0.8)]
    assert tree.predict([[0.9, 0.9], [0.1, 0.9], [0.7, 0.1]]).tolist() == ["R5", "R2", "R3"]


def test_partition_that_is_not_a_tree_or_not_a_tiling():
    pinwheel = [(0, 2, 0, 1), (2, 3, 0, 2), (1, 3, 2, 3), (0, 1, 1, 3), (1, 2, 1, 2)]
    with pytest.raises(ValueError, match="no binary tree gives this partition"):
        tree_from_partition(pinwheel)
    with pytest.raises(ValueError, match="rectangles do not tile their bounding box"):
        tree_from_partition([(0, 1, 0, 1), (1, 2, 0, 0.5)])
    with pytest.raises(ValueError, match=r"rectangles 0 and 1 .* overlap"):
        tree_from_partition([(0, 1, 0, 1), (0.5, 1.5, 0, 1), (1, 1.5, 0, 1)])
    with pytest.raises(ValueError, match="have a max not above their min"):
        tree_from_partition([(0, 0, 0, 1)])
    with pytest.raises(ValueError, match="labels has 1 entries"):
        tree_from_partition([(0, 1, 0, 1), (1, 2, 0, 1)], labels=["a"])


def test_split_search_brute_force_and_equal_to_root_split(regression_data):
    X, y = regression_data
    search = split_search(X, y)
    j = int(search.best_feature[1:]) - 1
    s = search.best_threshold
    left = X[:, j] < s
    rss = ((y[left] - y[left].mean()) ** 2).sum() + ((y[~left] - y[~left].mean()) ** 2).sum()
    assert search.best_rss == pytest.approx(rss)
    # brute force over one feature's thresholds
    rows = search.table[search.table["feature"] == "V3"]
    for _, row in rows.sample(10, random_state=0).iterrows():
        left = X[:, 2] < row["threshold"]
        expected = ((y[left] - y[left].mean()) ** 2).sum() + (
            (y[~left] - y[~left].mean()) ** 2
        ).sum()
        assert row["rss"] == pytest.approx(expected)
    assert search.best_rss == search.table["rss"].min()
    stump = fit_tree(X, y, max_depth=1, cp=0, min_split=2, min_bucket=1, backend="python")
    assert (stump.tree.feature[0], stump.tree.threshold[0]) == (j, pytest.approx(s, abs=1e-12))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_depth": 0}, "max_depth must be an integer >= 1"),
        ({"max_depth": 31}, "max_depth must be at most 30"),
        ({"cp": -0.1}, "cp must be a finite number >= 0, got -0.1"),
        ({"min_split": 1}, "min_split must be an integer >= 2"),
        ({"min_bucket": 0}, "min_bucket must be an integer >= 1"),
        ({"task": "survival"}, "task must be 'auto'"),
        ({"backend": "julia"}, "backend must be 'auto', 'r' or 'python'"),
        ({"nfolds": 2}, r"nfolds must be an integer in \[3, 150\], got 2"),
    ],
)
def test_bad_settings_name_the_argument(regression_data, kwargs, message):
    X, y = regression_data
    with pytest.raises(ValueError, match=message):
        fit_tree(X, y, **kwargs)


def test_bad_data_name_the_argument(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="single class"):
        fit_tree(X, np.array(["a"] * len(y)))
    with pytest.raises(ValueError, match="y has 10 values but X has 150 rows"):
        fit_tree(X, y[:10])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        fit_tree(bad, y)
    with pytest.raises(ValueError, match="min_bucket = 80 leaves no split"):
        split_search(X, y, min_bucket=80)
    tree = fit_tree(X, y, backend="python")
    with pytest.raises(ValueError, match="X has 2 columns but the model was fitted on 4"):
        tree.predict(X[:, :2])
    with pytest.raises(ValueError, match="best_cp needs cross-validation"):
        tree.best_cp()


def test_results_print_and_tabulate(class_data):
    X, y = class_data
    tree = fit_tree(pd.DataFrame(X, columns=list("abcde")), y, backend="python")
    assert tree.task == "classification" and set(tree.classes) == {"high", "low", "mid"}
    text = repr(tree)
    assert "backend 'python'" in text and "root" in text
    frame = tree.to_frame()
    assert frame["leaf"].sum() == tree.n_leaves and frame.loc[0, "n"] == len(y)
    assert tree.summary().loc[0, "training_error"] == pytest.approx(np.mean(tree.predict(X) != y))


@pytest.mark.needs_r
@pytest.mark.parametrize("settings", SETTINGS)
def test_rpart_and_sklearn_grow_the_same_regression_tree(regression_data, settings):
    X, y = regression_data
    python = fit_tree(X, y, backend="python", **settings)
    r = fit_tree(X, y, backend="r", **settings)
    assert python.backend == "python" and r.backend == "r"
    assert python.tree.rules() == r.tree.rules()
    pd.testing.assert_frame_equal(python.cptable, r.cptable, rtol=1e-10)
    pd.testing.assert_series_equal(python.importance(), r.importance(), rtol=1e-10)


@pytest.mark.needs_r
@pytest.mark.parametrize("settings", SETTINGS)
def test_rpart_and_sklearn_grow_the_same_classification_tree(class_data, settings):
    X, y = class_data
    python = fit_tree(X, y, backend="python", **settings)
    r = fit_tree(X, y, backend="r", **settings)
    assert python.tree.rules() == r.tree.rules()
    pd.testing.assert_frame_equal(python.cptable, r.cptable, rtol=1e-10)
    np.testing.assert_array_equal(python.predict(X), r.predict(X))


@pytest.mark.needs_r
@pytest.mark.parametrize("task", ["regression", "classification"])
def test_cross_validated_cptable_matches_rpart_with_shared_folds(regression_data, class_data, task):
    X, y = regression_data if task == "regression" else class_data
    foldid = np.random.default_rng(5).permutation(np.resize(np.arange(1, 11), len(y)))
    python = fit_tree(X, y, cp=0.002, foldid=foldid, backend="python")
    r = fit_tree(X, y, cp=0.002, foldid=foldid, backend="r")
    pd.testing.assert_frame_equal(python.cptable, r.cptable, rtol=1e-10)
    assert python.best_cp() == r.best_cp() and python.best_cp("1se") >= python.best_cp()


@pytest.mark.needs_r
def test_split_search_equals_rpart_root_split(regression_data):
    X, y = regression_data
    search = split_search(X, y)
    stump = fit_tree(X, y, max_depth=1, cp=0, min_split=2, min_bucket=1, backend="r")
    assert stump.tree.feature[0] == int(search.best_feature[1:]) - 1
    assert stump.tree.threshold[0] == pytest.approx(search.best_threshold, abs=1e-12)


def test_predict_matches_dataframe_columns_by_name():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = X["a"] * 2 + (X["c"] > 0)
    tree = fit_tree(X, y, cp=0.01, backend="python")
    shuffled = X[["c", "a", "b"]]
    np.testing.assert_array_equal(tree.predict(shuffled), tree.predict(X))
    np.testing.assert_array_equal(tree.predict(X.to_numpy()), tree.predict(X))
    with pytest.raises(ValueError, match=r"missing \['c'\], not fitted on \['d'\]"):
        tree.predict(X.rename(columns={"c": "d"}))
