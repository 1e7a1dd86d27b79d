"""statlab's one replicate runner: a task run for replicates ``0 .. n_draws-1`` through joblib.

Replicate ``b`` of a run seeded with ``seed`` gets the generator
:func:`statlab._random.replicate_rng` gives for ``(seed, b)``, so what it draws depends on
``(seed, b)`` alone: not on ``n_jobs``, on the joblib backend, nor on the order in which workers
finish. joblib does the parallel work (any backend, including ``joblib.parallel_config(
backend="dask")``); what is written here is what joblib leaves to the caller: replicates sent in a
few blocks per worker (one replicate can take milliseconds, so one dispatch per replicate would
cost more than the work), results gathered in replicate order behind a progress bar, and a failure
reported with the replicate and seed that reproduce it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

import numpy as np

from statlab._progress import progress_bar
from statlab._random import replicate_rng

Result = TypeVar("Result")
ReplicateTask = Callable[[int, np.random.Generator], Result]
#: blocks of consecutive replicates per joblib worker (fewer: less dispatch; more: a smoother bar)
BLOCKS_PER_WORKER = 4


class ReplicateError(RuntimeError):
    """A replicate failed; the message names the replicate and the seed that reproduce it."""


def map_replicates(
    task: ReplicateTask[Result],
    n_draws: int,
    *,
    seed: int,
    n_jobs: int | None = None,
    progress: bool = False,
    description: str = "replicates",
    unit: str = "rep",
    prefer: Literal["processes", "threads"] | None = None,
) -> list[Result]:
    """``[task(b, replicate_rng(seed, b)) for b in range(n_draws)]``, run by joblib.

    ``n_jobs`` is joblib's (None: the active ``parallel_config``'s, else one); ``prefer`` is its
    soft hint ("threads" where the task's inputs are costly to send to processes). A bar labelled
    ``description`` counts the replicates in ``unit`` when ``progress``. An exception in replicate
    ``b`` is re-raised as :class:`ReplicateError` naming ``b`` and ``seed``.

    >>> map_replicates(lambda b, rng: (b, int(rng.integers(10))), 3, seed=1)
    [(0, 0), (1, 9), (2, 4)]
    >>> try:
    ...     map_replicates(lambda b, rng: 1 / (b - 1), 3, seed=1, description="demo")
    ... except ReplicateError as error:
    ...     print(error)
    demo: replicate 1 (seed 1) failed: ZeroDivisionError: division by zero
    """
    from joblib import Parallel, delayed, effective_n_jobs

    workers = effective_n_jobs(n_jobs)
    n_blocks = n_draws if workers == 1 else min(n_draws, BLOCKS_PER_WORKER * workers)
    blocks = np.array_split(np.arange(n_draws), n_blocks) if n_draws else []
    tasks = (delayed(_run_block)(task, seed, block, description) for block in blocks)
    results: list[Result] = []
    with progress_bar(n_draws, description, progress, unit=unit) as bar:
        for block_results in Parallel(n_jobs=n_jobs, prefer=prefer, return_as="generator")(tasks):
            results.extend(block_results)
            bar.update(len(block_results))
    return results


def _run_block(
    task: ReplicateTask[Result], seed: int, replicates: np.ndarray, description: str
) -> list[Result]:
    results = []
    for replicate in replicates.tolist():
        try:
            results.append(task(replicate, replicate_rng(seed, replicate)))
        except Exception as error:
            raise ReplicateError(
                f"{description}: replicate {replicate} (seed {seed}) failed: "
                f"{type(error).__name__}: {error}"
            ) from error
    return results
