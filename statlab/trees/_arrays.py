"""What the tree backends return: the same types from R (``_backend_r``) and from Python
(``_backend_python``), turned into the public results by the entry functions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ForestArrays:
    """A fitted forest's numbers: per feature the permutation importance (``raw``, its standard
    error ``sd``) and the mean decrease in impurity ``mdi``; per training row the out-of-bag
    prediction; per test row the forest's prediction (None without test rows). Predictions are
    numbers (regression) or class labels."""

    raw: np.ndarray
    sd: np.ndarray
    mdi: np.ndarray
    oob_prediction: np.ndarray
    test_prediction: np.ndarray | None
