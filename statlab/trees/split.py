"""The split choice of CART (ISLR eqs. 8.2-8.3), computed for every feature and threshold.

For feature j and threshold s the half-planes are R1(j, s) = {X : X_j < s} and
R2(j, s) = {X : X_j >= s}; the objective is RSS(j, s) = sum over R1 of (y - mean_R1)^2 plus the same
over R2. Candidate thresholds are the midpoints between consecutive distinct values of X_j (every
other s gives one of these partitions of the data), as in rpart and scikit-learn. All of them are
evaluated with cumulative sums, O(n log n) per feature.

Example
-------
>>> import statlab as sl
>>> sine = sl.data.load("sine_boosting")
>>> search = split_search(sine[["X"]], sine["y"])
>>> search.best_feature, round(search.best_threshold, 4)
('X', 3.5714)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.trees import _checks


@dataclass(frozen=True, repr=False)
class SplitSearch:
    """RSS(j, s) over all features and thresholds (``table``), the best pair and the data."""

    table: pd.DataFrame
    best_feature: str
    best_threshold: float
    best_rss: float
    total_rss: float
    feature_names: list[str]
    X: np.ndarray
    y: np.ndarray
    backend: str = "python"

    def to_frame(self) -> pd.DataFrame:
        """Long table ``feature, threshold, rss, n_left, n_right, mean_left, mean_right``."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Per feature: its best threshold, RSS there and the share of RSS it removes."""
        best = self.table.loc[self.table.groupby("feature", sort=False)["rss"].idxmin()]
        return best.assign(rss_reduction=1 - best["rss"] / self.total_rss).reset_index(drop=True)

    def plot(self) -> Any:
        """RSS(j, s) curves per feature with the minimum marked, and (two features or more) the
        data with the chosen half-planes R1 and R2 shaded."""
        from statlab.plots.trees import plot_split_search

        return plot_split_search(self)

    def __repr__(self) -> str:
        return (
            f"SplitSearch: {len(self.table)} candidate splits over {len(self.feature_names)} "
            f"feature(s); best {self.best_feature} < {self.best_threshold:.6g} with RSS "
            f"{self.best_rss:.6g} (total RSS {self.total_rss:.6g})"
        )


def split_search(X: Any, y: Any, *, min_bucket: int = 1) -> SplitSearch:
    """RSS(j, s) for every feature j and every threshold s leaving at least ``min_bucket`` rows on
    each side; the best pair is the smallest RSS (ties: the first feature, then the smallest s, as
    rpart)."""
    matrix, names = _checks.design(X)
    target, _, _ = _checks.response(y, matrix.shape[0], "regression")
    min_bucket = _checks.positive_int(min_bucket, "min_bucket")
    n = len(target)
    if n < 2 * min_bucket:
        raise check.InvalidArgumentError(f"min_bucket = {min_bucket} leaves no split of {n} rows")
    total = float(((target - target.mean()) ** 2).sum())
    frames = []
    for j, name in enumerate(names):
        order = np.argsort(matrix[:, j], kind="stable")
        x_sorted, y_sorted = matrix[order, j], target[order]
        n_left = np.arange(1, n)
        sum_left = np.cumsum(y_sorted)[:-1]
        square_left = np.cumsum(y_sorted**2)[:-1]
        sum_right = y_sorted.sum() - sum_left
        square_right = (y_sorted**2).sum() - square_left
        n_right = n - n_left
        rss = square_left - sum_left**2 / n_left + square_right - sum_right**2 / n_right
        valid = (x_sorted[1:] > x_sorted[:-1]) & (n_left >= min_bucket) & (n_right >= min_bucket)
        frames.append(
            pd.DataFrame(
                {
                    "feature": name,
                    "threshold": ((x_sorted[1:] + x_sorted[:-1]) / 2)[valid],
                    "rss": np.maximum(rss[valid], 0.0),
                    "n_left": n_left[valid],
                    "n_right": n_right[valid],
                    "mean_left": (sum_left / n_left)[valid],
                    "mean_right": (sum_right / n_right)[valid],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    if table.empty:
        raise check.InvalidArgumentError(
            "X has no feature with two distinct values: there is no split to search"
        )
    best = table.iloc[int(np.argmin(table["rss"].to_numpy()))]
    return SplitSearch(
        table=table,
        best_feature=str(best["feature"]),
        best_threshold=float(best["threshold"]),
        best_rss=float(best["rss"]),
        total_rss=total,
        feature_names=names,
        X=matrix,
        y=target,
    )
