"""The R tree backend: rpart, randomForest and gbm (and glmnet for the importance refits) through
the R bridge (``r/trees.R``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab._progress import progress_bar
from statlab.trees import _structure
from statlab.trees._structure import TreeStructure

CART = ("rpart",)  # the R packages each kind of tree model needs
FOREST = ("randomForest",)
BOOSTING = ("gbm",)
LASSO_AND_CART = ("glmnet", "rpart")
#: the bootstrap refits are split into at most this many calls into R
R_CALLS = 10


def rpart(
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray | None,
    settings: dict[str, Any],
    folds: np.ndarray | None,
) -> tuple[TreeStructure, pd.DataFrame]:
    """rpart's tree (as a structure) and its complexity table."""
    _rbridge.require(CART)
    codes = y if classes is None else np.searchsorted(classes, y).astype(np.int64)
    out = _rbridge.call(
        "rpart_fit",
        X,
        codes,
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
