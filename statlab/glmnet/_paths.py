"""The numbers every glmnet backend returns (a path and a cross-validation curve) and the options
both backends take."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from statlab import _validation as check

EARLY_STOP_FDEV = 1e-5  # glmnet.control()$fdev: the path stops when R^2 gains less than this


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
    pmax_reached: bool = False  # the path stopped because more than pmax variables were active
    # the path stopped because the grouped multinomial's largest p (1 - p) fell below 1e-6
    curvature_floor_reached: bool = False
    relaxed: RelaxedArrays | None = None  # with relax=True: the refits on each active set


@dataclass(frozen=True)
class RelaxedArrays:
    """A path's relaxed fit (R's ``fit$relaxed``): at each lambda, the unpenalised refit on that
    lambda's active set (lambdas with no active variable keep the penalised, intercept-only fit).
    Lambdas whose active set has more than ``n - 3`` variables are omitted, as ``relax.glmnet``
    does: ``kept`` marks the path lambdas present, and the arrays hold those columns only."""

    kept: np.ndarray
    a0: np.ndarray
    beta: np.ndarray
    dev_ratio: np.ndarray


RELAX_MIN_GAMMA = 1e-5  # blend.relaxed's epsilon: gamma = 0 is taken as 1e-5


def blend(
    a0: np.ndarray,
    beta: np.ndarray,
    dev_ratio: np.ndarray,
    relaxed: RelaxedArrays,
    gamma: float,
    extend: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """R's ``blend.relaxed``: ``gamma * penalised + (1 - gamma) * relaxed`` for intercepts,
    coefficients and dev_ratio, gamma floored at 1e-5. With ``extend`` a lambda the relaxed fit
    omits takes the last relaxed fit kept; without, it is dropped. Also returns the mask of path
    lambdas in the result.

    >>> relaxed = RelaxedArrays(np.array([True, False]), np.array([1.0]), np.array([[2.0]]),
    ...                         np.array([0.5]))
    >>> blend(np.array([0.0, 0.0]), np.array([[0.0, 1.0]]), np.array([0.1, 0.3]), relaxed,
    ...       0.5)[1].tolist()
    [[1.0, 1.5]]
    """
    gamma = max(gamma, RELAX_MIN_GAMMA)
    kept = relaxed.kept
    if extend:
        columns = np.where(kept, np.cumsum(kept) - 1, int(kept.sum()) - 1)
        rows = np.ones_like(kept)
    else:
        columns = np.arange(int(kept.sum()))
        rows = kept
    return (
        gamma * a0[..., rows] + (1 - gamma) * relaxed.a0[..., columns],
        gamma * beta[..., rows] + (1 - gamma) * relaxed.beta[..., columns],
        gamma * dev_ratio[rows] + (1 - gamma) * relaxed.dev_ratio[columns],
        rows,
    )


@dataclass(frozen=True)
class PathOptions:
    """glmnet's per-variable options, checked, in R's meaning (see :mod:`statlab.glmnet._inputs`).

    ``penalty_factor`` is as given (``inf`` excludes), ``exclude`` 0-based positions, ``lower`` and
    ``upper`` one limit per variable in the data's units (``-inf``/``inf`` for none).
    """

    penalty_factor: np.ndarray
    exclude: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    intercept: bool
    dfmax: int
    pmax: int

    @classmethod
    def defaults(cls, n_features: int) -> PathOptions:
        """R's defaults for ``n_features`` variables.

        >>> PathOptions.defaults(30).pmax, PathOptions.defaults(3).pmax
        (30, 3)
        """
        dfmax = n_features + 1
        return cls(
            np.ones(n_features),
            np.zeros(0, dtype=np.int64),
            np.full(n_features, -np.inf),
            np.full(n_features, np.inf),
            True,
            dfmax,
            min(2 * dfmax + 20, n_features),
        )

    @property
    def included(self) -> np.ndarray:
        """False for excluded variables (``exclude`` or an infinite penalty factor)."""
        included = np.isfinite(self.penalty_factor)
        included[self.exclude] = False
        return included

    @property
    def penalty(self) -> np.ndarray:
        """Penalty factors as glmnet uses them: excluded ones set to 1, negatives to 0, then
        scaled to sum to the number of variables.

        >>> from dataclasses import replace
        >>> replace(PathOptions.defaults(3), penalty_factor=np.array([0.0, 1.0, 5.0])).penalty
        array([0. , 0.5, 2.5])
        """
        factors = np.where(self.included, np.maximum(self.penalty_factor, 0.0), 1.0)
        return factors * (factors.shape[0] / factors.sum())

    @property
    def fdev(self) -> float:
        """glmnet's relative-R^2 early stop, switched off when any limit is 0."""
        at_zero = (self.lower == 0).any() or (self.upper == 0).any()
        return 0.0 if at_zero else EARLY_STOP_FDEV


@dataclass(frozen=True)
class CVArrays:
    """A cross-validation curve over the full-data path's lambdas."""

    path: PathArrays
    cvm: np.ndarray
    cvsd: np.ndarray
    index_min: int
    index_1se: int
    fit_preval: np.ndarray | None = None  # out-of-fold linear predictors (R's keep = TRUE)
    relaxed: RelaxedCVArrays | None = None  # with relax=True: the curves per gamma


