"""The Python tree backend: scikit-learn's trees and forests with rpart's and randomForest's
settings, statlab's glmnet engine for the importance refits, plus what scikit-learn lacks (rpart's pruning rule, complexity table and
cross-validation; randomForest's out-of-bag permutation importance, in
:func:`statlab.trees.forest.oob_permutation_importance`). Each function has the signature and
result type of its namesake in ``_backend_r``."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from statlab._replicates import map_replicates
from statlab.trees import _structure
from statlab.trees._arrays import ForestArrays
from statlab.trees._structure import TreeStructure


def grow_tree(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, Any],
    folds: np.ndarray | None,
) -> tuple[TreeStructure, pd.DataFrame]:
    """The tree pruned at ``settings["cp"]`` and rpart's complexity table, cross-validated over
    ``folds`` (1-based labels) when given."""
    tree = grow_python(X, y, classes, settings)
    cptable = complexity_table(tree, settings["cp"])
    if folds is not None:
        cptable = cross_validate(X, y, classes, settings, folds, cptable)
    return tree, cptable


def grow_python(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, Any],
    alpha: float | None = None,
) -> TreeStructure:
    """scikit-learn's tree with rpart's size limits, pruned by rpart's rule at ``cp`` (or at
    ``alpha`` in risk units when given)."""
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    options = {
        "max_depth": settings["max_depth"],
        "min_samples_split": settings["min_split"],
        "min_samples_leaf": settings["min_bucket"],
        "random_state": 0,
    }
    estimator = (
        DecisionTreeRegressor(**options) if classes is None else DecisionTreeClassifier(**options)
    )
    estimator.fit(X, y)
    full = _structure.from_sklearn(estimator, X, y)
    return _structure.prune(full, settings["cp"] * full.risk[0] if alpha is None else alpha)


def complexity_table(tree: TreeStructure, cp: float) -> pd.DataFrame:
    """rpart's ``cptable`` of a tree pruned at ``cp``: per nested subtree (root first) the smallest
    cp at which it is optimal, its number of splits and its risk relative to the root's."""
    sequence = _structure.weakest_link_sequence(tree)
    rows = []
    for i, (alpha, splits) in enumerate(sequence):
        leaf_risk, _ = _structure.subtree_risk(tree, splits)
        rows.append(
            {
                "CP": cp if i == 0 else alpha / tree.risk[0],
                "nsplit": int(splits.sum()),
                "rel_error": leaf_risk[0] / tree.risk[0],
            }
        )
    return pd.DataFrame(rows[::-1]).reset_index(drop=True)


def cross_validate(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, Any],
    folds: np.ndarray,
    cptable: pd.DataFrame,
) -> pd.DataFrame:
    """rpart's cross-validation of the complexity table: each fold's tree is grown on the other
    folds and pruned at the geometric means of successive table cps; ``xerror`` is the held-out
    loss summed over all rows relative to the root risk, ``xstd`` its standard error.

    As in rpart's ``xval.c``, cps are turned into risk units with the full data's root risk times
    the share of rows a fold's tree is grown on (not with that tree's own root risk)."""
    cps = cptable["CP"].to_numpy()
    midpoints = np.sqrt(cps * np.concatenate([[np.inf], cps[:-1]]))
    losses = np.zeros((len(y), len(cps)))
    root_risk = _root_risk(y, classes)
    for fold in np.unique(folds):
        held_out = folds == fold
        scale = root_risk * (~held_out).sum() / len(y)
        grown = grow_python(
            X[~held_out], y[~held_out], classes, settings, alpha=settings["cp"] * scale
        )
        for k, cp in enumerate(midpoints):
            pruned = _structure.prune(grown, cp * scale)
            predicted = pruned.predict(X[held_out])
            if classes is None:
                losses[held_out, k] = (y[held_out] - predicted) ** 2
            else:
                losses[held_out, k] = predicted != y[held_out]
    n = len(y)
    total = losses.sum(axis=0)
    spread = np.sqrt(np.maximum((losses**2).sum(axis=0) - total**2 / n, 0.0))
    return cptable.assign(xerror=total / root_risk, xstd=spread / root_risk)


