"""Partition ⇔ tree and the split choice (exercises 8 and 11).

Writes to ``--out``:

* ``partition_to_tree.png`` / ``partition_boxes.png``: a tree built from a given axis-aligned
  partition of the unit square (as the sheet's Figure 4a) and the partition itself;
* ``tree.png`` / ``tree_partition.png``: a regression tree fitted to simulated data on two features
  and the partition of the plane it implies (Figure 4b), with ``tree_partition.csv``;
* ``split_search.png`` / ``half_planes.png`` / ``split_search.csv``: RSS(j, s) of every feature and
  threshold (ISLR eqs. 8.2-8.3) and the chosen half-planes.

Run: ``python analyses/trees_partition.py --out out/trees-partition`` or
``statlab run trees-partition``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import statlab as sl
from statlab.cli import analysis_parser
from statlab.plots.trees import plot_half_planes

BOXES = [(0, 0.5, 0, 0.6), (0, 0.5, 0.6, 1), (0.5, 1, 0, 0.3), (0.5, 0.8, 0.3, 1), (0.8, 1, 0.3, 1)]


def simulated(seed: int, n: int = 200) -> pd.DataFrame:
    """Two uniform features; y is a step function of the five boxes above plus N(0, 0.3^2) noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 2))
    partition = sl.trees.tree_from_partition(BOXES, feature_names=["X1", "X2"])
    level = {"R1": 1.0, "R2": 2.5, "R3": 0.0, "R4": 4.0, "R5": 3.0}
    y = np.array([level[v] for v in partition.predict(X)]) + rng.normal(scale=0.3, size=n)
    return pd.DataFrame({"X1": X[:, 0], "X2": X[:, 1], "y": y})


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "trees-partition")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    save = {"dpi": 120, "verbose": False}

    partition_tree = sl.trees.tree_from_partition(BOXES, feature_names=["X1", "X2"])
    partition_tree.plot().save(args.out / "partition_to_tree.png", width=6, height=4.5, **save)
    partition_tree.plot_partition().save(
        args.out / "partition_boxes.png", width=5, height=5, **save
    )
    print(partition_tree)

    data = simulated(args.seed)
    tree = sl.trees.fit_tree(data[["X1", "X2"]], data["y"], cp=0.01, backend=args.backend)
    tree.plot().save(args.out / "tree.png", width=7, height=4.5, **save)
    tree.plot_partition().save(args.out / "tree_partition.png", width=6, height=5, **save)
    tree.partition(lower=[0, 0], upper=[1, 1]).to_csv(args.out / "tree_partition.csv", index=False)
    print(tree)

    search = sl.trees.split_search(data[["X1", "X2"]], data["y"])
    search.to_frame().to_csv(args.out / "split_search.csv", index=False)
    search.plot().save(args.out / "split_search.png", width=8, height=4, **save)
    plot_half_planes(search).save(args.out / "half_planes.png", width=6, height=5, **save)
    print(search)
    print(
        f"root split of the fitted tree ({tree.backend}): {tree.to_frame().loc[0, 'feature']} < "
        f"{tree.tree.threshold[0]:.6g}"
    )
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
