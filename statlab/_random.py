"""Where statlab's random numbers come from: one stream per replicate, independent of the rest.

Replicate ``b`` of a run seeded with ``seed`` draws from the ``b``-th child of
``SeedSequence(seed)`` (as ``SeedSequence(seed).spawn(B)[b]``), so its draw depends on
``(seed, b)`` alone: not on the number of replicates, on ``n_jobs``, on the backend, nor on the
stream of ``default_rng(seed)`` that picks test rows or folds. ``default_rng([seed, b])`` would be
shorter but is not independent: ``[seed, 0]`` seeds the very stream ``default_rng(seed)`` does.
NumPy's ``SeedSequence`` does the work; this module only fixes the convention in one place.
"""

from __future__ import annotations

import numpy as np


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