def random_forest(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, int],
    X_test: np.ndarray | None,
    seed: int,
    n_jobs: int,
) -> ForestArrays:
    """scikit-learn's forest with randomForest's settings and randomForest's out-of-bag
    permutation importance; ``n_jobs`` threads, the result independent of their number."""
    from statlab.trees.forest import oob_permutation_importance

    estimator = sklearn_forest(settings, _task(classes), seed, n_jobs).fit(X, y)
    raw, sd = oob_permutation_importance(estimator, X, y, seed=seed, n_jobs=n_jobs)
    return ForestArrays(
        raw=raw,
        sd=sd,
        mdi=_mdi(estimator),
        oob_prediction=_oob_prediction(estimator, X, _task(classes)),
        test_prediction=None if X_test is None else _predict_in_order(estimator, X_test),
    )


def cv_mtry_errors(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    grid: np.ndarray,
    settings: dict[str, int],
    folds: np.ndarray,
    seed: int,
    n_jobs: int,
    bar: Any,
) -> np.ndarray:
    """The held-out MSE (or misclassification rate) of a forest per fold (rows, in the order of
    the sorted fold labels) and ``mtry`` of ``grid`` (columns); ``bar`` advances per fit. Fold k's
    forest with the m-th mtry is seeded ``seed + 1000 k + m``."""
    task = _task(classes)
    errors = np.zeros((len(np.unique(folds)), len(grid)))
    for k, fold in enumerate(np.unique(folds)):
        held_out = folds == fold
        for m, mtry in enumerate(grid):
            estimator = sklearn_forest(
                {**settings, "mtry": int(mtry)}, task, seed + 1000 * k + m, n_jobs
            )
            estimator.fit(X[~held_out], y[~held_out])
            predicted = _predict_in_order(estimator, X[held_out])
            errors[k, m] = (
                np.mean((y[held_out] - predicted) ** 2)
                if task == "regression"
                else np.mean(predicted != y[held_out])
            )
            bar.update(1)
    return errors


def sklearn_forest(settings: dict[str, int], task: str, seed: int, n_jobs: int) -> Any:
    """An unfitted scikit-learn forest with randomForest's settings: ``max_features = mtry``,
    bootstrap samples of n rows, ``min_samples_split = node_size + 1`` (randomForest splits a node
    only while it holds more than ``node_size`` rows)."""
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    options = {
        "n_estimators": settings["n_trees"],
        "max_features": settings["mtry"],
        "min_samples_split": settings["node_size"] + 1,
        "bootstrap": True,
        "random_state": seed,
        "n_jobs": n_jobs,
    }
    return (
        RandomForestRegressor(**options)
        if task == "regression"
        else RandomForestClassifier(**options)
    )


def _task(classes: np.ndarray | None) -> str:
    return "regression" if classes is None else "classification"


def _root_risk(y: np.ndarray, classes: np.ndarray | None) -> float:
    if classes is None:
        return float(((y - y.mean()) ** 2).sum())
    counts = np.unique(y, return_counts=True)[1]
    return float(len(y) - counts.max())


def _predict_in_order(estimator: Any, X: np.ndarray) -> np.ndarray:
    """A fitted forest's predictions, the trees' outputs added in tree order. With threads
    (``n_jobs > 1``) scikit-learn adds them in the order the threads finish, which can change the
    last digit from run to run; one thread keeps a seeded result identical."""
    return estimator.set_params(n_jobs=1).predict(X)


