"""Where every random number of a stability run comes from: the test split from ``seed`` alone, and
each replicate's bootstrap rows and CV folds from ``(seed, replicate)`` alone.

Replicate ``b`` draws from :func:`statlab._random.replicate_rng` (the ``b``-th child of
``SeedSequence(seed)``), so a replicate's draw does not depend on ``B``, on the other replicates, on
``n_jobs`` or on the backend, and not on the stream of ``seed`` that draws the test split.
"""

from __future__ import annotations

import numpy as np

from statlab import _validation as check
from statlab._random import replicate_rng


def holdout_rows(n_rows: int, n_test: int, seed: int) -> np.ndarray:
    """``n_test`` distinct rows out of ``n_rows`` (0-based, sorted), drawn from ``seed`` alone.

    >>> holdout_rows(10, 3, seed=479).tolist()
    [2, 5, 8]
    """
    n_rows = check.integer(n_rows, "n_rows", low=2)
    n_test = check.integer(n_test, "n_test", low=1, high=n_rows - 1)
    rng = np.random.default_rng(check.seed(seed))
    return np.sort(rng.choice(n_rows, size=n_test, replace=False))


def bootstrap_draw(
    seed: int, replicate: int, n_train: int, nfolds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Replicate ``replicate``'s bootstrap sample and its CV folds.

    Returns 0-based positions into the ``n_train`` training rows (drawn with replacement) and one
    1-based fold label per drawn row, assigned like R's ``sample(rep(1:nfolds, length = n))``.

    >>> rows, folds = bootstrap_draw(479, replicate=0, n_train=6, nfolds=3)
    >>> rows.tolist(), folds.tolist()
    ([2, 2, 3, 1, 3, 4], [3, 1, 2, 1, 2, 3])
    """
    seed = check.integer(seed, "seed", low=0)
    replicate = check.integer(replicate, "replicate", low=0)
    n_train = check.integer(n_train, "n_train", low=1)
    nfolds = check.integer(nfolds, "nfolds", low=1)
    rng = replicate_rng(seed, replicate)
    rows = rng.integers(0, n_train, size=n_train)
    folds = rng.permutation(np.resize(np.arange(1, nfolds + 1), n_train))
    return rows, folds.astype(np.int64)
