"""Unpenalised baselines: ordinary least squares and the binomial GLM, R's ``lm``/``glm``
(``_backend_r``) or statsmodels (``_backend_python``), one result type (``_fit``).

Example
-------
>>> import statlab as sl
>>> pr = sl.data.load("prostate")
>>> sl.unpenalised.linear_model(sl.model_matrix("lpsa ~ lcavol", pr), pr["lpsa"],
...                             backend="python").df_residual
95
"""

from statlab.unpenalised._fit import (
    INTERCEPT,
    LinearModelResult,
    UnpenalisedFit,
    aliased_columns,
    check_enough_rows,
    check_full_rank,
    linear_model,
)

__all__ = [
    "INTERCEPT",
    "LinearModelResult",
    "UnpenalisedFit",
    "aliased_columns",
    "check_enough_rows",
    "check_full_rank",
    "linear_model",
]
