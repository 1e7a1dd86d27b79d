"""The bootstrap loop: for each replicate, draw the training rows and folds, run every model's
``fit_predict`` on them, and collect the results, in order, from joblib workers.

Any callable ``fit_predict(x_train, y_train, foldid, x_test) -> ReplicateFit`` can be a model, so a
non-glmnet learner plugs in unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from statlab._progress import progress_bar
from statlab._validation import renamed
from statlab.stability._glmnet_fit import ReplicateFit
from statlab.stability._resampling import bootstrap_draw

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ReplicateFit]
BLOCKS_PER_WORKER = 4


class ReplicateError(RuntimeError):
    """A model's fit failed in one bootstrap replicate; the message names the replicate and seed."""


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
    from joblib import Parallel, delayed, effective_n_jobs

    train_index = np.setdiff1d(np.arange(x.shape[0]), test_index)
    # a few blocks of consecutive replicates per worker: one replicate takes milliseconds, so
    # sending them one by one would spend much of the time on dispatch
    workers = effective_n_jobs(n_jobs)
    n_blocks = n_draws if workers == 1 else min(n_draws, BLOCKS_PER_WORKER * workers)
    tasks = (
        delayed(_replicate_block)(models, x, y, train_index, test_index, seed, block, nfolds)
        for block in np.array_split(np.arange(n_draws), n_blocks)
    )
    results: list[dict[str, ReplicateFit]] = []
    with progress_bar(n_draws, "bootstrap replicates", progress, unit="rep") as bar:
        for block_fits in Parallel(n_jobs=n_jobs, return_as="generator")(tasks):
            results.extend(block_fits)
            bar.update(len(block_fits))
    return results


def _replicate_block(
    models: Mapping[str, FitPredict],
    x: np.ndarray,
    y: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    seed: int,
    replicates: np.ndarray,
    nfolds: int,
) -> list[dict[str, ReplicateFit]]:
    return [
        _one_replicate(models, x, y, train_index, test_index, seed, int(replicate), nfolds)
        for replicate in replicates
    ]


def _one_replicate(
    models: Mapping[str, FitPredict],
    x: np.ndarray,
    y: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    seed: int,
    replicate: int,
    nfolds: int,
) -> dict[str, ReplicateFit]:
    positions, foldid = bootstrap_draw(seed, replicate, train_index.shape[0], nfolds)
    rows = train_index[positions]
    x_train, y_train, x_test = x[rows], y[rows], x[test_index]
    fits = {}
    for name, fit_predict in models.items():
        try:
            fits[name] = fit_predict(x_train, y_train, foldid, x_test)
        except Exception as error:
            raise ReplicateError(
                f"model {name!r} failed in bootstrap replicate {replicate} (seed {seed}): "
                f"{type(error).__name__}: {error}"
            ) from error
    return fits
