"""Partition ⇔ tree: the boxes of a fitted tree's leaves, and a tree built from given boxes.

A tree's leaves are axis-aligned boxes ``[min, max)`` tiling the input box. The reverse works for
any *guillotine* partition: one where some axis-aligned cut through the whole box leaves every box
on one side, and so on recursively. :func:`tree_from_partition` finds such cuts; a partition without
one (a "pinwheel" of five boxes, say) tiles the plane but no binary tree of axis-aligned splits makes
it, and gets an error saying so.

Example
-------
>>> boxes = [(0, 0.5, 0, 1), (0.5, 1, 0, 0.3), (0.5, 1, 0.3, 1)]
>>> tree = tree_from_partition(boxes, labels=["R1", "R2", "R3"])
>>> tree.rules()
[(0, 'x1', 0.5), (1, 'x2', 0.3)]
>>> tree.predict([[0.7, 0.9], [0.2, 0.2]]).tolist()
['R3', 'R1']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.trees._structure import TreeStructure


def tree_rectangles(result: Any, lower: Any = None, upper: Any = None) -> pd.DataFrame:
    """The leaves of a fitted tree as boxes (see :meth:`TreeResult.partition`)."""
    tree = result.tree
    names = result.feature_names
    low = np.asarray(result.X.min(axis=0) if lower is None else lower, dtype=np.float64)
    high = np.asarray(result.X.max(axis=0) if upper is None else upper, dtype=np.float64)
    if low.shape != (len(names),) or high.shape != (len(names),):
        raise check.InvalidArgumentError(
            f"lower and upper must have one value per feature ({len(names)})"
        )
    rows = []
    stack = [(0, low.copy(), high.copy())]
    while stack:
        node, box_low, box_high = stack.pop()
        if tree.feature[node] < 0:
            label = (
                tree.value[node]
                if tree.classes is None
                else tree.classes[int(np.argmax(tree.value[node]))]
            )
            row = {"leaf": node, "value": label, "n": int(tree.n[node])}
            for j, name in enumerate(names):
                row[f"{name}_min"], row[f"{name}_max"] = box_low[j], box_high[j]
            rows.append(row)
            continue
        j, cut = tree.feature[node], tree.threshold[node]
        left_high, right_low = box_high.copy(), box_low.copy()
        left_high[j] = min(box_high[j], cut)
        right_low[j] = max(box_low[j], cut)
        stack.append((int(tree.right[node]), right_low, box_high.copy()))
        stack.append((int(tree.left[node]), box_low.copy(), left_high))
    return pd.DataFrame(rows).sort_values("leaf").reset_index(drop=True)


@dataclass(frozen=True, repr=False)
class PartitionTree:
    """A tree built from a partition: its structure, the feature names, each box's label and the
    boxes in the order given."""

    tree: TreeStructure
    feature_names: list[str]
    labels: list[str]
    boxes: pd.DataFrame
    backend: str = "python"

    def predict(self, X: Any) -> np.ndarray:
        """The label of the box each row of ``X`` falls in."""
        matrix = np.atleast_2d(np.asarray(X, dtype=np.float64))
        leaves = self.tree.apply(matrix)
        return np.asarray(self.labels, dtype=object)[self.tree.value[leaves].astype(np.int64)]

    def rules(self) -> list[tuple[int, str, float]]:
        """``(depth, feature name, threshold)`` of each split in preorder."""
        return [(d, self.feature_names[j], t) for d, j, t in self.tree.rules()]

    def to_frame(self) -> pd.DataFrame:
        """One row per node in preorder: ``node, depth, feature, threshold, label, leaf``."""
        tree = self.tree
        leaf = tree.is_leaf
        names = np.asarray(self.feature_names, dtype=object)
        labels = np.asarray(self.labels, dtype=object)
        return pd.DataFrame(
            {
                "node": np.arange(len(tree.feature)),
                "depth": tree.depth,
                "feature": np.where(leaf, None, names[np.maximum(tree.feature, 0)]),
                "threshold": tree.threshold,
                "label": np.where(leaf, labels[tree.value.astype(np.int64)], None),
                "leaf": leaf,
            }
        )

    def summary(self) -> pd.DataFrame:
        """One row: number of boxes, splits and depth."""
        return pd.DataFrame(
            {
                "boxes": [self.tree.n_leaves],
                "splits": [int((~self.tree.is_leaf).sum())],
                "depth": [int(self.tree.depth.max())],
            }
        )

    def plot(self) -> Any:
        """The tree drawn as a diagram, leaves labelled with their box's label."""
        from statlab.plots.trees import plot_tree

        return plot_tree(self)

    def plot_partition(self) -> Any:
        """The boxes of a 2-D partition, labelled."""
        from statlab.plots.trees import plot_boxes

        return plot_boxes(self.boxes, self.feature_names, label="label")

    def __repr__(self) -> str:
        lines = [f"PartitionTree: {self.tree.n_leaves} boxes"]
        for _, row in self.to_frame().iterrows():
            indent = "  " * int(row["depth"])
            if row["leaf"]:
                lines.append(f"{indent}-> {row['label']}")
            else:
                lines.append(f"{indent}{row['feature']} < {row['threshold']:g} ?")
        return "\n".join(lines)


