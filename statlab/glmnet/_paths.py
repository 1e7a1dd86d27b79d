"""The numbers every glmnet backend returns: a path and a cross-validation curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PathArrays:
    """A fitted path in original units: lambdas decreasing, ``beta`` is features x lambdas."""

    lambdas: np.ndarray
    a0: np.ndarray
    beta: np.ndarray
    df: np.ndarray
    dev_ratio: np.ndarray
    nulldev: float
    npasses: int = 0  # coordinate-descent passes over the data, as glmnet counts them


@dataclass(frozen=True)
class CVArrays:
    """A cross-validation curve over the full-data path's lambdas."""

    path: PathArrays
    cvm: np.ndarray
    cvsd: np.ndarray
    index_min: int
    index_1se: int


def cv_statistics(errors: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """glmnet's ``cvstats``: the CV curve ``cvm`` and its standard error ``cvsd`` from per-group
    errors (groups x lambdas, usually one row per fold) and group weights (fold sizes or weight
    sums): ``cvm`` is the weighted mean, ``cvsd`` the weighted sd over ``sqrt(groups - 1)``.

    >>> cvm, cvsd = cv_statistics(np.array([[1.0, 2.0], [3.0, 2.0]]), np.array([1.0, 1.0]))
    >>> cvm.tolist(), cvsd.tolist()
    ([2.0, 2.0], [1.0, 0.0])
    """
    cvm = weights @ errors / weights.sum()
    spread = weights @ (errors - cvm) ** 2 / weights.sum()
    return cvm, np.sqrt(spread / (errors.shape[0] - 1))


def select_lambda(cvm: np.ndarray, cvsd: np.ndarray) -> tuple[int, int]:
    """glmnet's rules as 0-based indices: the largest lambda reaching min(cvm) (``lambda.min``) and the
    largest lambda whose cvm is within one standard error of that minimum (``lambda.1se``).

    >>> select_lambda(np.array([3.0, 2.0, 1.0, 1.0]), np.array([0.1, 0.1, 1.5, 0.1]))
    (2, 1)
    """
    finite = np.where(np.isfinite(cvm), cvm, np.inf)
    index_min = int(np.flatnonzero(finite <= finite.min())[0])
    bound = finite[index_min] + cvsd[index_min]
    index_1se = int(np.flatnonzero(finite <= bound)[0])
    return index_min, index_1se
