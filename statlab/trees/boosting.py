"""Boosting written out step by step: fit a small tree to the residuals, add it, repeat.

Step b fits a regression tree f^b to the current residuals r^(b-1) (r^(0) = y), adds
``learning_rate * f^b`` to the ensemble and updates r^(b) = r^(b-1) - learning_rate * f^b(x), as in
the course's "Boosting Iterations" exercise (no initial constant: the first tree is fitted to y).
Each tree is a :func:`statlab.trees.fit_tree` fit, so the R backend runs rpart on the residuals and
the Python backend scikit-learn, with the same trees.

gbm is not used for the R side: its ``interaction.depth = 2`` means two splits grown best-first (a
three-leaf tree, scikit-learn's ``max_leaf_nodes=3``), not a tree of depth two (up to four leaves),
and gbm starts from the mean of y. :func:`gbm_steps` runs gbm for that comparison.

Example
-------
>>> import statlab as sl
>>> sine = sl.data.load("sine_boosting")
>>> steps = boosting_steps(sine["X"], sine["y"], n_steps=3, backend="python")
>>> [round(v, 3) for v in steps.summary()["training_mse"]]
[2.896, 0.718, 0.475]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab.trees import _backend_r, _checks
from statlab.trees._backend_r import CART
from statlab.trees.fit import TreeResult, fit_tree


@dataclass(frozen=True, repr=False)
class BoostingSteps:
    """The trees of each step, the data and the fits: ``trees[b - 1]`` is f^b."""

    trees: list[TreeResult]
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    backend: str

    @property
    def n_steps(self) -> int:
        return len(self.trees)

    def predict(self, x: Any, steps: int | None = None) -> np.ndarray:
        """The ensemble after ``steps`` steps (all by default) at the points ``x``."""
        points = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        steps = self.n_steps if steps is None else _checks.positive_int(steps, "steps")
        if steps > self.n_steps:
            raise check.InvalidArgumentError(
                f"steps must be at most n_steps = {self.n_steps}, got {steps}"
            )
        return self.learning_rate * sum(tree.predict(points) for tree in self.trees[:steps])

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per step and data point: ``step, x, y, residual`` (the target of the
        step's tree), ``tree`` (its fit), ``ensemble`` (after the step), ``new_residual``."""
        frames = []
        ensemble = np.zeros_like(self.y)
        residual = self.y.copy()
        for step, tree in enumerate(self.trees, start=1):
            fitted = self.learning_rate * tree.predict(self.x.reshape(-1, 1))
            ensemble = ensemble + fitted
            frames.append(
                pd.DataFrame(
                    {
                        "step": step,
                        "x": self.x,
                        "y": self.y,
                        "residual": residual,
                        "tree": fitted,
                        "ensemble": ensemble,
                        "new_residual": residual - fitted,
                    }
                )
            )
            residual = residual - fitted
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Per step: leaves of its tree and the ensemble's training MSE."""
        frame = self.to_frame()
        mse = frame.groupby("step")["new_residual"].apply(lambda r: float(np.mean(r**2)))
        return pd.DataFrame(
            {
                "step": mse.index.to_numpy(),
                "leaves": [tree.n_leaves for tree in self.trees],
                "training_mse": mse.to_numpy(),
            }
        )

    def curves(self, steps: list[int] | None = None, n_grid: int = 400) -> pd.DataFrame:
        """The step functions on a fine grid: ``step, x, tree, ensemble`` for the given steps."""
        steps = list(range(1, self.n_steps + 1)) if steps is None else steps
        grid = np.linspace(self.x.min(), self.x.max(), n_grid)
        frames = []
        ensemble = np.zeros(n_grid)
        for step, tree in enumerate(self.trees, start=1):
            fitted = self.learning_rate * tree.predict(grid.reshape(-1, 1))
            ensemble = ensemble + fitted
            if step in steps:
                frames.append(
                    pd.DataFrame({"step": step, "x": grid, "tree": fitted, "ensemble": ensemble})
                )
        return pd.concat(frames, ignore_index=True)

    def plot(self, steps: list[int] | None = None) -> Any:
        """Like the course's ``boosting_iterations`` figure: per step b a row with the data and the
        ensemble after b steps (left), the residuals it was fitted to and the new tree (right)."""
        from statlab.plots.trees import plot_boosting_steps

        return plot_boosting_steps(self, steps or list(range(1, min(self.n_steps, 3) + 1)))

    def __repr__(self) -> str:
        mse = self.summary()["training_mse"]
        return (
            f"BoostingSteps ({self.n_steps} steps, learning rate {self.learning_rate:g}, backend "
            f"{self.backend!r}): training MSE {mse.iloc[0]:.4g} after step 1, "
            f"{mse.iloc[-1]:.4g} after step {self.n_steps}"
        )


