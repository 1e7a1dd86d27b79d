"""The Python backend of the unpenalised fits: statsmodels' ``OLS`` and binomial ``GLM`` (IRLS).
:func:`fit` has the signature and result of ``_backend_r.fit``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np


def fit(
    matrix: np.ndarray,
    response: np.ndarray,
    family: str,
    tolerance: float,
    max_iterations: int,
) -> dict[str, Any]:
    """Least squares (``"gaussian"``) or logistic regression (``"binomial"``, IRLS stopped at a
    relative deviance change below ``tolerance`` or after ``max_iterations``) of ``response`` on
    an intercept and the columns of ``matrix``: R's coefficient table as ``coefficients``,
    ``std_errors``, ``statistics``, ``p_values``, and ``fitted``, ``deviance``,
    ``null_deviance``, ``sigma`` (Gaussian only).

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([1.0, 3.0, 5.0, 7.5])
    >>> fit(x, y, "gaussian", 1e-10, 100)["coefficients"].round(3).tolist()
    [0.9, 2.15]
    """
    # the two model classes, not statsmodels.api, which imports all of statsmodels (a quarter
    # more import time, paid by every report kernel that fits one unpenalised model)
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    with_intercept = np.column_stack([np.ones(matrix.shape[0]), matrix])
    if family == "gaussian":
        fitted = OLS(response, with_intercept).fit()
        null_deviance = float(np.sum((response - response.mean()) ** 2))
        return {
            "coefficients": fitted.params,
            "std_errors": fitted.bse,
            "statistics": fitted.tvalues,
            "p_values": fitted.pvalues,
            "fitted": fitted.fittedvalues,
            "deviance": fitted.ssr,
            "null_deviance": null_deviance,
            "sigma": float(np.sqrt(fitted.scale)),
        }
    model = GLM(response, with_intercept, family=Binomial())
    with warnings.catch_warnings():
        # statlab's own warning, the same on both backends, follows from the fitted probabilities
        warnings.simplefilter("ignore", category=PerfectSeparationWarning)
        fitted = model.fit(tol=tolerance, maxiter=max_iterations)
    return {
        "coefficients": fitted.params,
        "std_errors": fitted.bse,
        "statistics": fitted.tvalues,
        "p_values": fitted.pvalues,
        "fitted": fitted.fittedvalues,
        "deviance": fitted.deviance,
        "null_deviance": fitted.null_deviance,
    }
