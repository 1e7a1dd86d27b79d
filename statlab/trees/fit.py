"""CART trees with rpart's settings, grown by rpart (R) or scikit-learn (Python), the same tree.

The settings correspond one to one: ``max_depth`` = rpart's ``maxdepth`` = scikit-learn's
``max_depth``; ``min_split`` = ``minsplit`` = ``min_samples_split``; ``min_bucket`` = ``minbucket`` =
``min_samples_leaf``; ``cp`` prunes by cost complexity at ``alpha = cp * R(root)``, where R is rpart's
node risk (the residual sum of squares, or the number of misclassified rows). For regression that is
scikit-learn's ``ccp_alpha = cp * var(y)`` with the population variance (scikit-learn's risk is RSS / n).
For classification scikit-learn prunes by Gini impurity while rpart prunes by misclassification, so
statlab grows the scikit-learn tree without pruning and prunes it with rpart's rule itself. Surrogate
and competitor splits are off (they change neither the tree nor the predictions on complete data).

Where two splits reduce the impurity by exactly the same amount, rpart takes the first feature and
scikit-learn the first in a random feature order, so such trees can differ (common when p > n).

Example
-------
>>> import statlab as sl
>>> sine = sl.data.load("sine_boosting")
>>> tree = fit_tree(sine[["X"]], sine["y"], max_depth=2, cp=0, backend="python")
>>> tree.n_leaves, round(float(tree.tree.threshold[0]), 4)
(3, 3.5714)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.trees import _backend_python, _backend_r, _checks, _structure

# re-exported: statlab.trees.importance grows its bootstrap trees with it
from statlab.trees._backend_r import CART
from statlab.trees._structure import TreeStructure

Backend = Literal["auto", "r", "python"]


@dataclass(frozen=True, repr=False)
class TreeResult:
    """A fitted tree: its structure, settings, complexity table and which backend grew it.

    ``cptable`` has rpart's columns ``CP, nsplit, rel_error`` and, after cross-validation,
    ``xerror, xstd``. ``X``/``y`` are the training data (used for partitions and pruning).
    ``seed`` is the seed the cross-validation folds ``foldid`` were drawn from (None when they
    were given, or there was no cross-validation).
    """

    tree: TreeStructure
    feature_names: list[str]
    task: str
    settings: dict[str, Any]
    cptable: pd.DataFrame
    backend: str
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    foldid: np.ndarray | None = None
    seed: int | None = None

    @property
    def n_leaves(self) -> int:
        return self.tree.n_leaves

    @property
    def classes(self) -> np.ndarray | None:
        return self.tree.classes

    def predict(self, X: Any) -> np.ndarray:
        """Leaf means (regression) or majority classes (classification) for the rows of ``X``
        (a DataFrame's columns matched to the fit's by name)."""
        return self.tree.predict(_checks.aligned_design(X, self.feature_names))

    def importance(self, normalize: bool = False) -> pd.Series:
        """Mean decrease in impurity per feature: rpart's ``variable.importance`` without surrogates
        (summed RSS or n x Gini decreases); ``normalize=True`` divides by the total, as
        scikit-learn's ``feature_importances_``."""
        normalize = check.flag(normalize, "normalize")
        values = self.tree.importance(len(self.feature_names))
        if normalize and values.sum() > 0:
            values = values / values.sum()
        return pd.Series(values, index=self.feature_names, name="importance")

    def prune(self, cp: float) -> TreeResult:
        """The tree pruned at a larger ``cp`` (rpart's ``prune``)."""
        cp = _checks.non_negative(cp, "cp")
        pruned = _structure.prune(self.tree, cp * self.tree.risk[0])
        settings = {**self.settings, "cp": cp}
        table = self.cptable[self.cptable["CP"] >= cp * (1 - 1e-9)].reset_index(drop=True)
        return replace(self, tree=pruned, settings=settings, cptable=table)

    def best_cp(self, rule: Literal["min", "1se"] = "min") -> float:
        """The cp of the cross-validated complexity table's row with the smallest ``xerror``
        (``"min"``), or of the smallest tree within one ``xstd`` of it (``"1se"``)."""
        if "xerror" not in self.cptable:
            raise check.InvalidArgumentError(
                "best_cp needs cross-validation: fit with nfolds= or foldid="
            )
        if rule not in ("min", "1se"):
            raise check.InvalidArgumentError(f"rule must be 'min' or '1se', got {rule!r}")
        table = self.cptable
        best = int(np.argmin(table["xerror"].to_numpy()))
        if rule == "1se":
            bound = table["xerror"].iloc[best] + table["xstd"].iloc[best]
            best = int(np.flatnonzero(table["xerror"].to_numpy() <= bound)[0])
        return float(table["CP"].iloc[best])

    def to_frame(self) -> pd.DataFrame:
        """One row per node in preorder: ``node, depth, feature, threshold, n, value, risk, leaf``
        (classification: the predicted class as ``value``)."""
        tree = self.tree
        value = tree.value if tree.classes is None else tree.classes[np.argmax(tree.value, axis=1)]
        names = np.asarray(self.feature_names, dtype=object)
        return pd.DataFrame(
            {
                "node": np.arange(len(tree.feature)),
                "depth": tree.depth,
                "feature": np.where(tree.is_leaf, None, names[np.maximum(tree.feature, 0)]),
                "threshold": tree.threshold,
                "n": tree.n,
                "value": value,
                "risk": tree.risk,
                "leaf": tree.is_leaf,
            }
        )

    def summary(self) -> pd.DataFrame:
        """One row: backend, task, leaves, depth, training error (MSE or misclassification rate)."""
        fitted = self.tree.predict(self.X)
        if self.task == "regression":
            error = float(np.mean((self.y - fitted) ** 2))
        else:
            error = float(np.mean(fitted != self.y))
        return pd.DataFrame(
            {
                "backend": [self.backend],
                "task": [self.task],
                "n": [len(self.y)],
                "leaves": [self.n_leaves],
                "depth": [int(self.tree.depth.max())],
                "cp": [self.settings["cp"]],
                "training_error": [error],
            }
        )

    def partition(self, lower: Any = None, upper: Any = None) -> pd.DataFrame:
        """The leaves as axis-aligned boxes: one row per leaf with ``<feature>_min``/``_max`` for
        every feature (the box ``[min, max)``), ``leaf``, ``value`` and ``n``. The outer box is the
        training data's range unless ``lower``/``upper`` are given."""
        from statlab.trees.partition import tree_rectangles

        return tree_rectangles(self, lower=lower, upper=upper)

    def plot(self) -> Any:
        """The tree drawn as a diagram (plotnine)."""
        from statlab.plots.trees import plot_tree

        return plot_tree(self)

    def plot_partition(self, features: tuple[str, str] | None = None) -> Any:
        """For a tree on two features, its partition of the plane with the training points."""
        from statlab.plots.trees import plot_partition

        return plot_partition(self, features=features)

    def __repr__(self) -> str:
        lines = [
            f"TreeResult ({self.task}, backend {self.backend!r}): {self.n_leaves} leaves, "
            f"n = {len(self.y)}, cp = {self.settings['cp']:g}",
            "node), split, n, risk, value  (* leaf)",
        ]
        frame = self.to_frame()
        for i, row in frame.iterrows():
            parent = _parent_condition(self.tree, i, self.feature_names)
            value = f"{row['value']:.4g}" if self.task == "regression" else str(row["value"])
            lines.append(
                f"{'  ' * int(row['depth'])}{i}) {parent} {row['n']} {row['risk']:.4g} {value}"
                + (" *" if row["leaf"] else "")
            )
        return "\n".join(lines)


