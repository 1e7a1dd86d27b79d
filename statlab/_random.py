"""Where statlab's random numbers come from: one stream per replicate, independent of the rest.

Replicate ``b`` of a run seeded with ``seed`` draws from the ``b``-th child of
``SeedSequence(seed)`` (as ``SeedSequence(seed).spawn(B)[b]``), so its draw depends on
``(seed, b)`` alone: not on the number of replicates, on ``n_jobs``, on the backend, nor on the
stream of ``default_rng(seed)`` that picks test rows or folds. ``default_rng([seed, b])`` would be
shorter but is not independent: ``[seed, 0]`` seeds the very stream ``default_rng(seed)`` does.
NumPy's ``SeedSequence`` does the work; this module only fixes the convention in one place.

A public function's ``seed=None`` means "a fresh seed": :func:`resolved_seed` draws one once, at
the function's entry, and the function records it in its result so the run can be repeated.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from statlab import _validation as check

#: fresh seeds stay below R's largest integer, so R's ``set.seed`` takes them as they are
FRESH_SEED_BOUND = 2**31 - 1


def fresh_seed() -> int:
    """A seed drawn from the operating system's entropy, in ``[0, 2**31 - 1)``.

    >>> 0 <= fresh_seed() < FRESH_SEED_BOUND
    True
    """
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] % FRESH_SEED_BOUND)


def resolved_seed(seed: Any, name: str = "seed") -> int:
    """``seed`` checked (a non-negative integer), or a :func:`fresh_seed` when it is None.

    >>> resolved_seed(479)
    479
    >>> isinstance(resolved_seed(None), int)
    True
    """
    chosen = check.seed(seed, name)
    return fresh_seed() if chosen is None else chosen


def replicate_rng(seed: int, replicate: int) -> np.random.Generator:
    """The generator of replicate ``replicate`` (0-based) of a run seeded with ``seed``.

    >>> a = replicate_rng(479, 0).integers(0, 100, 3)
    >>> b = np.random.default_rng(479).integers(0, 100, 3)
    >>> bool((a == b).all())
    False
    >>> bool((replicate_rng(479, 2).random(2) == replicate_rng(479, 2).random(2)).all())
    True
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replicate,)))
