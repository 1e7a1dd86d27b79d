"""The bootstrap loop: for each replicate, draw the training rows and folds, run every model's
``fit_predict`` on them, and collect the results in replicate order
(:func:`statlab._replicates.map_replicates` runs the replicates).

Any callable ``fit_predict(x_train, y_train, foldid, x_test) -> ReplicateFit`` can be a model, so a
non-glmnet learner plugs in unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np

from statlab._replicates import ReplicateError, map_replicates
from statlab._validation import renamed
from statlab.stability._glmnet_fit import ReplicateFit
from statlab.stability._resampling import bootstrap_draw

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ReplicateFit]
__all__ = ["FitPredict", "ModelError", "ReplicateError", "run_replicates"]


class ModelError(RuntimeError):
    """A model's ``fit_predict`` failed; the message names the model."""


@renamed(B="n_draws")
def run_replicates(
    models: Mapping[str, FitPredict],
    x: np.ndarray,
    y: np.ndarray,
    test_index: np.ndarray,
    *,
    n_draws: int,
    seed: int,
    nfolds: int = 10,
    n_jobs: int | None = None,
    progress: bool = False,
) -> list[dict[str, ReplicateFit]]:
    """Run replicates ``0 .. n_draws-1`` through joblib and return, per replicate, each model's fit.

    The rows not in ``test_index`` are the training pool; replicate ``b`` fits every model on the
    bootstrap rows and folds :func:`bootstrap_draw` gives for ``(seed, b)``, so the result does not
    depend on ``n_jobs`` or on the joblib backend (``joblib.parallel_config(backend="dask")`` runs
    the replicates on Dask workers). Arguments are not checked here: see ``prediction_stability``.

    >>> import numpy as np
    >>> from statlab.stability import GlmnetFit
    >>> x = np.random.default_rng(0).normal(size=(60, 2)); y = x[:, 0] + 0.1 * x[:, 1]
    >>> fits = run_replicates({"lasso": GlmnetFit(alpha=1.0)}, x, y, np.arange(3), n_draws=2,
    ...                       seed=1)
    >>> len(fits), fits[0]["lasso"].predicted.shape
    (2, (3,))
    """
    from threadpoolctl import threadpool_limits

    train_index = np.setdiff1d(np.arange(x.shape[0]), test_index)
    task = partial(_one_replicate, models, x, y, train_index, test_index, seed, nfolds=nfolds)
    # A replicate is a few small fits. joblib's worker processes run one BLAS thread each; run in
    # this process, the fits do the same: more threads only waited on each other (the OLS SVDs
    # most), worse with another process on the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        return map_replicates(
            task,
            n_draws,
            seed=seed,
            n_jobs=n_jobs,
            progress=progress,
            description="bootstrap replicates",
        )


def _one_replicate(
    models: Mapping[str, FitPredict],
    x: np.ndarray,
    y: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    seed: int,
    replicate: int,
    rng: np.random.Generator,
    *,
    nfolds: int,
) -> dict[str, ReplicateFit]:
    """Every model's fit on replicate ``replicate``'s bootstrap rows and folds (``rng`` is not
    used: :func:`bootstrap_draw` draws them from ``(seed, replicate)``, the same stream)."""
    positions, foldid = bootstrap_draw(seed, replicate, train_index.shape[0], nfolds)
    rows = train_index[positions]
    x_train, y_train, x_test = x[rows], y[rows], x[test_index]
    fits = {}
    for name, fit_predict in models.items():
        try:
            fits[name] = fit_predict(x_train, y_train, foldid, x_test)
        except Exception as error:
            raise ModelError(f"model {name!r}: {type(error).__name__}: {error}") from error
    return fits
