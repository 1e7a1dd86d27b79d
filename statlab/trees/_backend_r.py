"""The R tree backend: rpart, randomForest and gbm (and glmnet for the importance refits) through
the R bridge (``r/trees.R``). Each function has the signature and result type of its namesake in
``_backend_python``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab._progress import progress_bar
from statlab.trees import _structure
from statlab.trees._arrays import ForestArrays
from statlab.trees._structure import TreeStructure

CART = ("rpart",)  # the R packages each kind of tree model needs
FOREST = ("randomForest",)
BOOSTING = ("gbm",)
LASSO_AND_CART = ("glmnet", "rpart")
#: the bootstrap refits are split into at most this many calls into R
R_CALLS = 10


def grow_tree(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, Any],
    folds: np.ndarray | None,
) -> tuple[TreeStructure, pd.DataFrame]:
    """rpart's tree (as a structure) and its complexity table, cross-validated by rpart over
    ``folds`` (1-based labels) when given."""
    _rbridge.require(CART)
    out = _rbridge.call(
        "rpart_fit",
        X,
        _codes(y, classes),
        method="anova" if classes is None else "class",
        max_depth=settings["max_depth"],
        cp=settings["cp"],
        min_split=settings["min_split"],
        min_bucket=settings["min_bucket"],
        foldid=folds,
    )
    tree = _structure.from_rpart(out, X, y, classes)
    table = np.atleast_2d(np.asarray(out["cptable"], dtype=np.float64))
    columns = ["CP", "nsplit", "rel_error", "xerror", "xstd"][: table.shape[1]]
    cptable = pd.DataFrame(table, columns=columns).astype({"nsplit": np.int64})
    return tree, cptable


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
    """Per bootstrap sample (a row of ``rows``): glmnet's binomial lasso coefficients at
    ``lambda_star`` and rpart's MDI with ``settings``, refitted by ``arcene_bootstrap`` in R.
    R runs them in one process (``seed`` and ``n_jobs`` are the Python side's), in up to
    ``R_CALLS`` calls of consecutive replicates so that a progress bar can move (each replicate
    depends on its rows only, so the split does not change the result)."""
    _rbridge.require(LASSO_AND_CART)
    coefs, importances = [], []
    with progress_bar(len(rows), "bootstrap refits (lasso + CART)", progress) as bar:
        for block in np.array_split(rows, min(R_CALLS, len(rows))):
            out = _rbridge.call(
                "arcene_bootstrap",
                X,
                codes.astype(np.int64),
                (block + 1).astype(np.int64),
                lambda_star,
                settings["cp"],
                min_split=settings["min_split"],
                min_bucket=settings["min_bucket"],
            )
            shape = block.shape[0], X.shape[1]
            coefs.append(np.asarray(out["coefs"], dtype=np.float64).reshape(shape))
            importances.append(np.asarray(out["importances"], dtype=np.float64).reshape(shape))
            bar.update(len(block))
    return np.vstack(coefs), np.vstack(importances)


def random_forest(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, int],
    X_test: np.ndarray | None,
    seed: int,
    n_jobs: int,
) -> ForestArrays:
    """randomForest's forest (``importance = TRUE``) seeded by R's ``set.seed(seed)``; R grows
    the trees in one process whatever ``n_jobs``."""
    _rbridge.require(FOREST)
    out = _rbridge.call(
        "rf_fit",
        X,
        _codes(y, classes),
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

    return ForestArrays(
        raw=np.asarray(out["raw"], dtype=np.float64),
        sd=np.asarray(out["sd"], dtype=np.float64),
        mdi=np.asarray(out["mdi"], dtype=np.float64),
        oob_prediction=labels(out["oob"]),
        test_prediction=None if X_test is None else labels(out["test"]),
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
    """randomForest's held-out error per fold (rows) and ``mtry`` of ``grid`` (columns), all fits
    in one R call seeded by ``set.seed(seed)`` (so ``n_jobs`` is not used and ``bar`` moves once,
    at the end)."""
    _rbridge.require(FOREST)
    errors = np.asarray(
        _rbridge.call(
            "rf_cv_mtry",
            X,
            _codes(y, classes),
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
    return errors


def gbm_fitted(
    X: np.ndarray,
    y: np.ndarray,
    n_trees: int,
    interaction_depth: int,
    shrinkage: float,
    min_bucket: int,
    bag_fraction: float,
) -> tuple[np.ndarray, float]:
    """gbm's (gaussian) training predictions after each tree, an n x ``n_trees`` matrix, and its
    initial value. R only: gbm's best-first trees have no Python counterpart in statlab."""
    _rbridge.require(BOOSTING)
    out = _rbridge.call(
        "gbm_fit",
        X,
        y,
        n_trees=n_trees,
        interaction_depth=interaction_depth,
        shrinkage=shrinkage,
        n_minobsinnode=min_bucket,
        bag_fraction=bag_fraction,
    )
    fitted = np.asarray(out["fitted"], dtype=np.float64).reshape(len(y), n_trees)
    return fitted, float(np.asarray(out["init"])[0])


def _codes(y: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
    """The response as R receives it: numbers, or 0-based class codes."""
    return y if classes is None else np.searchsorted(classes, y).astype(np.int64)
