"""The R tree backend: rpart, randomForest and gbm through the R bridge (``r/trees.R``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab.trees import _structure
from statlab.trees._structure import TreeStructure

CART = ("rpart",)  # the R packages each kind of tree model needs
FOREST = ("randomForest",)
BOOSTING = ("gbm",)
LASSO_AND_CART = ("glmnet", "rpart")


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
