"""Random forests with randomForest's permutation importance, in R and Python.

R runs ``randomForest`` (``importance = TRUE``). Python runs scikit-learn's forest with the
corresponding settings (``max_features = mtry``, bootstrap samples of n rows, ``min_samples_split =
nodesize + 1``: randomForest splits a node only while it holds more than ``nodesize`` rows) and adds
the **out-of-bag permutation importance** scikit-learn lacks, written here with randomForest's
definition: for each tree, the increase in its out-of-bag error (MSE, or misclassification rate)
when one feature is permuted among that tree's out-of-bag rows; the raw importance is the mean
increase over trees, ``sd`` its standard error ``sqrt((mean(d^2) - mean(d)^2) / ntree)``, and the
scaled importance (``%IncMSE`` / ``MeanDecreaseAccuracy``) raw / sd. scikit-learn's
``permutation_importance`` permutes a held-out set through the whole forest, a different quantity.

A tree's predictions change only where it splits on the permuted feature, so only the features a
tree uses are permuted (the others add an exact zero). The two backends use different random
numbers, so their importances agree statistically, not digit for digit.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(200, 5)); y = 2 * X[:, 0] + X[:, 1] + rng.normal(size=200)
>>> forest = random_forest(X, y, n_trees=100, seed=1, backend="python")
>>> forest.importance().sort_values("importance", ascending=False).index[:2].tolist()
['V1', 'V2']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab._progress import progress_bar
from statlab._replicates import map_replicates
from statlab.trees import _checks
from statlab.trees._backend_r import FOREST

Backend = Literal["auto", "r", "python"]


@dataclass(frozen=True, repr=False)
class ForestResult:
    """A fitted forest's importances, out-of-bag predictions and (if asked) test predictions."""

    feature_names: list[str]
    task: str
    raw: np.ndarray
    sd: np.ndarray
    mdi: np.ndarray
    oob_prediction: np.ndarray
    test_prediction: np.ndarray | None
    y: np.ndarray
    mtry: int
    n_trees: int
    backend: str

    def importance(self) -> pd.DataFrame:
        """Per feature: ``importance`` (scaled: raw / sd, randomForest's ``%IncMSE`` or
        ``MeanDecreaseAccuracy``), ``raw`` (mean increase in OOB error), ``sd`` and ``mdi``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(self.sd > 0, self.raw / self.sd, 0.0)
        return pd.DataFrame(
            {"importance": scaled, "raw": self.raw, "sd": self.sd, "mdi": self.mdi},
            index=pd.Index(self.feature_names, name="feature"),
        )

    def oob_error(self) -> float:
        """Out-of-bag MSE (regression) or misclassification rate."""
        if self.task == "regression":
            return float(np.mean((self.y - self.oob_prediction) ** 2))
        return float(np.mean(self.y != self.oob_prediction))

    def to_frame(self) -> pd.DataFrame:
        """The importance table with the feature as a column, by decreasing importance."""
        return self.importance().sort_values("importance", ascending=False).reset_index()

    def summary(self) -> pd.DataFrame:
        """One row: backend, trees, mtry and the OOB error."""
        return pd.DataFrame(
            {
                "backend": [self.backend],
                "n_trees": [self.n_trees],
                "mtry": [self.mtry],
                "oob_error": [self.oob_error()],
            }
        )

    def plot(self, top: int = 20) -> Any:
        """The ``top`` features by permutation importance."""
        from statlab.plots.trees import plot_forest_importance

        return plot_forest_importance(self.to_frame().head(top))

    def __repr__(self) -> str:
        top = self.to_frame().head(5)["feature"].tolist()
        return (
            f"ForestResult ({self.task}, backend {self.backend!r}): {self.n_trees} trees, mtry "
            f"{self.mtry}, OOB error {self.oob_error():.4g}; top features {top}"
        )


def random_forest(
    X: Any,
    y: Any,
    *,
    n_trees: int = 500,
    mtry: int | None = None,
    node_size: int | None = None,
    X_test: Any = None,
    task: Literal["auto", "regression", "classification"] = "auto",
    seed: int = 0,
    backend: Backend = "auto",
    n_jobs: int = 1,
) -> ForestResult:
    """A random forest with randomForest's defaults (``mtry = floor(p / 3)`` for regression,
    ``floor(sqrt(p))`` for classification; ``node_size`` 5 / 1) and its permutation importance.

    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(60, 4)); y = X[:, 0]
    >>> random_forest(X, y, n_trees=20, mtry=5, backend="python")
    Traceback (most recent call last):
    ...
    statlab._validation.InvalidArgumentError: mtry must be between 1 and the number of features (4), got 5
    """
    matrix, names = _checks.design(X)
    target, task_name, classes = _checks.response(y, matrix.shape[0], task)
    seed, n_jobs = _seed_and_jobs(seed, n_jobs)
    settings = _forest_settings(matrix.shape[1], task_name, n_trees, mtry, node_size)
    test = None
    if X_test is not None:
        test = _checks.aligned_design(X_test, names, "X_test")
    ran = _rbridge.resolve_backend(backend, FOREST)
    if ran == "r":
        return _forest_r(matrix, target, names, task_name, classes, settings, test, seed)
    return _forest_python(matrix, target, names, task_name, settings, test, seed, n_jobs)


def tune_mtry(
    X: Any,
    y: Any,
    *,
    mtry_grid: Any = None,
    nfolds: int = 5,
    foldid: Any = None,
    n_trees: int = 500,
    node_size: int | None = None,
    task: Literal["auto", "regression", "classification"] = "auto",
    seed: int = 0,
    backend: Backend = "auto",
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """K-fold cross-validation of ``mtry``: per grid value the mean over folds of the held-out MSE
    (or misclassification rate), its standard error and ``rmse`` (sqrt of the mean MSE). The folds
    (``foldid``, or drawn from ``seed``) are shared by both backends. ``.attrs["best"]`` is the
    mtry with the smallest error.

    The default grid is 5 values from 1 to p spaced evenly on the log scale. ``progress=True``
    shows a bar over the fold x mtry fits (the R backend runs them in one call, so its bar moves
    once).

    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(60, 4)); y = X[:, 0]
    >>> tune_mtry(X, y, mtry_grid=[1, 4], n_trees=20, backend="python").attrs["best"]
    4
    """
    matrix, _ = _checks.design(X)
    target, task_name, classes = _checks.response(y, matrix.shape[0], task)
    seed, n_jobs = _seed_and_jobs(seed, n_jobs)
    progress = check.flag(progress, "progress")
    grid = _mtry_grid(mtry_grid, matrix.shape[1])
    settings = _forest_settings(matrix.shape[1], task_name, n_trees, int(grid[0]), node_size)
    folds = _checks.fold_ids(foldid, nfolds, matrix.shape[0], seed)
    ran = _rbridge.resolve_backend(backend, FOREST)
    with progress_bar(len(np.unique(folds)) * len(grid), "mtry CV fits", progress) as bar:
        return _cv_mtry(matrix, target, classes, grid, settings, folds, seed, ran, n_jobs, bar)


def _cv_mtry(
    matrix: np.ndarray,
    target: np.ndarray,
    classes: np.ndarray | None,
    grid: np.ndarray,
    settings: dict[str, int],
    folds: np.ndarray,
    seed: int,
    ran: str,
    n_jobs: int,
    bar: Any,
) -> pd.DataFrame:
    """The CV table of :func:`tune_mtry` for checked arguments; ``bar`` advances per fit."""
    task_name = "regression" if classes is None else "classification"
    if ran == "r":
        _rbridge.require(FOREST)
        codes = target if classes is None else np.searchsorted(classes, target).astype(np.int64)
        errors = np.asarray(
            _rbridge.call(
                "rf_cv_mtry",
                matrix,
                codes,
                folds,
                grid.astype(np.int64),
                classification=classes is not None,
                ntree=settings["n_trees"],
                nodesize=settings["node_size"],
                seed=seed,
            ),
            dtype=np.float64,
        ).reshape(len(np.unique(folds)), len(grid))
        bar.update(errors.size)
    else:
        errors = np.zeros((len(np.unique(folds)), len(grid)))
        for k, fold in enumerate(np.unique(folds)):
            held_out = folds == fold
            for m, mtry in enumerate(grid):
                estimator = _sklearn_forest(
                    {**settings, "mtry": int(mtry)}, task_name, seed + 1000 * k + m, n_jobs
                )
                estimator.fit(matrix[~held_out], target[~held_out])
                predicted = _predict_in_order(estimator, matrix[held_out])
                errors[k, m] = (
                    np.mean((target[held_out] - predicted) ** 2)
                    if task_name == "regression"
                    else np.mean(predicted != target[held_out])
                )
                bar.update(1)
    table = pd.DataFrame(
        {
            "mtry": grid,
            "cv_error": errors.mean(axis=0),
            "cv_se": errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0]),
        }
    )
    if task_name == "regression":
        table["rmse"] = np.sqrt(table["cv_error"])
    table.attrs["best"] = int(table["mtry"].iloc[int(np.argmin(table["cv_error"].to_numpy()))])
    table.attrs["backend"] = ran
    return table


def oob_permutation_importance(
    estimator: Any, X: np.ndarray, y: np.ndarray, seed: int = 0, n_jobs: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """randomForest's permutation importance for a fitted scikit-learn forest: per feature the mean
    over trees of the increase in the tree's OOB error after permuting the feature among its OOB
    rows, and the standard error of that mean. Returns ``(raw, sd)``.

    Tree t permutes with the t-th child of ``SeedSequence(seed)``, so the result does not depend on
    ``n_jobs`` (joblib threads sharing the trees)."""
    n_trees = len(estimator.estimators_)
    tree_deltas = partial(
        _tree_deltas,
        list(estimator.estimators_),
        list(estimator.estimators_samples_),  # a property that redraws every index set
        getattr(estimator, "classes_", None),
        np.ascontiguousarray(X, dtype=np.float32),
        y,
    )
    deltas = np.vstack(
        map_replicates(
            tree_deltas,
            n_trees,
            seed=seed,
            n_jobs=n_jobs,
            prefer="threads",
            description="permutation importance",
            unit="tree",
        )
    )
    raw = deltas.mean(axis=0)
    sd = np.sqrt(np.maximum((deltas**2).mean(axis=0) - raw**2, 0.0) / n_trees)
    return raw, sd


def _tree_deltas(
    trees: list[Any],
    samples: list[np.ndarray],
    classes: np.ndarray | None,
    X32: np.ndarray,
    y: np.ndarray,
    tree_index: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Per feature, the increase in tree ``tree_index``'s OOB error after permuting the feature
    (with ``rng``) among its OOB rows of ``X32`` (float32)."""
    n, p = X32.shape
    tree = trees[tree_index]
    deltas = np.zeros(p)
    out_of_bag = np.setdiff1d(np.arange(n), samples[tree_index])
    if len(out_of_bag) == 0:
        return deltas
    rows = X32[out_of_bag]
    target = y[out_of_bag]
    base = _tree_error(tree, rows, target, classes)
    for j in np.unique(tree.tree_.feature[tree.tree_.feature >= 0]):
        permuted = rows.copy()
        permuted[:, j] = rows[rng.permutation(len(out_of_bag)), j]
        deltas[j] = _tree_error(tree, permuted, target, classes) - base
    return deltas