def tree_from_partition(
    rectangles: Any,
    *,
    labels: list[str] | None = None,
    feature_names: list[str] | None = None,
) -> PartitionTree:
    """A binary tree whose leaves are the given boxes.

    ``rectangles`` holds one box per row: ``(x1_min, x1_max, x2_min, x2_max, ...)`` (a sequence or
    array) or a DataFrame with ``<name>_min``/``<name>_max`` columns. The boxes must tile their
    bounding box: no overlaps, no gaps. Each split is a cut through the whole current region that
    leaves every box on one side (preferring the cut that balances the two sides).
    """
    for name, value in (("labels", labels), ("feature_names", feature_names)):
        if isinstance(value, str | bytes):
            raise check.ArgumentTypeError(f"{name} must be a list of strings, got {value!r}")
    bounds, names = _boxes(rectangles, feature_names)
    n_boxes = bounds.shape[0]
    low, high = bounds[:, 0::2], bounds[:, 1::2]
    labels = [f"R{i + 1}" for i in range(n_boxes)] if labels is None else [str(v) for v in labels]
    if len(labels) != n_boxes:
        raise check.InvalidArgumentError(
            f"labels has {len(labels)} entries but rectangles has {n_boxes} boxes"
        )
    _check_tiling(low, high)
    feature, threshold, left, right, value, depth = [], [], [], [], [], []

    def build(members: np.ndarray, level: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(np.nan)
        left.append(-1)
        right.append(-1)
        value.append(-1)
        depth.append(level)
        if len(members) == 1:
            value[node] = int(members[0])
            return node
        cut = _guillotine_cut(low[members], high[members])
        if cut is None:
            raise check.InvalidArgumentError(
                "rectangles tile the box but no axis-aligned cut separates boxes "
                f"{[labels[i] for i in members]}: no binary tree gives this partition"
            )
        j, s = cut
        below = members[high[members, j] <= s]
        above = members[low[members, j] >= s]
        feature[node], threshold[node] = j, s
        left[node] = build(below, level + 1)
        right[node] = build(above, level + 1)
        return node

    build(np.arange(n_boxes), 0)
    size = len(feature)
    tree = TreeStructure(
        feature=np.asarray(feature, dtype=np.int64),
        threshold=np.asarray(threshold, dtype=np.float64),
        left=np.asarray(left, dtype=np.int64),
        right=np.asarray(right, dtype=np.int64),
        n=np.zeros(size, dtype=np.int64),
        value=np.asarray(value, dtype=np.float64),
        risk=np.zeros(size),
        impurity=np.zeros(size),
        depth=np.asarray(depth, dtype=np.int64),
    )
    frame = pd.DataFrame({"label": labels})
    for j, name in enumerate(names):
        frame[f"{name}_min"], frame[f"{name}_max"] = low[:, j], high[:, j]
    return PartitionTree(tree=tree, feature_names=names, labels=labels, boxes=frame)


def _boxes(rectangles: Any, feature_names: list[str] | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(rectangles, pd.DataFrame):
        names = [c[: -len("_min")] for c in rectangles.columns if str(c).endswith("_min")]
        missing = [f"{n}_max" for n in names if f"{n}_max" not in rectangles.columns]
        if not names or missing:
            raise check.InvalidArgumentError(
                "rectangles as a DataFrame needs <name>_min and <name>_max columns"
                + (f"; missing {missing}" if missing else "")
            )
        columns = [c for n in names for c in (f"{n}_min", f"{n}_max")]
        bounds = rectangles[columns].to_numpy(dtype=np.float64)
    else:
        try:
            bounds = np.asarray(rectangles, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise check.InvalidArgumentError(
                f"rectangles must be numeric box bounds: {error}"
            ) from error
        if bounds.ndim != 2 or bounds.shape[1] % 2 or bounds.shape[1] == 0:
            raise check.InvalidArgumentError(
                "rectangles must have one row per box with (min, max) per feature, got shape "
                f"{bounds.shape}"
            )
        names = [f"x{j + 1}" for j in range(bounds.shape[1] // 2)]
    if feature_names is not None:
        if len(feature_names) != bounds.shape[1] // 2:
            raise check.InvalidArgumentError(
                f"feature_names has {len(feature_names)} names for {bounds.shape[1] // 2} features"
            )
        names = list(feature_names)
    if bounds.shape[0] < 1:
        raise check.InvalidArgumentError("rectangles is empty")
    if not np.isfinite(bounds).all():
        raise check.InvalidArgumentError("rectangles must have finite bounds")
    if (bounds[:, 1::2] <= bounds[:, 0::2]).any():
        bad = np.flatnonzero((bounds[:, 1::2] <= bounds[:, 0::2]).any(axis=1)).tolist()
        raise check.InvalidArgumentError(
            f"rectangles {bad} (0-based) have a max not above their min"
        )
    return bounds, names


def _check_tiling(low: np.ndarray, high: np.ndarray) -> None:
    """No two boxes overlap and together they fill their bounding box."""
    n_boxes = low.shape[0]
    for a in range(n_boxes):
        overlap = np.minimum(high[a], high[a + 1 :]) - np.maximum(low[a], low[a + 1 :])
        clash = np.flatnonzero((overlap > 0).all(axis=1))
        if clash.size:
            raise check.InvalidArgumentError(
                f"rectangles {a} and {a + 1 + int(clash[0])} (0-based) overlap: "
                "a partition's boxes must not overlap"
            )
    outer = np.prod(high.max(axis=0) - low.min(axis=0))
    covered = np.prod(high - low, axis=1).sum()
    if not np.isclose(covered, outer, rtol=1e-9, atol=0):
        raise check.InvalidArgumentError(
            f"rectangles do not tile their bounding box: they cover {covered:g} of its "
            f"volume {outer:g}"
        )


def _guillotine_cut(low: np.ndarray, high: np.ndarray) -> tuple[int, float] | None:
    """A (feature, value) cut leaving every box on one side, the most balanced one."""
    best = None
    for j in range(low.shape[1]):
        for s in np.unique(low[:, j]):
            if s <= low[:, j].min():
                continue
            below, above = high[:, j] <= s, low[:, j] >= s
            if (below | above).all():
                balance = abs(int(below.sum()) - int(above.sum()))
                if best is None or balance < best[0]:
                    best = (balance, j, float(s))
    return None if best is None else (best[1], best[2])
