"""Efron's experiment: a variable can be important to a random forest without being indispensable.

Efron (2020, "Prediction, Estimation, and Attribution", Table 3) fitted a random forest to the
prostate microarray ``singh2002``, removed the genes it ranked most important and refitted: the
test error barely moved. :func:`efron_experiment` repeats this on any (X, y) and
:func:`simulate_redundant` makes data where it must happen by design:

* ``n_factors`` latent signals z_k ~ N(0, 1) drive the response, y = sum_k beta_k z_k + N(0, noise_sd^2);
* each signal is copied into ``copies`` predictors x = z_k + N(0, copy_noise_sd^2), so several
  predictors carry the same information (pairwise correlation 1 / (1 + copy_noise_sd^2));
* ``n_noise`` further predictors are pure N(0, 1) noise; 4 x 15 + 40 = 100 predictors by default.

A forest spreads importance over the copies; the ten most important are copies of the strongest
signals, and since every signal has more copies (15) than are removed (10), removing them leaves
other copies of the same signals, so the trimmed forest predicts almost as well. (With fewer copies
than removed features the strongest signal can vanish entirely, and the error then rises: the
design choice is the point of the exercise.)

Example
-------
>>> frame = simulate_redundant(seed=1)
>>> frame.shape, frame.attrs["signal"]["x1"]
((300, 101), 'z1')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab._progress import progress_bar
from statlab._random import resolved_seed
from statlab.trees import _checks
from statlab.trees._backend_r import FOREST
from statlab.trees.forest import (
    ForestResult,
    _cv_mtry,
    _forest_settings,
    _mtry_grid,
    _seed_and_jobs,
    random_forest,
)

SINGH_REMOVALS = (0, 1, 5, 10, 20, 40, 80, 160)
SINGH2002_GENES = 6033  # the columns of singh2002 besides y


@check.renamed(noise="noise_sd", copy_noise="copy_noise_sd")
def simulate_redundant(
    n: int = 300,
    *,
    n_factors: int = 4,
    copies: int = 15,
    n_noise: int = 40,
    beta: Any = (2.0, 1.5, 1.0, 0.5),
    copy_noise_sd: float = 0.3,
    noise_sd: float = 1.0,
    seed: int | None = None,
) -> pd.DataFrame:
    """Data for Efron's experiment (see the module docstring): ``y`` then ``x1..xp``, with
    ``.attrs["signal"]`` naming the latent signal behind each predictor (``"noise"`` for none)
    and ``.attrs["seed"]`` the seed of the draw (fresh when ``seed`` is None)."""
    n = _checks.positive_int(n, "n", minimum=10)
    n_factors = _checks.positive_int(n_factors, "n_factors")
    copies = _checks.positive_int(copies, "copies")
    n_noise = check.integer(n_noise, "n_noise", low=0)
    weights = check.vector(beta, "beta")
    if weights.shape != (n_factors,):
        raise check.InvalidArgumentError(
            f"beta must have n_factors = {n_factors} values, got {weights.shape[0]}"
        )
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, n_factors))
    signal = np.repeat(np.arange(n_factors), copies)
    copied = latent[:, signal] + _checks.non_negative(copy_noise_sd, "copy_noise_sd") * rng.normal(
        size=(n, n_factors * copies)
    )
    X = np.column_stack([copied, rng.normal(size=(n, n_noise))])
    y = latent @ weights + _checks.non_negative(noise_sd, "noise_sd") * rng.normal(size=n)
    names = [f"x{j + 1}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names)
    frame.insert(0, "y", y)
    frame.attrs["signal"] = dict(
        zip(names, [f"z{k + 1}" for k in signal] + ["noise"] * n_noise, strict=True)
    )
    frame.attrs["seed"] = seed
    return frame


@dataclass(frozen=True, repr=False)
class EfronResult:
    """Full and trimmed forests: the mtry CV tables, the test RMSEs, the removed features, and
    the seed of the test rows, folds and forests (drawn afresh when the call gave None)."""

    full: ForestResult
    trimmed: ForestResult
    full_cv: pd.DataFrame
    trimmed_cv: pd.DataFrame
    removed: list[str]
    test_rmse_full: float
    test_rmse_trimmed: float
    backend: str
    test_observed: np.ndarray
    seed: int

    @property
    def relative_change(self) -> float:
        """(RMSE_trim - RMSE_full) / RMSE_full on the test rows."""
        return (self.test_rmse_trimmed - self.test_rmse_full) / self.test_rmse_full

    def relative_change_interval(
        self, *, n_draws: int = 2000, level: float = 0.95, seed: int | None = None
    ) -> pd.Series:
        """:attr:`relative_change` with a paired bootstrap interval over the test rows (both
        forests scored on the same resampled rows; see
        :func:`statlab.stability.paired_differences`): ``relative_change``, ``lower``, ``upper``
        and ``clear`` (the interval excludes 0). The resampling is seeded by ``seed``, else by
        the experiment's own :attr:`seed`."""
        from statlab.stability import paired_differences

        predictions = pd.DataFrame(
            {
                "model": np.repeat(["full", "trimmed"], len(self.test_observed)),
                "replicate": 0,
                "row": np.tile(np.arange(len(self.test_observed)), 2),
                "observed": np.tile(self.test_observed, 2),
                "predicted": np.concatenate(
                    [self.full.test_prediction, self.trimmed.test_prediction]
                ),
            }
        )
        table = paired_differences(
            predictions, by=["model"], statistic="rmse", reference=("full",), relative=True,
            n_draws=n_draws, level=level, seed=self.seed if seed is None else seed,
        )  # fmt: skip
        trimmed = table.xs("trimmed", level="model").iloc[0]
        return pd.Series(
            {
                "relative_change": float(trimmed["difference"]),
                "lower": float(trimmed["lower"]),
                "upper": float(trimmed["upper"]),
                "clear": bool(trimmed["clear"]),
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """The full forest's importance table, with ``removed`` marking the top features."""
        table = self.full.to_frame()
        return table.assign(removed=table["feature"].isin(self.removed))

    def summary(self) -> pd.DataFrame:
        """Full vs trimmed: mtry chosen, CV RMSE at it, test RMSE; and the relative change."""
        rows = []
        for label, cv, rmse, forest in (
            ("full", self.full_cv, self.test_rmse_full, self.full),
            ("trimmed", self.trimmed_cv, self.test_rmse_trimmed, self.trimmed),
        ):
            best = cv.attrs["best"]
            rows.append(
                {
                    "model": label,
                    "n_features": len(forest.feature_names),
                    "mtry": best,
                    "cv_rmse": float(cv.loc[cv["mtry"] == best, "rmse"].iloc[0]),
                    "test_rmse": rmse,
                }
            )
        frame = pd.DataFrame(rows).set_index("model")
        frame["relative_change"] = [0.0, self.relative_change]
        frame["backend"] = self.backend
        return frame

    def plot(self, top: int = 30) -> Any:
        """Permutation importance of the full forest's top features, the removed ones marked."""
        from statlab.plots.trees import plot_forest_importance

        return plot_forest_importance(self.to_frame().head(top), highlight="removed")

    def __repr__(self) -> str:
        return (
            f"EfronResult (backend {self.backend!r}): test RMSE {self.test_rmse_full:.4f} with "
            f"all {len(self.full.feature_names)} features, {self.test_rmse_trimmed:.4f} without "
            f"the top {len(self.removed)} ({100 * self.relative_change:+.2f}%); removed "
            f"{self.removed}"
        )


def efron_experiment(
    X: pd.DataFrame | Any,
    y: Any,
    *,
    n_remove: int = 10,
    mtry_grid: Any = None,
    nfolds: int = 5,
    n_trees: int = 500,
    test_fraction: float = 0.25,
    seed: int | None = None,
    backend: Literal["auto", "r", "python"] = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
) -> EfronResult:
    """Tune mtry by K-fold CV on the training rows, fit, rank features by OOB permutation
    importance, remove the top ``n_remove``, retune and refit on the rest, and compare test RMSEs.

    The test rows (``test_fraction`` of the data) and the folds come from ``seed`` (None: a fresh
    seed, recorded in the result's ``seed``) and are the same for both backends. ``progress=True`` shows a bar over the forests fitted (CV fits and the two
    final forests).
    """
    matrix, names = _checks.design(X)
    target, _, _ = _checks.response(y, matrix.shape[0], "regression")
    n_remove = _checks.positive_int(n_remove, "n_remove")
    if n_remove >= matrix.shape[1]:
        raise check.InvalidArgumentError(
            f"n_remove must be smaller than the number of features ({matrix.shape[1]}), "
            f"got {n_remove}"
        )
    fraction = _checks.probability(test_fraction, "test_fraction")
    if fraction >= 1:
        raise check.InvalidArgumentError("test_fraction must be below 1")
    n_test = max(round(fraction * matrix.shape[0]), 1)
    nfolds = check.integer(nfolds, "nfolds", low=2, high=matrix.shape[0] - n_test)
    seed, n_jobs = _seed_and_jobs(seed, n_jobs)
    progress = check.flag(progress, "progress")
    ran = _rbridge.resolve_backend(check.backend(backend), FOREST)
    p = matrix.shape[1]
    grids = {p: _mtry_grid(mtry_grid, p)}
    kept = p - n_remove
    grids[kept] = _mtry_grid(None if mtry_grid is None else _grid(grids[p], kept), kept)
    rng = np.random.default_rng(seed)
    n = matrix.shape[0]
    test = np.zeros(n, dtype=bool)
    test[rng.choice(n, size=n_test, replace=False)] = True
    train = ~test
    folds = rng.permutation(np.resize(np.arange(1, nfolds + 1), int(train.sum())))
    common = {"n_trees": n_trees, "seed": seed, "backend": ran, "n_jobs": n_jobs}
    n_fits = sum(len(np.unique(folds)) * len(grid) + 1 for grid in grids.values())

    def fit(columns: np.ndarray, bar: Any) -> tuple[ForestResult, pd.DataFrame, float]:
        grid = grids[len(columns)]
        settings = _forest_settings(len(columns), "regression", n_trees, int(grid[0]), None)
        X_train = matrix[np.ix_(train, columns)]
        cv = _cv_mtry(X_train, target[train], None, grid, settings, folds, seed, ran, n_jobs, bar)
        forest = random_forest(
            pd.DataFrame(X_train, columns=[names[j] for j in columns]),
            target[train],
            mtry=cv.attrs["best"],
            X_test=matrix[np.ix_(test, columns)],
            **common,
        )
        bar.update(1)
        rmse = float(np.sqrt(np.mean((target[test] - forest.test_prediction) ** 2)))
        return forest, cv, rmse

    all_columns = np.arange(p)
    with progress_bar(n_fits, "Efron experiment: forests", progress) as bar:
        full, full_cv, rmse_full = fit(all_columns, bar)
        ranking = full.importance()["importance"].to_numpy()
        top = np.argsort(-ranking, kind="stable")[:n_remove]
        trimmed, trimmed_cv, rmse_trimmed = fit(np.setdiff1d(all_columns, top), bar)
    return EfronResult(
        full=full,
        trimmed=trimmed,
        full_cv=full_cv,
        trimmed_cv=trimmed_cv,
        removed=[names[j] for j in top],
        test_rmse_full=rmse_full,
        test_rmse_trimmed=rmse_trimmed,
        backend=full.backend,
        test_observed=target[test],
        seed=seed,
    )


def _grid(grid: np.ndarray, p: int) -> np.ndarray:
    """A checked grid with the values above p (after trimming) dropped, unless that drops all."""
    return grid[grid <= p] if (grid <= p).any() else grid


@dataclass(frozen=True, repr=False)
class Singh2002Result:
    """Efron's Table 3 on ``singh2002``: test errors of forests refitted without the top k genes.

    ``table`` has one row per k: ``removed``, ``test_errors`` (out of ``n_test``) and
    ``test_error_rate``; ``top_genes`` are the 20 genes of largest permutation importance in the
    ranking forest, most important first.
    """

    table: pd.DataFrame
    top_genes: list[str]
    n_test: int
    n_trees: int
    seed: int
    backend: str

    def to_frame(self) -> pd.DataFrame:
        """The removal table (a copy): ``removed, test_errors, test_error_rate``."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Efron's Table 3: per number of genes removed, the test errors (out of ``n_test``),
        the error rate and the change in errors from the forest with all genes; and the backend."""
        table = self.table.set_index("removed")
        full = table["test_errors"].get(0)
        table["change_vs_all_genes"] = table["test_errors"] - full if full is not None else pd.NA
        table["n_test"] = self.n_test
        table["backend"] = self.backend
        return table

    def plot(self) -> Any:
        """Test error rate against the number of top genes removed."""
        from statlab.plots.trees import plot_removal_errors

        return plot_removal_errors(self.table, n_test=self.n_test)

    def __repr__(self) -> str:
        errors = self.table["test_errors"]
        lines = [
            f"Singh2002Result (backend {self.backend!r}, {self.n_trees} trees, seed {self.seed}): "
            f"test errors out of {self.n_test} after removing the top k genes",
            self.table.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
            f"errors range from {errors.min()} to {errors.max()}; top genes: "
            + ", ".join(self.top_genes[:10]),
        ]
        return "\n".join(lines)


def efron_singh2002(
    *,
    removals: Any = SINGH_REMOVALS,
    n_trees: int = 500,
    seed: int | None = None,
    backend: Literal["auto", "r", "python"] = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
) -> Singh2002Result:
    """Efron's Table 3 on ``singh2002``: a random 51/51 train/test split (from ``seed``; None
    draws a fresh one, recorded in the result's ``seed``), a forest
    on the training half ranks the genes by OOB permutation importance, then for each k in
    ``removals`` a forest without the top k genes is fitted and its test errors counted.
    ``progress=True`` shows a bar over the forests.

    Returns a :class:`Singh2002Result` (``.to_frame()``: one row per k).
    """
    from statlab import data

    n_trees = _checks.positive_int(n_trees, "n_trees")
    seed, n_jobs = _seed_and_jobs(seed, n_jobs)
    progress = check.flag(progress, "progress")
    ran = _rbridge.resolve_backend(check.backend(backend), FOREST)
    counts = _removal_counts(removals, SINGH2002_GENES)
    frame = data.load("singh2002")
    y = frame["y"].astype(str).to_numpy()
    X = frame.drop(columns="y")
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    test[rng.choice(len(y), size=len(y) // 2, replace=False)] = True
    common = {"n_trees": n_trees, "seed": seed, "backend": ran, "n_jobs": n_jobs}
    rows = []
    with progress_bar(1 + int((counts > 0).sum()), "singh2002: forests", progress) as bar:
        ranking_forest = random_forest(
            X[~test], y[~test], X_test=X[test], task="classification", **common
        )
        bar.update(1)
        order = np.argsort(-ranking_forest.importance()["importance"].to_numpy(), kind="stable")
        for k in counts:
            keep = np.sort(order[k:])
            if k == 0:
                predicted = ranking_forest.test_prediction
            else:
                forest = random_forest(
                    X.iloc[~test, keep],
                    y[~test],
                    X_test=X.iloc[test, keep],
                    task="classification",
                    **common,
                )
                predicted = forest.test_prediction
                bar.update(1)
            errors = int((predicted != y[test]).sum())
            rows.append(
                {"removed": int(k), "test_errors": errors, "test_error_rate": errors / test.sum()}
            )
    return Singh2002Result(
        table=pd.DataFrame(rows),
        top_genes=[X.columns[j] for j in order[:20]],
        n_test=int(test.sum()),
        n_trees=n_trees,
        seed=seed,
        backend=ranking_forest.backend,
    )


def _removal_counts(removals: Any, n_genes: int) -> np.ndarray:
    """``removals`` as a 1-d integer array with values in [0, n_genes - 1]."""
    try:
        counts = np.atleast_1d(np.asarray(removals))
    except ValueError:  # a ragged nesting of lists
        counts = np.array([], dtype=object)
    if (
        counts.ndim != 1
        or counts.size == 0
        or counts.dtype.kind not in "iu"
        or (counts < 0).any()
        or (counts >= n_genes).any()
    ):
        raise check.InvalidArgumentError(
            f"removals must be integers between 0 and {n_genes - 1}, got {removals!r}"
        )
    return counts.astype(np.int64)