def _mdi(estimator: Any) -> np.ndarray:
    """Summed impurity decreases over trees, divided by the number of trees (randomForest's
    ``IncNodePurity`` / ``MeanDecreaseGini`` scale: RSS or n x Gini, per tree)."""
    total = np.zeros(estimator.n_features_in_)
    for tree in estimator.estimators_:
        structure = tree.tree_
        internal = structure.children_left >= 0
        weighted = structure.weighted_n_node_samples * structure.impurity
        left, right = structure.children_left[internal], structure.children_right[internal]
        decrease = weighted[internal] - weighted[left] - weighted[right]
        total += np.bincount(structure.feature[internal], weights=decrease, minlength=len(total))
    return total / len(estimator.estimators_)


def _oob_prediction(estimator: Any, X: np.ndarray, task: str) -> np.ndarray:
    from statlab.trees.forest import _leaf_values

    n = X.shape[0]
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    if task == "regression":
        sums, counts = np.zeros(n), np.zeros(n)
        for tree, drawn in zip(estimator.estimators_, estimator.estimators_samples_, strict=True):
            rows = np.setdiff1d(np.arange(n), drawn)
            sums[rows] += _leaf_values(tree, X32[rows])[:, 0]
            counts[rows] += 1
        with np.errstate(invalid="ignore"):
            return sums / counts
    votes = np.zeros((n, len(estimator.classes_)))
    for tree, drawn in zip(estimator.estimators_, estimator.estimators_samples_, strict=True):
        rows = np.setdiff1d(np.arange(n), drawn)
        winners = np.argmax(_leaf_values(tree, X32[rows]), axis=1)
        votes[rows, winners] += 1
    return estimator.classes_[np.argmax(votes, axis=1)]


def bootstrap_refits(
    X: np.ndarray,
    codes: np.ndarray,
    rows: np.ndarray,
    lambda_star: float,
    settings: dict[str, Any],
    *,
    seed: int,
    n_jobs: int | None,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Per bootstrap sample (a row of ``rows``): the binomial lasso's coefficients at
    ``lambda_star`` and the MDI of the tree grown with ``settings`` (cp, min_split, min_bucket),
    both fitted on ``X[rows[b]]`` and the 0/1 ``codes``. ``seed`` drew ``rows``; the refits run in
    ``n_jobs`` joblib workers (the numba glmnet kernel holds the GIL; its compiled code is cached
    on disk, so workers load rather than recompile it).

    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3)); codes = (X[:, 0] > 0).astype(np.int64)
    >>> settings = {"cp": 0.01, "min_split": 6, "min_bucket": 2}
    >>> coefs, mdi = bootstrap_refits(X, codes, rng.integers(0, 40, (2, 40)), 0.05, settings,
    ...                               seed=0, n_jobs=1, progress=False)
    >>> coefs.shape, bool(mdi[:, 0].min() > 0)
    ((2, 3), True)
    """
    refits = map_replicates(
        partial(_refit, X, codes, rows, lambda_star, settings),
        len(rows),
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
        description="bootstrap refits (lasso + CART)",
    )
    coefs, importances = zip(*refits, strict=True)
    return np.vstack(coefs), np.vstack(importances)


def _refit(
    X: np.ndarray,
    codes: np.ndarray,
    rows: np.ndarray,
    lambda_star: float,
    settings: dict[str, Any],
    replicate: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Replicate ``replicate``'s lasso coefficients and tree MDI (its rows were drawn beforehand,
    for both backends, so ``rng`` is not used)."""
    from statlab.glmnet import glmnet

    index = rows[replicate]
    path = glmnet(
        X[index],
        codes[index].astype(np.float64),
        family="binomial",
        lambdas=[lambda_star],
        backend="python",
    )
    tree = grow_python(
        X[index],
        codes[index],
        np.array([0, 1]),
        {
            "max_depth": 30,
            "min_split": settings["min_split"],
            "min_bucket": settings["min_bucket"],
            "cp": settings["cp"],
        },
    )
    return path.beta[:, 0], tree.importance(X.shape[1])
