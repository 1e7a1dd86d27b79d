"""The R backend of the unpenalised fits: ``lm`` and ``glm(family = binomial)`` from
``r/linear_model.R`` (base R's stats) through the R bridge. :func:`fit` has the signature and
result of ``_backend_python.fit``."""

from __future__ import annotations

from typing import Any

import numpy as np

from statlab import _rbridge

PACKAGES: tuple[str, ...] = ()  # lm and glm are base R's


def fit(
    matrix: np.ndarray,
    response: np.ndarray,
    family: str,
    tolerance: float,
    max_iterations: int,
) -> dict[str, Any]:
    """R's ``lm(y ~ x)`` or ``glm(y ~ x, family = binomial)`` with ``glm.control(epsilon =
    tolerance, maxit = max_iterations)``: the same names as the Python backend's result."""
    return _rbridge.call(
        "linear_model_fit",
        matrix,
        response,
        family=family,
        epsilon=tolerance,
        maxit=max_iterations,
    )