def fit_tree(
    X: Any,
    y: Any,
    *,
    max_depth: int = 30,
    cp: float = 0.01,
    min_split: int = 20,
    min_bucket: int | None = None,
    task: Literal["auto", "regression", "classification"] = "auto",
    nfolds: int | None = None,
    foldid: Any = None,
    seed: int | None = None,
    backend: Backend = "auto",
) -> TreeResult:
    """Fit a CART tree with rpart's settings (defaults as ``rpart.control``; ``min_bucket``
    defaults to ``round(min_split / 3)``).

    ``nfolds`` or ``foldid`` (1-based fold labels, shared by both backends) add rpart's
    cross-validated ``xerror``/``xstd`` to ``cptable``; pick a cp with :meth:`TreeResult.best_cp`
    and :meth:`TreeResult.prune`. Folds drawn for ``nfolds`` come from ``seed`` (None: a fresh
    seed, recorded in the result's ``seed``).

    >>> import statlab as sl
    >>> sine = sl.data.load("sine_boosting")
    >>> fit_tree(sine[["X"]], sine["y"], cp=0.05, backend="python").n_leaves
    4
    """
    matrix, names = _checks.design(X)
    target, task_name, classes = _checks.response(y, matrix.shape[0], task)
    seed = check.seed(seed)
    max_depth = _checks.positive_int(max_depth, "max_depth")
    if max_depth > 30:
        raise check.InvalidArgumentError(
            f"max_depth must be at most 30 (rpart's limit), got {max_depth}"
        )
    cp = _checks.non_negative(cp, "cp")
    min_split = _checks.positive_int(min_split, "min_split", minimum=2)
    min_bucket = (
        max(round(min_split / 3), 1)
        if min_bucket is None
        else _checks.positive_int(min_bucket, "min_bucket")
    )
    folds = None
    if nfolds is not None or foldid is not None:
        if foldid is None:
            seed = resolved_seed(seed)
        folds = _checks.fold_ids(foldid, 10 if nfolds is None else nfolds, matrix.shape[0], seed)
    settings = {"max_depth": max_depth, "cp": cp, "min_split": min_split, "min_bucket": min_bucket}
    ran = _rbridge.resolve_backend(backend, CART)
    engine = _backend_r if ran == "r" else _backend_python
    tree, cptable = engine.grow_tree(matrix, target, classes, settings, folds)
    return TreeResult(
        tree=tree,
        feature_names=names,
        task=task_name,
        settings=settings,
        cptable=cptable,
        backend=ran,
        X=matrix,
        y=target,
        foldid=folds,
        seed=seed if folds is not None and foldid is None else None,
    )


def _parent_condition(tree: TreeStructure, node: int, names: list[str]) -> str:
    if node == 0:
        return "root"
    parent = int(np.flatnonzero((tree.left == node) | (tree.right == node))[0])
    sign = "<" if tree.left[parent] == node else ">="
    return f"{names[tree.feature[parent]]} {sign} {tree.threshold[parent]:.4g}"
