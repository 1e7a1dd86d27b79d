"""The R SHAP backend: the same enumeration and LinearSHAP in base R (``r/shap.R``, R calling
``f`` back through the R bridge). Each function has the signature and result of its namesake in
``_backend_python``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from statlab import _rbridge

PACKAGES: tuple[str, ...] = ()  # base R: Debian ships no R SHAP package, r/shap.R needs none


def exact_values(
    f: Callable[[np.ndarray], Any],
    x_rows: np.ndarray,
    background_rows: np.ndarray,
    value: str,
    masks: np.ndarray,
    transforms: np.ndarray | None,
) -> tuple[np.ndarray, float]:
    """R's ``shap_exact``: Shapley values (n x p) and the value of the empty coalition. R builds
    the coalitions and the Gaussian conditional's transforms from ``value`` by the same rules as
    ``masks`` and ``transforms``, which it does not receive."""
    out = _rbridge.call("shap_exact", f, x_rows, background_rows, value=value)
    values = np.asarray(out["phi"], dtype=np.float64).reshape(x_rows.shape)
    return values, float(np.asarray(out["base_value"])[0])


def linear_values(
    coefficients: np.ndarray, x_rows: np.ndarray, reference_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``shap_linear``: LinearSHAP values and the reference (the mean of ``reference_rows``)."""
    out = _rbridge.call("shap_linear", coefficients, x_rows, reference_rows)
    values = np.asarray(out["phi"], dtype=np.float64).reshape(x_rows.shape)
    return values, np.asarray(out["reference"], dtype=np.float64)
