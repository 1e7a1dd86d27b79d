"""Filling numba's on-disk cache with every kernel of the Python backend, ahead of a user's first
call (``statlab compile``, run by ``scripts/setup.sh``).

Each kernel compiles one signature whatever the user's data (the backend hands them float64,
column-major x, CSC arrays with unsigned row numbers, C-contiguous vectors, the user's data
read-only), so one tiny problem per kind of fit compiles what any later call of that kind needs;
a later process loads it from the cache in milliseconds instead of compiling it for seconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from statlab._progress import progress_bar
from statlab.glmnet._fit import cv_glmnet, glmnet


@dataclass(frozen=True)
class KernelStatus:
    """One kernel after :func:`compile_kernels`: its ``name`` and whether it was ``loaded`` from
    numba's cache (else compiled, and written to the cache)."""

    name: str
    loaded: bool


def warm_up_calls() -> list[tuple[str, Callable[[], Any]]]:
    """The public calls that together run every kernel: (description, call) per kind of fit, on
    tiny problems (dense and sparse x, each family and Gaussian algorithm, weights, an offset,
    cross-validation with and without folds sharing their Gram, the relaxed fit, several
    responses).

    >>> [name for name, _ in warm_up_calls()][:2]
    ['gaussian, covariance updates, cv_glmnet', 'gaussian, folds sharing their Gram, cv_glmnet']
    """
    rng = np.random.default_rng(0)
    n, p = 60, 5
    x = rng.standard_normal((n, p))
    y = x[:, 0] - x[:, 1] + rng.standard_normal(n)
    weights = rng.uniform(0.5, 2.0, n)
    counts = rng.poisson(np.exp(0.5 * x[:, 0])).astype(np.float64)
    classes = np.arange(n) % 3
    sparse_x = sp.random(n, p, density=0.5, format="csc", random_state=rng)
    # n p >= 50,000 rows x columns and n >= 11 p: the covariance folds share one Gram product
    tall = np.repeat(x, 170, axis=0)
    tall_y = tall[:, 0] + rng.standard_normal(tall.shape[0])
    survival = np.column_stack([np.ceil(rng.exponential(10.0, n)), rng.uniform(size=n) < 0.7])
    python = {"backend": "python", "nlambda": 5}
    return [
        ("gaussian, covariance updates, cv_glmnet",
         lambda: cv_glmnet(x, y, weights=weights, nfolds=3, seed=1, **python)),
        ("gaussian, folds sharing their Gram, cv_glmnet",
         lambda: cv_glmnet(tall, tall_y, nfolds=3, seed=1, **python)),
        ("gaussian, naive updates, dense x",
         lambda: glmnet(x, y, type_gaussian="naive", **python)),
        ("gaussian, naive updates, sparse x",
         lambda: glmnet(sparse_x, y, type_gaussian="naive", **python)),
        ("binomial, cv_glmnet",
         lambda: cv_glmnet(x, (y > 0).astype(float), family="binomial", nfolds=3, seed=1,
                           **python)),
        ("poisson with offset, sparse x",
         lambda: glmnet(sparse_x, counts, family="poisson", offset=0.1 * weights, **python)),
        ("multinomial, relaxed", lambda: glmnet(x, classes, family="multinomial", relax=True,
                                                **python)),
        ("cox, cv_glmnet by deviance",
         lambda: cv_glmnet(x, survival, family="cox", nfolds=3, seed=1, **python)),
        ("cox, sparse x, cv_glmnet by C-index",
         lambda: cv_glmnet(sparse_x, survival, family="cox", type_measure="C", nfolds=3, seed=1,
                           **python)),
        ("cox, (start, stop] data in strata",
         lambda: glmnet(x, np.column_stack([survival[:, 0] / 2, survival]), family="cox",
                        strata=np.arange(n) % 2, **python)),
        ("multinomial, grouped",
         lambda: glmnet(x, classes, family="multinomial", type_multinomial="grouped", **python)),
        ("family object (binomial, probit link), cv_glmnet",
         lambda: cv_glmnet(x, (y > 0).astype(float), family=_probit(), nfolds=3, seed=1,
                           **python)),
        ("family object (quasipoisson), sparse x",
         lambda: glmnet(sparse_x, counts, family="quasipoisson", **python)),
        ("multi-response gaussian, cv_glmnet",
         lambda: cv_glmnet(x, np.column_stack([y, counts]), family="mgaussian", nfolds=3, seed=1,
                           **python)),
    ]  # fmt: skip


def _probit() -> Any:
    import statsmodels.api as sm

    return sm.families.Binomial(link=sm.families.links.Probit())


def compile_kernels(*, progress: bool = False) -> list[KernelStatus]:
    """Compile every numba kernel of the Python backend into numba's on-disk cache (or load it from
    there) by running :func:`warm_up_calls`, with a progress bar when ``progress``; returns each
    kernel's :class:`KernelStatus`. Run once after installing (``statlab compile``): later
    processes then load the kernels they call instead of compiling them.

    >>> statuses = compile_kernels()
    >>> sorted(s.name for s in statuses)[:2]
    ['_gaussian_naive_path_dense', '_gaussian_naive_path_sparse']
    """
    from statlab.glmnet import _flex_kernels, _kernels

    calls = warm_up_calls()
    with progress_bar(len(calls), "compiling glmnet kernels", progress, unit="fit") as bar:
        for description, call in calls:
            bar.set_postfix_str(description)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tiny problems: short paths, unconverged folds
                call()
            bar.update(1)
    return [
        KernelStatus(name, loaded=not dispatcher.stats.cache_misses)
        for name, dispatcher in [
            *_kernels.dispatchers().items(),
            *_flex_kernels.dispatchers().items(),
        ]
        if dispatcher.signatures
    ]
