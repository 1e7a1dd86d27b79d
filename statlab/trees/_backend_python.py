"""The Python tree backend: statlab's glmnet engine and scikit-learn's trees, in joblib workers.

Each function here has the signature of its namesake in :mod:`statlab.trees._backend_r`, so a
caller resolves the backend and calls one of the two.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from statlab._replicates import map_replicates


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
    """Per bootstrap sample (a row of ``rows``): the binomial lasso's coefficients at
    ``lambda_star`` and the MDI of the tree grown with ``settings`` (cp, min_split, min_bucket),
    both fitted on ``X[rows[b]]`` and the 0/1 ``codes``. ``seed`` drew ``rows``; the refits run in
    ``n_jobs`` joblib workers (the numba glmnet kernel holds the GIL; its compiled code is cached
    on disk, so workers load rather than recompile it).

    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3)); codes = (X[:, 0] > 0).astype(np.int64)
    >>> settings = {"cp": 0.01, "min_split": 6, "min_bucket": 2}
    >>> coefs, mdi = bootstrap_refits(X, codes, rng.integers(0, 40, (2, 40)), 0.05, settings,
    ...                               seed=0, n_jobs=1, progress=False)
    >>> coefs.shape, bool(mdi[:, 0].min() > 0)
    ((2, 3), True)
    """
    refits = map_replicates(
        partial(_refit, X, codes, rows, lambda_star, settings),
        len(rows),
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
        description="bootstrap refits (lasso + CART)",
    )
    coefs, importances = zip(*refits, strict=True)
    return np.vstack(coefs), np.vstack(importances)


def _refit(
    X: np.ndarray,
    codes: np.ndarray,
    rows: np.ndarray,
    lambda_star: float,
    settings: dict[str, Any],
    replicate: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Replicate ``replicate``'s lasso coefficients and tree MDI (its rows were drawn beforehand,
    for both backends, so ``rng`` is not used)."""
    from statlab.glmnet import glmnet
    from statlab.trees.fit import grow_python

    index = rows[replicate]
    path = glmnet(
        X[index],
        codes[index].astype(np.float64),
        family="binomial",
        lambdas=[lambda_star],
        backend="python",
    )
    tree = grow_python(
        X[index],
        codes[index],
        np.array([0, 1]),
        {
            "max_depth": 30,
            "min_split": settings["min_split"],
            "min_bucket": settings["min_bucket"],
            "cp": settings["cp"],
        },
    )
    return path.beta[:, 0], tree.importance(X.shape[1])
