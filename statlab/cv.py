"""K-fold cross-validation for the lasso written out step by step, and the leaky design it is often
confused with.

``kfold_cv`` is the correct design ("Implementation 2" of the course's exercise): for each fold, fit
the lasso on the other folds at every lambda of the grid and score the held-out fold. ``leaky_cv``
is "Implementation 1": fit once on all the data and score each fold with those coefficients, so every
held-out point was also used for fitting. Its error is optimistic and keeps falling as lambda shrinks,
so it picks the least-penalised model. The lasso at each lambda comes from :func:`statlab.glmnet`
(``lambdas=`` solves the grid exactly).

Fold errors are combined as ``cv.glmnet`` does: weighted by fold size (a plain average when folds
are equal), with standard error ``sd(fold errors) / sqrt(K)``.

Example
-------
>>> import numpy as np, statlab as sl
>>> ozone = sl.data.load("ozone")
>>> X, y = sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"])
>>> grid = np.exp(np.linspace(np.log(0.5), np.log(1e-3), 20))
>>> honest = kfold_cv(X, y, K=10, lambdas=grid, seed=1, backend="python")
>>> leaky = leaky_cv(X, y, K=10, lambdas=grid, seed=1, backend="python")
>>> bool(leaky.cv_error.min() < honest.cv_error.min()), leaky.lambda_min == grid.min()
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab.glmnet import _inputs
from statlab.glmnet._fit import glmnet
from statlab.glmnet._paths import select_lambda

Design = Literal["correct", "leaky"]


@dataclass(frozen=True)
class LassoCV:
    """Cross-validation curve of one design: ``lambdas`` (decreasing), ``fold_errors`` (K x lambdas),
    ``cv_error`` and ``cv_se`` per lambda, ``lambda_min``, ``lambda_1se``, ``foldid`` and ``design``."""

    lambdas: np.ndarray
    fold_errors: np.ndarray
    cv_error: np.ndarray
    cv_se: np.ndarray
    index_min: int
    index_1se: int
    foldid: np.ndarray
    design: Design

    @property
    def lambda_min(self) -> float:
        return float(self.lambdas[self.index_min])

    @property
    def lambda_1se(self) -> float:
        return float(self.lambdas[self.index_1se])

    def to_frame(self) -> pd.DataFrame:
        """Long table: design, lambda, cv_error, cv_se."""
        return pd.DataFrame(
            {
                "design": self.design,
                "lambda": self.lambdas,
                "cv_error": self.cv_error,
                "cv_se": self.cv_se,
            }
        )


def kfold_cv(
    X: Any,
    y: Any,
    K: int = 10,
    lambdas: Any = None,
    foldid: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> LassoCV:
    """Correct K-fold CV of the lasso: each fold is scored by a fit that never saw it.

    ``lambdas`` defaults to glmnet's sequence on the full data. Given the same folds and lambdas,
    the result equals :func:`statlab.cv_glmnet`'s ``cvm``, ``lambda_min`` and ``lambda_1se``.
    """
    x, grid, folds = _setup(X, y, K, lambdas, foldid, seed, backend)
    y_values = np.asarray(y, dtype=np.float64)
    errors = np.empty((int(folds.max()), grid.shape[0]))
    for fold in range(1, errors.shape[0] + 1):
        held_out = folds == fold
        path = glmnet(x[~held_out], y_values[~held_out], lambdas=grid, backend=backend)
        predictions = path.a0 + x[held_out] @ path.beta
        errors[fold - 1] = np.mean((y_values[held_out, None] - predictions) ** 2, axis=0)
    return _summarise(grid, errors, folds, "correct")


def leaky_cv(
    X: Any,
    y: Any,
    K: int = 10,
    lambdas: Any = None,
    foldid: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> LassoCV:
    """The leaky design: one fit on all rows, then each fold scored with those coefficients."""
    x, grid, folds = _setup(X, y, K, lambdas, foldid, seed, backend)
    y_values = np.asarray(y, dtype=np.float64)
    path = glmnet(x, y_values, lambdas=grid, backend=backend)
    residuals = (y_values[:, None] - (path.a0 + x @ path.beta)) ** 2
    errors = np.vstack(
        [residuals[folds == fold].mean(axis=0) for fold in range(1, int(folds.max()) + 1)]
    )
    return _summarise(grid, errors, folds, "leaky")


def compare_designs(
    X: Any,
    y: Any,
    K: int = 10,
    lambdas: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> pd.DataFrame:
    """Both designs on the same folds and lambdas: one row per design with lambda_min,
    lambda_1se, the CV error at lambda_min and the lasso's nonzero count there.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> table = compare_designs(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), seed=2,
    ...                         backend="python")
    >>> list(table.index)
    ['correct', 'leaky']
    """
    x, grid, folds = _setup(X, y, K, lambdas, None, seed, backend)
    results = [
        kfold_cv(x, y, lambdas=grid, foldid=folds, backend=backend),
        leaky_cv(x, y, lambdas=grid, foldid=folds, backend=backend),
    ]
    path = glmnet(x, np.asarray(y, dtype=np.float64), lambdas=grid, backend=backend)
    rows = {
        r.design: {
            "lambda_min": r.lambda_min,
            "lambda_1se": r.lambda_1se,
            "cv_error_at_min": float(r.cv_error[r.index_min]),
            "nonzero_at_min": int(path.df[r.index_min]),
        }
        for r in results
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def _setup(
    X: Any, y: Any, K: int, lambdas: Any, foldid: Any, seed: int | None, backend: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, _ = _inputs.design(X)
    _inputs.response(y, x.shape[0], "gaussian")
    folds = _inputs.fold_ids(foldid, K, x.shape[0], seed)
    if lambdas is None:
        grid = glmnet(x, np.asarray(y, dtype=np.float64), backend=backend).lambdas
    else:
        grid = _inputs.lambda_grid(lambdas)
    return x, grid, folds


def _summarise(grid: np.ndarray, errors: np.ndarray, folds: np.ndarray, design: Design) -> LassoCV:
    sizes = np.bincount(folds)[1:].astype(np.float64)
    cv_error = sizes @ errors / sizes.sum()
    spread = sizes @ (errors - cv_error) ** 2 / sizes.sum()
    cv_se = np.sqrt(spread / (errors.shape[0] - 1))
    index_min, index_1se = select_lambda(cv_error, cv_se)
    return LassoCV(grid, errors, cv_error, cv_se, index_min, index_1se, folds, design)