@dataclass(frozen=True)
class RelaxedCVArrays:
    """cv.glmnet's relaxed component: one CV curve per gamma (rows of ``cvm``/``cvsd``, gamma
    increasing) over the full-data lambdas, and the (lambda, gamma) chosen by min and 1se, as
    0-based (gamma row, lambda column) pairs."""

    gamma: np.ndarray
    cvm: np.ndarray
    cvsd: np.ndarray
    choice_min: tuple[int, int]
    choice_1se: tuple[int, int]
    fit_preval: np.ndarray | None = None  # gamma x observations x lambdas (x classes)


PMAX_CODE = -10000  # glmnet's error code -10000 - m: pmax exceeded at the m-th lambda


def pmax_warning(pmax: int, n_lambdas: int) -> None:
    """glmnet's warning when more than ``pmax`` variables became non-zero (the path stops)."""
    warnings.warn(
        f"pmax: more than pmax = {pmax} variables became non-zero at lambda number "
        f"{n_lambdas + 1}; the path stops at {n_lambdas} lambdas (as R's glmnet does)",
        RuntimeWarning,
        stacklevel=check.caller_stacklevel(),
    )


def empty_path_message(pmax: int) -> str:
    """The error for a path that exceeds ``pmax`` at its first lambda (R returns an empty model)."""
    return (
        f"pmax: more than pmax = {pmax} variables are non-zero at the first lambda, so there is "
        "no solution to return (R returns an empty model): raise pmax"
    )


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


def cv_summary(
    lambdas: np.ndarray,
    cvm: np.ndarray,
    cvsd: np.ndarray,
    nzero: np.ndarray,
    index_min: int,
    index_1se: int,
) -> pd.DataFrame:
    """R's ``print(cv_fit)`` table: Lambda, Index (1-based), Measure, SE, Nonzero at lambda.min
    ("min") and lambda.1se ("1se").

    >>> cv_summary(np.array([1.0, 0.5]), np.array([2.0, 1.0]), np.array([0.1, 0.2]),
    ...            np.array([0, 3]), 1, 0)["Index"].tolist()
    [2, 1]
    """
    rows = {"min": index_min, "1se": index_1se}
    return pd.DataFrame(
        {
            "Lambda": [lambdas[i] for i in rows.values()],
            "Index": [i + 1 for i in rows.values()],
            "Measure": [cvm[i] for i in rows.values()],
            "SE": [cvsd[i] for i in rows.values()],
            "Nonzero": [int(nzero[i]) for i in rows.values()],
        },
        index=list(rows),
    )


# cvm values this close (relative) count as equal when choosing lambda: where a path has stopped
# moving (limits reached, dfmax, pmax) the curve is flat, R's values there are equal to the last
# bit and it takes the largest lambda; computed in another order they differ in the last bits
ROUNDING_TIE = 1e-12


def _at_most(values: np.ndarray, bound: float) -> np.ndarray:
    """``values <= bound``, counting values within rounding of ``bound`` as equal to it."""
    return values <= bound + ROUNDING_TIE * abs(bound)


def select_lambda(cvm: np.ndarray, cvsd: np.ndarray) -> tuple[int, int]:
    """glmnet's rules as 0-based indices: the largest lambda reaching min(cvm) (``lambda.min``) and the
    largest lambda whose cvm is within one standard error of that minimum (``lambda.1se``); values
    equal to rounding are ties (``ROUNDING_TIE``).

    >>> select_lambda(np.array([3.0, 2.0, 1.0, 1.0]), np.array([0.1, 0.1, 1.5, 0.1]))
    (2, 1)
    >>> select_lambda(np.array([3.0, 1.0, 1.0 - 2e-16]), np.zeros(3))
    (1, 1)
    """
    finite = np.where(np.isfinite(cvm), cvm, np.inf)
    index_min = int(np.flatnonzero(_at_most(finite, finite.min()))[0])
    bound = finite[index_min] + cvsd[index_min]
    index_1se = int(np.flatnonzero(_at_most(finite, bound))[0])
    return index_min, index_1se


def select_lambda_gamma(
    cvm: np.ndarray, cvsd: np.ndarray, lambdas: np.ndarray, gamma: np.ndarray
) -> tuple[tuple[int, int], tuple[int, int]]:
    """glmnet's ``getOptcv.relaxed`` over a gamma x lambda grid of curves, as 0-based (gamma,
    lambda) pairs: min is the smallest cvm, 1se the cells within one standard error of it; ties go
    to the largest lambda, then the largest gamma (values equal to rounding tie, as
    :func:`select_lambda`). ``cvm`` is to be minimised (negate an AUC).

    >>> cvm = np.array([[3.0, 1.0, 1.5], [2.0, 1.2, 1.1]])
    >>> select_lambda_gamma(cvm, np.full((2, 3), 0.3), np.array([3.0, 2.0, 1.0]), np.array([0, 1]))
    ((0, 1), (1, 1))
    """
    finite = np.where(np.isfinite(cvm), cvm, np.inf)
    lambda_grid = np.broadcast_to(lambdas, cvm.shape)
    gamma_grid = np.broadcast_to(np.asarray(gamma, dtype=np.float64)[:, None], cvm.shape)

    def first(mask: np.ndarray) -> tuple[int, int]:
        rows, cols = np.nonzero(mask)
        best = np.lexsort((-gamma_grid[rows, cols], -lambda_grid[rows, cols]))[0]
        return int(rows[best]), int(cols[best])

    choice_min = first(_at_most(finite, finite.min()))
    bound = finite[choice_min] + cvsd[choice_min]
    return choice_min, first(_at_most(finite, bound))
