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
from types import ModuleType
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab._progress import progress_bar
from statlab._random import resolved_seed
from statlab._replicates import map_replicates
from statlab.trees import _backend_python, _backend_r, _checks
from statlab.trees._backend_r import FOREST

Backend = Literal["auto", "r", "python"]


@dataclass(frozen=True, repr=False)
class ForestResult:
    """A fitted forest's importances, out-of-bag predictions and (if asked) test predictions;
    ``seed`` is the seed it was grown with (drawn afresh when the call gave None)."""

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
    seed: int
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
    seed: int | None = None,
    backend: Backend = "auto",
    n_jobs: int | None = None,
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
    fitted = _engine(ran).random_forest(matrix, target, classes, settings, test, seed, n_jobs)
    return ForestResult(
        feature_names=names,
        task=task_name,
        raw=fitted.raw,
        sd=fitted.sd,
        mdi=fitted.mdi,
        oob_prediction=fitted.oob_prediction,
        test_prediction=fitted.test_prediction,
        y=target,
        mtry=settings["mtry"],
        n_trees=settings["n_trees"],
        seed=seed,
        backend=ran,
    )


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
    seed: int | None = None,
    backend: Backend = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """K-fold cross-validation of ``mtry``: per grid value the mean over folds of the held-out MSE
    (or misclassification rate), its standard error and ``rmse`` (sqrt of the mean MSE). The folds
    (``foldid``, or drawn from ``seed``) are shared by both backends. ``.attrs["best"]`` is the
    mtry with the smallest error; ``.attrs["seed"]`` the seed used (fresh when ``seed`` is None).

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
    errors = _engine(ran).cv_mtry_errors(
        matrix, target, classes, grid, settings, folds, seed, n_jobs, bar
    )
    table = pd.DataFrame(
        {
            "mtry": grid,
            "cv_error": errors.mean(axis=0),
            "cv_se": errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0]),
        }
    )
    if classes is None:
        table["rmse"] = np.sqrt(table["cv_error"])
    table.attrs["best"] = int(table["mtry"].iloc[int(np.argmin(table["cv_error"].to_numpy()))])
    table.attrs["backend"] = ran
    table.attrs["seed"] = seed
    return table


def oob_permutation_importance(
    estimator: Any, X: np.ndarray, y: np.ndarray, seed: int | None = None, n_jobs: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """randomForest's permutation importance for a fitted scikit-learn forest: per feature the mean
    over trees of the increase in the tree's OOB error after permuting the feature among its OOB
    rows, and the standard error of that mean. Returns ``(raw, sd)``.

    Tree t permutes with the t-th child of ``SeedSequence(seed)``, so the result does not depend on
    ``n_jobs`` (joblib threads sharing the trees). ``seed=None`` draws a fresh seed, which the
    returned arrays cannot record: pass a seed to be able to repeat the permutations."""
    seed = resolved_seed(seed)
    n_jobs = check.n_jobs(n_jobs)
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


def _engine(ran: str) -> ModuleType:
    """The backend module that runs a resolved backend's computations."""
    return _backend_r if ran == "r" else _backend_python


def _seed_and_jobs(seed: Any, n_jobs: Any) -> tuple[int, int]:
    """A seed (None draws a fresh one) and a joblib worker count (None: the active
    ``joblib.parallel_config``'s, else 1)."""
    return resolved_seed(seed), check.worker_count(n_jobs)


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
