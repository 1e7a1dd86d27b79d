"""K-fold cross-validation for the lasso written out step by step, and the leaky design it is often
confused with.

``kfold_cv`` is the correct design ("Implementation 2" of the course's exercise): for each fold, fit
the lasso on the other folds at every lambda of the grid and score the held-out fold. ``leaky_cv``
is "Implementation 1": fit once on all the data and score each fold with those coefficients, so every
held-out point was also used for fitting. Its error is optimistic and keeps falling as lambda shrinks,
so it picks the least-penalised model.

Everything is built on statlab's public glmnet API: the lasso at each lambda is
:func:`statlab.glmnet` (``lambdas=`` solves the grid exactly, on either backend), the folds are drawn
by :func:`statlab.glmnet.fold_ids` as ``cv_glmnet`` draws them, and the fold errors are combined by
:func:`statlab.glmnet.cv_statistics` and :func:`statlab.glmnet.select_lambda`, the helpers behind
``cv_glmnet``'s own curve: weighted by fold size, with standard error ``sd(fold errors) / sqrt(K)``.

Example
-------
>>> import numpy as np, statlab as sl
>>> ozone = sl.data.load("ozone")
>>> X, y = sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"])
>>> grid = np.exp(np.linspace(np.log(0.5), np.log(1e-3), 20))
>>> honest = kfold_cv(X, y, nfolds=10, lambdas=grid, seed=1, backend="python")
>>> leaky = leaky_cv(X, y, nfolds=10, lambdas=grid, seed=1, backend="python")
>>> bool(leaky.cvm.min() < honest.cvm.min()), bool(leaky.lambda_min == grid.min())
(True, True)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.glmnet.result import CVCurveMixin

__all__ = ["CVCurve", "compare_designs", "kfold_cv", "leaky_cv"]

Design = Literal["correct", "leaky"]
MEASURE = "Mean-Squared Error"


@dataclass(frozen=True, repr=False)
class CVCurve(CVCurveMixin):
    """The cross-validation curve of one design, named as ``cv.glmnet`` names its own.

    Attributes: ``lambdas`` (decreasing), ``fold_errors`` (folds x lambdas), ``cvm`` and ``cvsd``
    per lambda, ``nzero`` (nonzero coefficients of the full-data fit), ``index_min`` and
    ``index_1se`` (0-based), ``foldid`` (1-based), ``design`` ("correct" or "leaky"), ``backend``,
    and ``seed``: the seed ``foldid`` was drawn from (fresh when the call gave None; None when the
    call gave ``foldid``).
    """

    lambdas: np.ndarray
    fold_errors: np.ndarray
    cvm: np.ndarray
    cvsd: np.ndarray
    nzero: np.ndarray
    index_min: int
    index_1se: int
    foldid: np.ndarray
    design: Design
    backend: str
    measure: str = MEASURE
    seed: int | None = None

    @property
    def cv_error(self) -> np.ndarray:
        """Deprecated name of :attr:`cvm`."""
        warnings.warn("CVCurve.cv_error is deprecated; use cvm", DeprecationWarning, 2)
        return self.cvm

    @property
    def cv_se(self) -> np.ndarray:
        """Deprecated name of :attr:`cvsd`."""
        warnings.warn("CVCurve.cv_se is deprecated; use cvsd", DeprecationWarning, 2)
        return self.cvsd

    def to_frame(self) -> pd.DataFrame:
        """Long table: design, lambda, log_lambda, cvm, cvsd, cvlo, cvup, nzero."""
        return pd.DataFrame(
            {
                "design": self.design,
                "lambda": self.lambdas,
                "log_lambda": np.log(self.lambdas),
                "cvm": self.cvm,
                "cvsd": self.cvsd,
                "cvlo": self.cvlo,
                "cvup": self.cvup,
                "nzero": self.nzero,
            }
        )

    def summary(self) -> pd.DataFrame:
        """``print(cv_fit)``'s table: Lambda, Index (1-based), Measure, SE, Nonzero for min and
        1se."""
        from statlab.glmnet import cv_summary

        return cv_summary(
            self.lambdas, self.cvm, self.cvsd, self.nzero, self.index_min, self.index_1se
        )

    def plot(self) -> Any:
        """The curve drawn as ``plot(cv_fit)`` draws ``cv.glmnet``'s (see
        :func:`statlab.plots.glmnet.plot_cv_curve`)."""
        from statlab.plots.glmnet import plot_cv_curve

        return plot_cv_curve(self)

    def __repr__(self) -> str:
        table = self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        return (
            f"CVCurve(design={self.design!r}, backend={self.backend!r}, "
            f"nfolds={int(self.foldid.max())})\n{table}"
        )


@check.renamed(K="nfolds")
def kfold_cv(
    X: Any,
    y: Any,
    *,
    nfolds: int = 10,
    lambdas: Any = None,
    foldid: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> CVCurve:
    """Correct K-fold CV of the lasso: each fold is scored by a fit that never saw it.

    ``lambdas`` defaults to glmnet's sequence on the full data. Given the same folds and lambdas,
    the result equals :func:`statlab.cv_glmnet`'s ``cvm``, ``lambda_min`` and ``lambda_1se``.

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(30, 2)); y = x[:, 0]
    >>> kfold_cv(x, y, nfolds=3, seed=1, backend="python").cvm.shape[0] > 1
    True
    """
    x, y_values, full, folds, seed = _setup(X, y, nfolds, lambdas, foldid, seed, backend)
    from statlab.glmnet import glmnet

    errors = np.empty((int(folds.max()), full.lambdas.shape[0]))
    for fold in range(1, errors.shape[0] + 1):
        held_out = folds == fold
        path = glmnet(x[~held_out], y_values[~held_out], lambdas=full.lambdas, backend=full.backend)
        predictions = path.a0 + x[held_out] @ path.beta
        errors[fold - 1] = np.mean((y_values[held_out, None] - predictions) ** 2, axis=0)
    return _curve(full, errors, folds, "correct", seed)


@check.renamed(K="nfolds")
def leaky_cv(
    X: Any,
    y: Any,
    *,
    nfolds: int = 10,
    lambdas: Any = None,
    foldid: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> CVCurve:
    """The leaky design: one fit on all rows, then each fold scored with those coefficients.

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(30, 2)); y = x[:, 0]
    >>> leaky_cv(x, y, nfolds=3, seed=1, backend="python").design
    'leaky'
    """
    x, y_values, full, folds, seed = _setup(X, y, nfolds, lambdas, foldid, seed, backend)
    residuals = (y_values[:, None] - (full.a0 + x @ full.beta)) ** 2
    errors = np.vstack(
        [residuals[folds == fold].mean(axis=0) for fold in range(1, int(folds.max()) + 1)]
    )
    return _curve(full, errors, folds, "leaky", seed)


@check.renamed(K="nfolds")
def compare_designs(
    X: Any,
    y: Any,
    *,
    nfolds: int = 10,
    lambdas: Any = None,
    seed: int | None = None,
    backend: str = "auto",
) -> pd.DataFrame:
    """Both designs on the same folds and lambdas: one row per design with lambda_min,
    lambda_1se, the CV error at lambda_min and the lasso's nonzero count there;
    ``.attrs["seed"]`` is the seed of the folds (fresh when ``seed`` is None).

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> table = compare_designs(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), seed=2,
    ...                         backend="python")
    >>> list(table.index)
    ['correct', 'leaky']
    """
    x, y_values, full, folds, seed = _setup(X, y, nfolds, lambdas, None, seed, backend)
    results = [
        kfold_cv(x, y_values, lambdas=full.lambdas, foldid=folds, backend=full.backend),
        leaky_cv(x, y_values, lambdas=full.lambdas, foldid=folds, backend=full.backend),
    ]
    rows = {
        r.design: {
            "lambda_min": r.lambda_min,
            "lambda_1se": r.lambda_1se,
            "cvm_at_min": float(r.cvm[r.index_min]),
            "nonzero_at_min": int(r.nzero[r.index_min]),
        }
        for r in results
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["seed"] = seed
    return table


def _setup(
    X: Any, y: Any, nfolds: Any, lambdas: Any, foldid: Any, seed: Any, backend: Any
) -> tuple[np.ndarray, np.ndarray, Any, np.ndarray, int | None]:
    """Checked inputs, the full-data lasso path on the grid, the folds, and the seed they were
    drawn from (a fresh one for None; None when ``foldid`` is given)."""
    from statlab.glmnet import fold_ids, glmnet

    x, _ = check.matrix(X, "X")
    y_values = check.response(y, x.shape[0], "y")
    nfolds = check.integer(nfolds, "nfolds", low=3, high=x.shape[0])
    seed = resolved_seed(seed) if foldid is None else check.seed(seed)
    full = glmnet(x, y_values, lambdas=lambdas, backend=check.backend(backend))
    folds = fold_ids(foldid, nfolds, x.shape[0], seed)
    return x, y_values, full, folds, seed if foldid is None else None


def _curve(
    full: Any, errors: np.ndarray, folds: np.ndarray, design: Design, seed: int | None
) -> CVCurve:
    from statlab.glmnet import cv_statistics, select_lambda

    cvm, cvsd = cv_statistics(errors, np.bincount(folds)[1:].astype(np.float64))
    index_min, index_1se = select_lambda(cvm, cvsd)
    return CVCurve(
        lambdas=full.lambdas,
        fold_errors=errors,
        cvm=cvm,
        cvsd=cvsd,
        nzero=np.asarray(full.df),
        index_min=index_min,
        index_1se=index_1se,
        foldid=folds,
        design=design,
        backend=full.backend,
        seed=seed,
    )


def __getattr__(name: str) -> Any:
    if name == "LassoCV":
        warnings.warn("statlab.cv.LassoCV is deprecated; use CVCurve", DeprecationWarning, 2)
        return CVCurve
    raise AttributeError(f"module 'statlab.cv' has no attribute {name!r}")
