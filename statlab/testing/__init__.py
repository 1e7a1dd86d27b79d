"""Tools for testing code that uses statlab: R-against-Python checks and a pytest plugin.

* :func:`compare_backends` runs a statlab call on ``backend="python"`` and ``backend="r"`` and
  tabulates the largest difference of every result field against the tolerance statlab's own
  parity tests hold it to; :func:`assert_backends_agree` fails with that table;
  :func:`compare_results` tabulates two results already computed.
* :mod:`statlab.testing.pytest_plugin` (active wherever statlab is installed) gives pytest the
  ``needs_r`` marker and the ``r_backend`` fixture.

Example
-------
>>> import numpy as np, statlab as sl
>>> from statlab.testing import compare_results
>>> X = np.random.default_rng(0).normal(size=(40, 3))
>>> fits = [sl.glmnet(X, X[:, 0], backend="python") for _ in range(2)]
>>> row = compare_results(*fits).loc["beta"]
>>> float(row["abs_diff"]), float(row["tolerance"]), bool(row["passed"])
(0.0, 1e-10, True)
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["TOLERANCES", "assert_backends_agree", "compare_backends", "compare_results"]


def __getattr__(name: str) -> Any:
    # loaded on first use: pytest imports this package for its plugin in every run
    if name in __all__:
        return getattr(importlib.import_module("statlab.testing._backends"), name)
    raise AttributeError(f"module 'statlab.testing' has no attribute {name!r}")
