"""statlab: the course's analyses (lasso paths, CV, prediction stability, model comparison, Gaussian
processes) done in Python and checked against R.

Heavy dependencies (rpy2, PyMC, plotnine, numba kernels) load on first use, so importing statlab is cheap.

Example
-------
>>> import statlab as sl
>>> ozone = sl.data.load("ozone")
>>> sl.model_matrix("O3 ~ .^2", ozone).shape
(330, 45)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it; resolved on first attribute access
_LAZY_ATTRIBUTES = {
    "model_matrix": "statlab.design",
    "cv_glmnet": "statlab.glmnet",
    "glmnet": "statlab.glmnet",
    "survfit": "statlab.glmnet",
    "prediction_stability": "statlab.stability",
    "RUnavailableError": "statlab._rbridge",
    "RCallError": "statlab._rbridge",
    "RWarning": "statlab._rbridge",
    "linear_model": "statlab.unpenalised",
    "compare_models": "statlab.comparison",
}
_LAZY_MODULES = {
    "data",
    "design",
    "glmnet",
    "cv",
    "plots",
    "stability",
    "gp",
    "report",
    "unpenalised",
    "comparison",
    "shap",
    "trees",
    "sklearn",
    "testing",
}

__all__ = ["__version__", *sorted(_LAZY_ATTRIBUTES), *sorted(_LAZY_MODULES - {"glmnet"})]


def __getattr__(name: str) -> Any:
    if name in _LAZY_ATTRIBUTES:
        module = importlib.import_module(_LAZY_ATTRIBUTES[name])
        value = getattr(module, name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"statlab.{name}")
    else:
        raise AttributeError(f"module 'statlab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