def boosting_steps(
    x: Any,
    y: Any,
    *,
    max_depth: int = 2,
    n_steps: int = 3,
    learning_rate: float = 1.0,
    min_split: int = 2,
    min_bucket: int = 1,
    backend: Literal["auto", "r", "python"] = "auto",
) -> BoostingSteps:
    """Boost regression trees of depth ``max_depth`` on one predictor ``x`` for ``n_steps`` steps.

    Each tree is grown to ``max_depth`` without cost-complexity pruning (``cp = 0``), with at least
    ``min_split`` rows to split a node and ``min_bucket`` per leaf (scikit-learn's defaults).

    >>> import numpy as np
    >>> x = np.linspace(-3, 3, 40); y = np.sign(x)
    >>> boosting_steps(x, y, max_depth=1, n_steps=1, backend="python").summary()["training_mse"].item()
    0.0
    """
    points = np.asarray(x, dtype=np.float64)
    if points.ndim == 2 and points.shape[1] == 1:
        points = points[:, 0]
    if points.ndim != 1:
        raise check.InvalidArgumentError(
            f"x must be one predictor (a vector), got shape {points.shape}"
        )
    if not np.isfinite(points).all():
        raise check.InvalidArgumentError("x contains NaN or infinite values")
    target, _, _ = _checks.response(y, len(points), "regression")
    n_steps = _checks.positive_int(n_steps, "n_steps")
    learning_rate = _checks.probability(learning_rate, "learning_rate")
    ran = _rbridge.resolve_backend(backend, CART)
    trees = []
    residual = target.copy()
    for _ in range(n_steps):
        tree = fit_tree(
            points.reshape(-1, 1),
            residual,
            max_depth=max_depth,
            cp=0.0,
            min_split=min_split,
            min_bucket=min_bucket,
            task="regression",
            backend=ran,
        )
        residual = residual - learning_rate * tree.predict(points.reshape(-1, 1))
        trees.append(tree)
    return BoostingSteps(trees=trees, x=points, y=target, learning_rate=learning_rate, backend=ran)


def gbm_steps(
    X: Any,
    y: Any,
    *,
    n_trees: int = 3,
    interaction_depth: int = 2,
    learning_rate: float = 1.0,
    min_bucket: int = 1,
    bag_fraction: float = 1.0,
) -> pd.DataFrame:
    """R's gbm (gaussian) training predictions after each of ``n_trees`` trees, one column per
    tree (``tree_1``, ...), with its initial value (the mean of y) in ``.attrs["init"]``. R only."""

    one_predictor = not isinstance(X, pd.DataFrame) and np.ndim(X) == 1
    matrix, _ = _checks.design(np.reshape(X, (-1, 1)) if one_predictor else X)
    target, _, _ = _checks.response(y, matrix.shape[0], "regression")
    n_trees = _checks.positive_int(n_trees, "n_trees")
    interaction_depth = _checks.positive_int(interaction_depth, "interaction_depth")
    shrinkage = _checks.probability(learning_rate, "learning_rate")
    min_bucket = _checks.positive_int(min_bucket, "min_bucket")
    bag_fraction = _checks.probability(bag_fraction, "bag_fraction")
    fitted, init = _backend_r.gbm_fitted(
        matrix, target, n_trees, interaction_depth, shrinkage, min_bucket, bag_fraction
    )
    frame = pd.DataFrame(fitted, columns=[f"tree_{k + 1}" for k in range(n_trees)])
    frame.attrs["init"] = init
    return frame