def _tree_error(
    tree: Any, rows: np.ndarray, target: np.ndarray, classes: np.ndarray | None
) -> float:
    values = _leaf_values(tree, rows)
    if classes is not None:
        predicted = classes[np.argmax(values, axis=1)]
        return float(np.mean(predicted != target))
    return float(np.mean((target - values[:, 0]) ** 2))


def _leaf_values(tree: Any, rows: np.ndarray) -> np.ndarray:
    """A scikit-learn tree's leaf values for float32 rows, one row per input row (the mean, or the
    class proportions), without the estimator's input checks."""
    return tree.tree_.predict(rows).reshape(len(rows), -1)


def _seed_and_jobs(seed: Any, n_jobs: Any) -> tuple[int, int]:
    """A seed (None draws one) and a joblib worker count (None means 1)."""
    chosen = check.seed(seed)
    jobs = check.n_jobs(n_jobs)
    return (
        int(np.random.SeedSequence().generate_state(1)[0]) if chosen is None else chosen,
        1 if jobs is None else jobs,
    )


def _forest_settings(p: int, task: str, n_trees: Any, mtry: Any, node_size: Any) -> dict[str, int]:
    n_trees = _checks.positive_int(n_trees, "n_trees")
    default_mtry = max(p // 3, 1) if task == "regression" else max(int(np.sqrt(p)), 1)
    mtry = default_mtry if mtry is None else mtry
    if isinstance(mtry, bool) or not isinstance(mtry, int | np.integer) or not 1 <= mtry <= p:
        raise check.InvalidArgumentError(
            f"mtry must be between 1 and the number of features ({p}), got {mtry!r}"
        )
    node_size = (5 if task == "regression" else 1) if node_size is None else node_size
    node_size = _checks.positive_int(node_size, "node_size")
    return {"n_trees": n_trees, "mtry": int(mtry), "node_size": node_size}


def _mtry_grid(mtry_grid: Any, p: int) -> np.ndarray:
    if mtry_grid is None:
        return np.unique(np.round(np.geomspace(1, p, 5)).astype(np.int64))
    grid = np.atleast_1d(np.asarray(mtry_grid))
    if grid.dtype.kind not in "iu" or grid.size == 0 or grid.min() < 1 or grid.max() > p:
        raise check.InvalidArgumentError(
            f"mtry_grid must hold integers between 1 and the number of features ({p}), "
            f"got {mtry_grid!r}"
        )
    return np.unique(grid.astype(np.int64))


def _sklearn_forest(settings: dict[str, int], task: str, seed: int, n_jobs: int) -> Any:
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


def _predict_in_order(estimator: Any, X: np.ndarray) -> np.ndarray:
    """A fitted forest's predictions, the trees' outputs added in tree order. With threads
    (``n_jobs > 1``) scikit-learn adds them in the order the threads finish, which can change the
    last digit from run to run; one thread keeps a seeded result identical."""
    return estimator.set_params(n_jobs=1).predict(X)


def _forest_python(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    task: str,
    settings: dict[str, int],
    X_test: np.ndarray | None,
    seed: int,
    n_jobs: int,
) -> ForestResult:
    estimator = _sklearn_forest(settings, task, seed, n_jobs).fit(X, y)
    raw, sd = oob_permutation_importance(estimator, X, y, seed, n_jobs)
    mdi = _mdi(estimator, task, X.shape[0])
    oob = _oob_prediction(estimator, X, task)
    return ForestResult(
        feature_names=names,
        task=task,
        raw=raw,
        sd=sd,
        mdi=mdi,
        oob_prediction=oob,
        test_prediction=None if X_test is None else _predict_in_order(estimator, X_test),
        y=y,
        mtry=settings["mtry"],
        n_trees=settings["n_trees"],
        backend="python",
    )


def _mdi(estimator: Any, task: str, n: int) -> np.ndarray:
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


def _forest_r(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    task: str,
    classes: np.ndarray | None,
    settings: dict[str, int],
    X_test: np.ndarray | None,
    seed: int,
) -> ForestResult:
    _rbridge.require(FOREST)
    codes = y if classes is None else np.searchsorted(classes, y).astype(np.int64)
    out = _rbridge.call(
        "rf_fit",
        X,
        codes,
        classification=classes is not None,
        ntree=settings["n_trees"],
        mtry=settings["mtry"],
        nodesize=settings["node_size"],
        seed=seed,
        x_test=X_test,
    )

    def labels(values: Any) -> np.ndarray:
        array = np.asarray(values)
        return array.astype(np.float64) if classes is None else classes[array.astype(np.int64)]

    return ForestResult(
        feature_names=names,
        task=task,
        raw=np.asarray(out["raw"], dtype=np.float64),
        sd=np.asarray(out["sd"], dtype=np.float64),
        mdi=np.asarray(out["mdi"], dtype=np.float64),
        oob_prediction=labels(out["oob"]),
        test_prediction=None if X_test is None else labels(out["test"]),
        y=y,
        mtry=settings["mtry"],
        n_trees=settings["n_trees"],
        backend="r",
    )
