"""Random-forest permutation importance (randomForest's definition) and Efron's experiment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from statlab.trees import (
    efron_experiment,
    oob_permutation_importance,
    random_forest,
    simulate_redundant,
    tune_mtry,
)
from statlab.trees._backend_python import sklearn_forest


@pytest.fixture(scope="module")
def redundant() -> pd.DataFrame:
    return simulate_redundant(seed=1)


def test_simulation_design(redundant):
    assert redundant.shape == (300, 101)
    signal = redundant.attrs["signal"]
    assert (
        sum(v == "z1" for v in signal.values()) == 15
        and sum(v == "noise" for v in signal.values()) == 40
    )
    X = redundant.drop(columns="y")
    # copies of one signal correlate about 1 / (1 + 0.3^2) = 0.92; noise columns about 0
    assert np.corrcoef(X["x1"], X["x2"])[0, 1] == pytest.approx(0.92, abs=0.04)
    assert abs(np.corrcoef(X["x1"], X["x100"])[0, 1]) < 0.15


def test_oob_permutation_importance_by_brute_force():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 4))
    y = 2 * X[:, 0] + X[:, 1] + rng.normal(scale=0.5, size=80)
    forest = sklearn_forest({"n_trees": 15, "mtry": 2, "node_size": 5}, "regression", 4, 1).fit(
        X, y
    )
    raw, sd = oob_permutation_importance(forest, X, y, seed=9)
    streams = np.random.SeedSequence(9).spawn(15)
    deltas = np.zeros((15, 4))
    for t, (tree, drawn) in enumerate(
        zip(forest.estimators_, forest.estimators_samples_, strict=True)
    ):
        oob = np.setdiff1d(np.arange(80), drawn)
        rng_t = np.random.default_rng(streams[t])
        base = np.mean((y[oob] - tree.predict(X[oob])) ** 2)
        for j in np.unique(tree.tree_.feature[tree.tree_.feature >= 0]):
            permuted = X[oob].copy()
            permuted[:, j] = X[oob][rng_t.permutation(len(oob)), j]
            deltas[t, j] = np.mean((y[oob] - tree.predict(permuted)) ** 2) - base
    np.testing.assert_allclose(raw, deltas.mean(axis=0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(sd, deltas.std(axis=0) / np.sqrt(15), rtol=1e-6, atol=1e-9)
    assert raw[0] > raw[1] > max(abs(raw[2]), abs(raw[3]))


def test_importance_is_seeded_and_independent_of_n_jobs(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    one = random_forest(X, y, n_trees=40, seed=2, backend="python", n_jobs=1)
    two = random_forest(X, y, n_trees=40, seed=2, backend="python", n_jobs=2)
    pd.testing.assert_frame_equal(one.importance(), two.importance())
    assert one.oob_error() == two.oob_error()


def test_cv_errors_and_test_predictions_are_identical_whatever_n_jobs(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    cv_one = tune_mtry(X, y, mtry_grid=[5, 30], nfolds=3, n_trees=60, seed=4, backend="python")
    for _ in range(3):  # threads finish in varying order: every run must still add up the same
        cv_two = tune_mtry(
            X, y, mtry_grid=[5, 30], nfolds=3, n_trees=60, seed=4, backend="python", n_jobs=2
        )
        pd.testing.assert_frame_equal(cv_one, cv_two, check_exact=True)
        forest = random_forest(X, y, X_test=X[:50], n_trees=60, seed=4, backend="python", n_jobs=2)
        alone = random_forest(X, y, X_test=X[:50], n_trees=60, seed=4, backend="python")
        assert np.array_equal(forest.test_prediction, alone.test_prediction)


def test_signal_copies_outrank_noise(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    forest = random_forest(X, y, n_trees=150, seed=0, backend="python", n_jobs=2)
    table = forest.importance()
    signal = pd.Series(redundant.attrs["signal"])
    top20 = table["importance"].sort_values(ascending=False).index[:20]
    assert (signal[top20] != "noise").all()
    assert table.loc[signal[signal == "noise"].index, "importance"].abs().mean() < 2.0


def test_efron_simulation_trimmed_forest_loses_under_five_percent(redundant):
    result = efron_experiment(
        redundant.drop(columns="y"),
        redundant["y"],
        n_trees=150,
        mtry_grid=[10, 33],
        seed=1,
        backend="python",
        n_jobs=2,
    )
    assert len(result.removed) == 10
    assert set(result.summary()["n_features"]) == {100, 90}
    assert abs(result.relative_change) < 0.05
    assert all(redundant.attrs["signal"][name] != "noise" for name in result.removed)
    # the change with its paired interval over the test rows: the same point, an interval around
    # it, and (on 75 test rows) no clear change
    change = result.relative_change_interval(seed=0)
    assert change["relative_change"] == pytest.approx(result.relative_change)
    assert change["lower"] < change["relative_change"] < change["upper"]
    assert not change["clear"]
    assert len(result.test_observed) == 75


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mtry": 101}, r"mtry must be between 1 and the number of features \(100\), got 101"),
        ({"mtry": 0}, "mtry must be between 1"),
        ({"n_trees": 0}, "n_trees must be an integer >= 1"),
        ({"node_size": 0}, "node_size must be an integer >= 1"),
    ],
)
def test_forest_bad_input(redundant, kwargs, message):
    with pytest.raises(ValueError, match=message):
        random_forest(redundant.drop(columns="y"), redundant["y"], **kwargs)


def test_experiment_bad_input(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    with pytest.raises(
        ValueError, match=r"n_remove must be smaller than the number of features \(100\)"
    ):
        efron_experiment(X, y, n_remove=100)
    with pytest.raises(ValueError, match="mtry_grid must hold integers between 1 and"):
        tune_mtry(X, y, mtry_grid=[0, 5])
    with pytest.raises(ValueError, match="test_fraction must be below 1"):
        efron_experiment(X, y, test_fraction=1.0)
    with pytest.raises(ValueError, match="single class"):
        random_forest(X, np.array(["a"] * len(y)))


@pytest.mark.needs_r
def test_r_and_python_importances_agree_statistically(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    python = random_forest(X, y, n_trees=300, seed=1, backend="python", n_jobs=2).importance()
    r = random_forest(X, y, n_trees=300, seed=1, backend="r").importance()
    rho = spearmanr(python["importance"], r["importance"]).statistic
    top_python = set(python["importance"].nlargest(10).index)
    top_r = set(r["importance"].nlargest(10).index)
    assert rho > 0.6, rho
    assert len(top_python & top_r) >= 5, (top_python, top_r)
    # the importance each latent signal receives in total ranks the signals the same way
    signal = pd.Series(redundant.attrs["signal"])
    by_signal_py = python["importance"].groupby(signal).sum().drop("noise")
    by_signal_r = r["importance"].groupby(signal).sum().drop("noise")
    assert list(by_signal_py.sort_values().index) == list(by_signal_r.sort_values().index)


@pytest.mark.needs_r
def test_r_forest_reports_randomforests_scaled_importance(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    forest = random_forest(X, y, n_trees=50, seed=3, backend="r", X_test=X.iloc[:5])
    table = forest.importance()
    assert forest.backend == "r" and forest.test_prediction.shape == (5,)
    np.testing.assert_allclose(table["importance"], table["raw"] / table["sd"], rtol=1e-6)
    assert forest.oob_error() < np.var(y)


@pytest.mark.needs_r
def test_cv_error_of_mtry_agrees_between_backends(redundant):
    X, y = redundant.drop(columns="y"), redundant["y"]
    python = tune_mtry(X, y, mtry_grid=[1, 33], n_trees=100, seed=4, backend="python", n_jobs=2)
    r = tune_mtry(X, y, mtry_grid=[1, 33], n_trees=100, seed=4, backend="r")
    assert python.attrs["best"] == r.attrs["best"] == 33
    np.testing.assert_allclose(python["rmse"], r["rmse"], rtol=0.1)


def test_singh2002_removal_table():
    from statlab.trees import Singh2002Result, efron_singh2002

    result = efron_singh2002(removals=[0, 10, 40], n_trees=60, seed=2, backend="python", n_jobs=2)
    assert isinstance(result, Singh2002Result)
    table = result.to_frame()
    assert table["removed"].tolist() == [0, 10, 40]
    assert result.n_test == 51 and len(result.top_genes) == 20
    assert (result.backend, result.seed, result.n_trees) == ("python", 2, 60)
    # a forest on 51 men predicts the other 51 almost perfectly, with or without the top genes
    assert (table["test_errors"] <= 6).all()
    np.testing.assert_allclose(table["test_error_rate"], table["test_errors"] / 51)
    # the numbers of the table it replaced (a DataFrame with attrs) for these settings
    assert table["test_errors"].tolist() == [2, 1, 3]
    assert result.top_genes[:3] == ["V963", "V5615", "V2"]
    summary = result.summary()
    assert list(summary.index) == [0, 10, 40]
    assert summary["change_vs_all_genes"].tolist() == [0, -1, 1]
    assert (summary["n_test"] == 51).all() and (summary["backend"] == "python").all()
    text = repr(result)
    assert text.splitlines()[0].startswith("Singh2002Result (backend 'python', 60 trees, seed 2)")
    assert "out of 51" in text and "V963" in text
    figure = result.plot()
    assert list(figure.data["removed"]) == [0, 10, 40]
    assert figure.labels.y.startswith("test error rate")
    table.loc[0, "test_errors"] = 99
    assert result.table.loc[0, "test_errors"] == 2  # to_frame returns a copy
    with pytest.raises(ValueError, match="removals must be integers between 0 and 6032"):
        efron_singh2002(removals=[-1], backend="python")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"n_jobs": 0}, "n_jobs must be a nonzero"),
    ],
)
def test_seed_and_n_jobs_are_checked(redundant, kwargs, message):
    with pytest.raises(ValueError, match=message):
        random_forest(redundant.drop(columns="y"), redundant["y"], backend="python", **kwargs)
