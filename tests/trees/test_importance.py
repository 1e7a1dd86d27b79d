"""Importance in Arcene: tuned lasso and CART, bootstrap refits, zero fractions, rho_j."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.trees import fit_tree, importance_stability
from statlab.trees.importance import bootstrap_rows


@pytest.fixture(scope="module")
def arcene() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    train, valid = sl.data.load("arcene"), sl.data.load("arcene", split="valid")
    return train.drop(columns="y"), train["y"], valid.drop(columns="y"), valid["y"]


@pytest.fixture(scope="module")
def python_result(arcene):
    X, y, X_valid, y_valid = arcene
    return importance_stability(
        X, y, X_holdout=X_valid, y_holdout=y_valid, n_draws=20, seed=1, backend="python", n_jobs=2
    )


def test_bootstrap_replicates_refit_at_the_tuned_parameters(arcene, python_result):
    X, y, _, _ = arcene
    result = python_result
    assert result.coefs.shape == (20, 200) and result.importances.shape == (20, 200)
    np.testing.assert_array_equal(result.rows, bootstrap_rows(100, 20, seed=1))
    # replicate 3 again, by hand
    index = result.rows[3]
    tree = fit_tree(
        X.iloc[index], y.iloc[index], cp=result.cp_star, task="classification", backend="python"
    )
    np.testing.assert_allclose(result.importances.iloc[3].to_numpy(), tree.importance().to_numpy())
    path = sl.glmnet(
        X.iloc[index],
        (y.iloc[index] == 1).astype(float),
        family="binomial",
        lambdas=[result.lambda_star],
        backend="python",
    )
    np.testing.assert_allclose(result.coefs.iloc[3].to_numpy(), path.beta[:, 0])


def test_top_features_zero_fractions_and_rho(python_result):
    result = python_result
    assert result.j_lasso == result.lasso_coef.abs().idxmax()
    assert result.j_tree == result.tree.importance().idxmax()
    zeros = result.zero_fraction().set_index("role")
    assert zeros.loc["j_L*", "lasso_zero"] == (result.coefs[result.j_lasso] == 0).mean()
    assert zeros.loc["j_T*", "mdi_zero"] == (result.importances[result.j_tree] == 0).mean()
    rho = result.rho()
    assert rho["group"].value_counts().to_dict() == {
        "lasso: top 25 by mean |beta|": 25,
        "tree: top 10 by mean MDI": 10,
    }
    C = result.correlation().to_numpy()
    j = result.feature_names.index(rho["feature"].iloc[0])
    others = np.delete(np.abs(C[j]), j)
    assert rho["rho"].iloc[0] == pytest.approx(np.median(others))
    assert (
        0.5 <= result.holdout_accuracy["lasso"] <= 1 and 0.5 <= result.holdout_accuracy["tree"] <= 1
    )
    long = result.to_frame()
    assert len(long) == 2 * 20 * 200 and long.groupby("model")["normalized"].apply(
        lambda v: np.abs(v).max()
    ).tolist() == [1.0, 1.0]


def test_mdi_plus_ranks_the_trees_split_feature_first(python_result):
    scores = python_result.mdi_plus()
    assert scores.shape == (200,) and scores.notna().all()
    split_features = {
        python_result.feature_names[j] for j in python_result.tree.tree.feature if j >= 0
    }
    assert scores.idxmax() in split_features


def test_mdi_plus_across_bootstraps(python_result):
    result = python_result
    gains = result.mdi_plus_bootstrap(6, n_jobs=2)
    assert gains.shape == (6, 200) and list(gains.columns) == result.feature_names
    # a feature gains exactly 0 where the refit does not split on it, as its MDI is 0 there; the
    # best-first rebuild for imodels may take another feature at a tied split (p > n has many), so
    # the split features agree in number and mostly in name
    used_mdi_plus = gains.to_numpy() != 0
    used_mdi = result.importances.iloc[:6].to_numpy() > 0
    assert np.abs(used_mdi_plus.sum(axis=1) - used_mdi.sum(axis=1)).max() <= 1
    assert (used_mdi_plus & used_mdi).sum() >= 0.6 * used_mdi.sum()
    assert used_mdi_plus.any(axis=1).all()
    # the same replicates give the same scores whatever the worker count and block split
    one = result.mdi_plus_bootstrap(3, n_jobs=1)
    np.testing.assert_allclose(one.to_numpy(), gains.iloc[:3].to_numpy(), rtol=1e-10)
    # replicate 2 by hand: the refit tree's MDI+ minus the score of a feature it does not use
    from statlab.trees.importance import _mdi_plus

    index = result.rows[2]
    labels = (result.tree.y[index] == result.tree.classes[1]).astype(int)
    tree = fit_tree(
        result.X[index],
        result.tree.y[index],
        cp=result.cp_star,
        task="classification",
        backend="python",
    )
    n_leaves = tree.n_leaves
    scores, split = _mdi_plus(result.X[index], labels, n_leaves, result.tree.settings)
    assert np.ptp(scores[~split]) == 0  # every unused feature shares one baseline score
    np.testing.assert_allclose(
        gains.iloc[2].to_numpy(), np.where(split, scores - scores[~split][0], 0.0), rtol=1e-10
    )
    long = result.to_frame(gains)
    assert set(long["model"]) == {"lasso", "tree", "tree_mdi_plus"}
    assert len(long.query("model == 'tree_mdi_plus'")) == 6 * 200
    figure = result.plot(gains)
    assert list(figure.data["panel"].cat.categories) == [
        "Lasso coefficients",
        "Tree MDI",
        "Tree MDI+",
    ]
    with pytest.raises(ValueError, match="n_draws must be an integer in \\[1, 20\\], got 21"):
        result.mdi_plus_bootstrap(21)
    with pytest.raises(ValueError, match="mdi_plus must be the DataFrame"):
        result.to_frame(gains.iloc[:, :5])


def test_bad_input(arcene):
    X, y, _, _ = arcene
    with pytest.raises(ValueError, match="n_draws must be an integer >= 1"):
        importance_stability(X, y, n_draws=0, backend="python")
    with pytest.raises(ValueError, match="single class"):
        importance_stability(X, np.ones(len(y), dtype=int), backend="python")
    with pytest.raises(ValueError, match="y must have two classes"):
        importance_stability(X, np.arange(len(y)) % 3, backend="python")


@pytest.mark.needs_r
def test_r_and_python_agree_up_to_tied_splits(arcene, python_result):
    X, y, X_valid, y_valid = arcene
    r = importance_stability(
        X, y, X_holdout=X_valid, y_holdout=y_valid, n_draws=20, seed=1, backend="r"
    )
    python = python_result
    assert r.backend == "r"
    # the tuned parameters and the original fits: the binomial engine follows glmnet pass for
    # pass at its default thresh, on the same folds and bootstrap rows, so lambda* and every
    # bootstrap coefficient agree to rounding; the cp is the same
    assert r.lambda_star == pytest.approx(python.lambda_star, rel=1e-12)
    assert r.cp_star == pytest.approx(python.cp_star)
    assert r.j_tree == python.j_tree
    assert r.holdout_accuracy == pytest.approx(python.holdout_accuracy)
    r_coefs, python_coefs = r.coefs.to_numpy(), python.coefs.to_numpy()
    assert r.j_lasso == python.j_lasso
    assert np.abs(r_coefs - python_coefs).max() <= 1e-10 * np.abs(r_coefs).max()
    np.testing.assert_array_equal(r_coefs == 0, python_coefs == 0)
    # trees: each replicate's root split removes the same Gini decrease; where the features
    # differ it is a tie, which rpart and scikit-learn break differently
    X_matrix, labels = X.to_numpy(dtype=float), y.to_numpy()
    same_root = 0
    for index in r.rows:
        fits = [
            fit_tree(X_matrix[index], labels[index], cp=r.cp_star, task="classification", backend=b)
            for b in ("python", "r")
        ]
        assert fits[0].tree.decrease()[0] == pytest.approx(fits[1].tree.decrease()[0], rel=1e-10)
        same_root += fits[0].tree.rules()[:1] == fits[1].tree.rules()[:1]
    assert same_root >= 0.75 * len(r.rows)
    # MDI totals per replicate: the same when the trees are; close in distribution otherwise
    totals = r.importances.sum(axis=1).to_numpy(), python.importances.sum(axis=1).to_numpy()
    assert np.median(totals[0]) == pytest.approx(np.median(totals[1]), rel=0.15)
