"""One representation of a fitted binary tree, whichever library grew it.

rpart and scikit-learn store trees differently (rpart: node numbers 1, 2, 3, ... with the child order
chosen per split; scikit-learn: ids in growth order, ``x <= t`` to the left, thresholds computed in
float32). :class:`TreeStructure` keeps only the split rules, in preorder with the ``x < threshold``
child first; node sizes, fitted values and risks are then recomputed from the training data in one
place, so two trees with the same rules are equal array for array.

Weakest-link (cost-complexity) pruning and the complexity table are written here rather than taken
from scikit-learn: scikit-learn prunes by Gini impurity, rpart's classification trees by the
misclassification count, and statlab needs rpart's rule for both backends (for regression both rules
coincide; a test checks that against ``ccp_alpha``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TreeStructure:
    """A binary tree in preorder (node 0 is the root; a node's ``x < threshold`` child comes first).

    ``feature``/``left``/``right`` are -1 at leaves, ``threshold`` NaN. ``value`` is the node mean
    (regression) or the class proportions (classification, one column per class). ``risk`` is rpart's
    node deviance: the residual sum of squares, or the number of misclassified rows.
    ``impurity`` is the node's total impurity (RSS, or n x Gini index) from which MDI is computed.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    n: np.ndarray
    value: np.ndarray
    risk: np.ndarray
    impurity: np.ndarray
    depth: np.ndarray
    classes: np.ndarray | None = None

    @property
    def is_leaf(self) -> np.ndarray:
        return self.feature < 0

    @property
    def n_leaves(self) -> int:
        return int(self.is_leaf.sum())

    def apply(self, X: np.ndarray) -> np.ndarray:
        """The leaf (node index) each row of ``X`` falls in."""
        node = np.zeros(X.shape[0], dtype=np.int64)
        active = ~self.is_leaf[node]
        while active.any():
            rows = np.flatnonzero(active)
            current = node[rows]
            goes_left = X[rows, self.feature[current]] < self.threshold[current]
            node[rows] = np.where(goes_left, self.left[current], self.right[current])
            active[rows] = ~self.is_leaf[node[rows]]
        return node

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Leaf means (regression) or the majority class of the leaf (classification)."""
        leaves = self.apply(X)
        if self.classes is None:
            return self.value[leaves]
        return self.classes[np.argmax(self.value[leaves], axis=1)]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class proportions of the leaf each row falls in (classification only)."""
        return self.value[self.apply(X)]

    def decrease(self) -> np.ndarray:
        """Per node, the impurity decrease of its split (0 at leaves)."""
        out = np.zeros(len(self.feature))
        internal = np.flatnonzero(~self.is_leaf)
        out[internal] = (
            self.impurity[internal]
            - self.impurity[self.left[internal]]
            - self.impurity[self.right[internal]]
        )
        return out

    def importance(self, n_features: int) -> np.ndarray:
        """Mean decrease in impurity per feature, unnormalised (rpart's ``variable.importance``
        without surrogates: summed RSS or n x Gini decreases)."""
        internal = ~self.is_leaf
        return np.bincount(
            self.feature[internal], weights=self.decrease()[internal], minlength=n_features
        )

    def rules(self) -> list[tuple[int, int, float]]:
        """``(depth, feature, threshold)`` of each split in preorder: equal lists = same tree."""
        internal = np.flatnonzero(~self.is_leaf)
        return [
            (int(self.depth[i]), int(self.feature[i]), float(self.threshold[i])) for i in internal
        ]


def from_rules(
    feature: np.ndarray,
    threshold: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    root: int = 0,
) -> TreeStructure:
    """Rebuild a tree from split rules given with arbitrary node ids (``left`` holds the
    ``x < threshold`` child), renumbered in preorder, with statistics computed from ``(X, y)``."""
    order: list[int] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        if left[node] >= 0:
            stack.extend([right[node], left[node]])
    new_id = {old: new for new, old in enumerate(order)}
    size = len(order)
    out_feature = np.full(size, -1, dtype=np.int64)
    out_threshold = np.full(size, np.nan)
    out_left = np.full(size, -1, dtype=np.int64)
    out_right = np.full(size, -1, dtype=np.int64)
    depth = np.zeros(size, dtype=np.int64)
    for new, old in enumerate(order):
        if left[old] >= 0:
            out_feature[new] = feature[old]
            out_threshold[new] = threshold[old]
            out_left[new], out_right[new] = new_id[left[old]], new_id[right[old]]
            depth[out_left[new]] = depth[out_right[new]] = depth[new] + 1
    return with_statistics(
        out_feature, out_threshold, out_left, out_right, depth, X, y, classes=classes
    )


def with_statistics(
    feature: np.ndarray,
    threshold: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    depth: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
) -> TreeStructure:
    """Route ``(X, y)`` down preorder split rules and record each node's size, value and risk."""
    size = len(feature)
    n = np.zeros(size, dtype=np.int64)
    n_columns = 1 if classes is None else len(classes)
    value = np.zeros((size, n_columns))
    risk = np.zeros(size)
    impurity = np.zeros(size)
    codes = None if classes is None else np.searchsorted(classes, y)
    members = {0: np.arange(X.shape[0])}
    for node in range(size):  # preorder: a parent is always handled before its children
        rows = members.pop(node)
        n[node] = len(rows)
        if codes is None:
            target = y[rows]
            value[node, 0] = target.mean() if len(rows) else np.nan
            risk[node] = impurity[node] = float(((target - value[node, 0]) ** 2).sum())
        else:
            counts = np.bincount(codes[rows], minlength=n_columns).astype(np.float64)
            value[node] = counts / max(len(rows), 1)
            risk[node] = len(rows) - counts.max()
            impurity[node] = len(rows) * (1.0 - float((value[node] ** 2).sum()))
        if feature[node] >= 0:
            goes_left = X[rows, feature[node]] < threshold[node]
            members[int(left[node])] = rows[goes_left]
            members[int(right[node])] = rows[~goes_left]
    return TreeStructure(
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        n=n,
        value=value[:, 0] if classes is None else value,
        risk=risk,
        impurity=impurity,
        depth=depth,
        classes=classes,
    )


def from_sklearn(estimator: Any, X: np.ndarray, y: np.ndarray) -> TreeStructure:
    """A fitted scikit-learn tree as a :class:`TreeStructure`.

    scikit-learn compares float32 copies of the features; each threshold is reset to the float64
    midpoint between the largest value sent left and the smallest sent right, which is rpart's
    threshold and sends the training rows the same way.
    """
    tree = estimator.tree_
    feature = tree.feature.astype(np.int64)
    left = tree.children_left.astype(np.int64)
    right = tree.children_right.astype(np.int64)
    feature[left < 0] = -1
    threshold = np.where(left >= 0, tree.threshold, np.nan)
    node_rows = estimator.decision_path(X.astype(np.float32)).tocsc()
    for node in np.flatnonzero(left >= 0):
        values_left = X[node_rows[:, left[node]].nonzero()[0], feature[node]]
        values_right = X[node_rows[:, right[node]].nonzero()[0], feature[node]]
        threshold[node] = (values_left.max() + values_right.min()) / 2.0
    classes = getattr(estimator, "classes_", None)
    return from_rules(feature, threshold, left, right, X, y, classes=classes)


def from_rpart(out: dict[str, Any], X: np.ndarray, y: np.ndarray, classes: np.ndarray | None):
    """rpart's frame (node numbers, variables) and splits (``ncat``, ``index``) as a structure.

    rpart numbers node k's children 2k and 2k + 1 and lists internal nodes' splits in frame order;
    ``ncat = -1`` sends ``x < index`` to 2k, ``ncat = +1`` sends ``x >= index`` there.
    """
    numbers = np.asarray(out["node"], dtype=np.int64)
    position = {int(k): i for i, k in enumerate(numbers)}
    feature_raw = np.asarray(out["feature"], dtype=np.int64)
    size = len(numbers)
    feature = np.full(size, -1, dtype=np.int64)
    threshold = np.full(size, np.nan)
    left = np.full(size, -1, dtype=np.int64)
    right = np.full(size, -1, dtype=np.int64)
    ncat = np.atleast_1d(np.asarray(out["split_ncat"], dtype=np.float64))
    index = np.atleast_1d(np.asarray(out["split_index"], dtype=np.float64))
    split = 0
    for i, number in enumerate(numbers):
        if feature_raw[i] < 0:
            continue
        feature[i] = int(feature_raw[i])
        threshold[i] = index[split]
        first, second = position[2 * int(number)], position[2 * int(number) + 1]
        left[i], right[i] = (first, second) if ncat[split] < 0 else (second, first)
        split += 1
    return from_rules(feature, threshold, left, right, X, y, classes=classes)


def subtree_risk(tree: TreeStructure, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per node, the summed risk and the number of leaves of its subtree when only nodes with
    ``keep`` True may split."""
    size = len(tree.feature)
    leaf_risk = tree.risk.copy()
    n_leaves = np.ones(size, dtype=np.int64)
    for node in range(size - 1, -1, -1):  # children come after parents in preorder
        if keep[node] and tree.feature[node] >= 0:
            left, right = tree.left[node], tree.right[node]
            leaf_risk[node] = leaf_risk[left] + leaf_risk[right]
            n_leaves[node] = n_leaves[left] + n_leaves[right]
    return leaf_risk, n_leaves


def weakest_link_sequence(tree: TreeStructure) -> list[tuple[float, np.ndarray]]:
    """The cost-complexity sequence: ``(alpha, splits kept)`` from the full tree (alpha 0) to the
    root alone; a tree is optimal from its alpha up to the next one. Ties collapse together."""
    splits = ~tree.is_leaf
    sequence = [(0.0, splits.copy())]
    while splits.any():
        leaf_risk, n_leaves = subtree_risk(tree, splits)
        internal = np.flatnonzero(splits)
        link = (tree.risk[internal] - leaf_risk[internal]) / (n_leaves[internal] - 1)
        alpha = float(link.min())
        tolerance = 1e-10 * max(alpha, 1e-300) + 1e-12 * tree.risk[0]
        for node in internal[link <= alpha + tolerance]:
            splits[_descendants(tree, node)] = False
        sequence.append((alpha, splits.copy()))
    return sequence


def prune(tree: TreeStructure, alpha: float) -> TreeStructure:
    """The subtree kept by cost-complexity pruning at ``alpha`` (in risk units): every split whose
    weakest-link value is at most ``alpha`` goes, as in rpart."""
    kept = ~tree.is_leaf
    for link_alpha, splits in weakest_link_sequence(tree)[1:]:
        if link_alpha > alpha * (1 + 1e-10):
            break
        kept = splits
    return keep_splits(tree, kept)


def keep_splits(tree: TreeStructure, splits: np.ndarray) -> TreeStructure:
    """The tree with only the nodes reachable through kept splits, renumbered in preorder."""
    order: list[int] = []
    stack = [0]
    while stack:
        node = stack.pop()
        order.append(node)
        if splits[node] and tree.feature[node] >= 0:
            stack.extend([tree.right[node], tree.left[node]])
    index = np.asarray(order)
    new_id = {old: new for new, old in enumerate(order)}
    is_split = splits[index] & (tree.feature[index] >= 0)
    remap = np.vectorize(lambda old: new_id.get(int(old), -1), otypes=[np.int64])
    return replace(
        tree,
        feature=np.where(is_split, tree.feature[index], -1),
        threshold=np.where(is_split, tree.threshold[index], np.nan),
        left=np.where(is_split, remap(tree.left[index]), -1),
        right=np.where(is_split, remap(tree.right[index]), -1),
        n=tree.n[index],
        value=tree.value[index],
        risk=tree.risk[index],
        impurity=tree.impurity[index],
        depth=tree.depth[index],
    )


def _descendants(tree: TreeStructure, node: int) -> np.ndarray:
    """``node`` and every node below it (a contiguous block in preorder)."""
    end = node + 1
    while end < len(tree.feature) and tree.depth[end] > tree.depth[node]:
        end += 1
    return np.arange(node, end)
