"""Lasso, ridge and elastic net with R glmnet 4.1-6's algorithm, on R or in pure Python.

``statlab.glmnet`` is both this module and, as ``sl.glmnet(X, y)``, the path-fitting function: the
module is callable so that ``import statlab.glmnet`` cannot hide the function.

Example
-------
>>> import numpy as np, statlab as sl
>>> ozone = sl.data.load("ozone")
>>> fit = sl.cv_glmnet(sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"]), seed=479,
...                    backend="python")
>>> fit.index_1se <= fit.index_min
True
"""

from __future__ import annotations

import sys
import types

from statlab.glmnet._compile import KernelStatus, compile_kernels
from statlab.glmnet._fit import cv_glmnet, glmnet
from statlab.glmnet._inputs import fold_ids
from statlab.glmnet._paths import cv_statistics, cv_summary, select_lambda
from statlab.glmnet._survfit import survfit
from statlab.glmnet.result import CVGlmnetResult, GlmnetPath, RelaxedCV

__all__ = [
    "CVGlmnetResult",
    "GlmnetPath",
    "KernelStatus",
    "RelaxedCV",
    "compile_kernels",
    "cv_glmnet",
    "cv_statistics",
    "cv_summary",
    "fold_ids",
    "glmnet",
    "select_lambda",
    "survfit",
]


class _CallableModule(types.ModuleType):
    # the function itself, not a wrapper around it: a warning's stacklevel then reaches the
    # caller's line through the module as through the function
    __call__ = staticmethod(glmnet)


sys.modules[__name__].__class__ = _CallableModule
