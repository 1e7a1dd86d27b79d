"""Compiled coordinate-descent kernels reproducing R glmnet 4.1-6's path algorithms.

No maintained Python package runs glmnet's algorithm on current NumPy/SciPy (glmnet-py fails at import,
python-glmnet needs numpy.distutils), and scikit-learn's coordinate descent is 30-145x slower than R on
the course's problems, so the algorithm is written here and compiled with numba, one module per
glmnet solver:

* :mod:`~statlab.glmnet._kernels.gaussian_cov`: Gaussian, ``type.gaussian = "covariance"``;
* :mod:`~statlab.glmnet._kernels.gaussian_naive`: Gaussian, ``type.gaussian = "naive"``;
* :mod:`~statlab.glmnet._kernels.glm`: binomial and Poisson;
* :mod:`~statlab.glmnet._kernels.multinomial`: multinomial, ungrouped and grouped;
* :mod:`~statlab.glmnet._kernels.mgaussian`: multi-response Gaussian;
* :mod:`~statlab.glmnet._kernels.cox`: Cox, glmnet's ``coxnet``, with the deviance and concordance
  of cv.coxnet; :mod:`~statlab.glmnet._kernels.coxpath`: the pieces of R's ``cox.path``;
* :mod:`~statlab.glmnet._kernels.column_sums`: column statistics and cross-validation's held-out
  sums; :mod:`~statlab.glmnet._kernels._common` and :mod:`~statlab.glmnet._kernels._group_limits`:
  what several solvers share.

Every solver takes glmnet's per-variable penalty factors, box limits, exclusions (as unusable
columns), ``dfmax``/``pmax`` and computes its own lambda sequence from the gradient after the
first ("infinite" lambda) step, as glmnet does when some variables are unpenalised.

Data are never copied or standardised up front. ``x`` is either a column-major dense matrix or a CSC
matrix (``indptr``, ``indices``, ``values``); every kernel reads whole columns only, and centres and
scales implicitly with the weighted column means ``xm`` and scales ``xs``, as glmnet does for sparse
``x``. Rows of weight zero take no part in a fit, so a cross-validation fold is the full ``x`` with the
held-out rows' weights set to zero, and no fold copies dense ``x``. The sparse naive solver, whose
passes are all gathers, keeps its own copy of the stored entries of the fit's rows divided by their
column's scale (no per-column arithmetic in a pass, no held-out entries read), and every sparse loop
indexes with unsigned integers (no negative-index handling: a quarter of a gather's cost). The dense
inner loops are compiled with reassociation allowed so that they vectorise (deterministic for a
given machine).

Kernels compile on first call (never at import) and are cached on disk by numba (``cache=True``);
``statlab compile`` (:func:`statlab.glmnet.compile_kernels`) fills that cache ahead of use. Each
compiles one signature: the backend normalises their inputs (float64, column-major x, CSC arrays
with unsigned row numbers, contiguous vectors, the user's data read-only; one kernel for dense and
sparse x where the branch is outside the inner loops).
Lambdas are in the standardised problem's units. A path of glmnet's own starts at ``BIG_LAMBDA`` (its
"lambda = infinity") and stops early (``early_stop``); a user-supplied sequence is solved in full.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from numba.core.dispatcher import Dispatcher

from statlab.glmnet._kernels import (
    _common,
    _group_limits,
    column_sums,
    cox,
    coxpath,
    gaussian_cov,
    gaussian_naive,
    glm,
    mgaussian,
    multinomial,
)
from statlab.glmnet._kernels._common import (
    BIG_LAMBDA,
    PROBABILITY_MIN,
    STATUS_MAXIT,
    STATUS_MIN_VARIANCE,
    STATUS_OK,
    STATUS_PMAX,
    PathControl,
)
from statlab.glmnet._kernels.column_sums import centred_products, column_stats, held_out_sums
from statlab.glmnet._kernels.cox import (
    STATUS_COX_WEIGHT,
    concordance,
    cox_deviances,
    cox_groups,
    cox_path,
)
from statlab.glmnet._kernels.coxpath import cox_counting_deviance, cox_gradient, cox_wls
from statlab.glmnet._kernels.gaussian_cov import gaussian_cov_path
from statlab.glmnet._kernels.gaussian_naive import NaiveProblem, gaussian_naive_path
from statlab.glmnet._kernels.glm import BINOMIAL, POISSON, glm_path
from statlab.glmnet._kernels.mgaussian import mgaussian_path
from statlab.glmnet._kernels.multinomial import class_shift, multinomial_path

__all__ = [
    "BIG_LAMBDA",
    "BINOMIAL",
    "POISSON",
    "PROBABILITY_MIN",
    "STATUS_COX_WEIGHT",
    "STATUS_MAXIT",
    "STATUS_MIN_VARIANCE",
    "STATUS_OK",
    "STATUS_PMAX",
    "NaiveProblem",
    "PathControl",
    "centred_products",
    "class_shift",
    "column_stats",
    "concordance",
    "cox_counting_deviance",
    "cox_deviances",
    "cox_gradient",
    "cox_groups",
    "cox_path",
    "cox_wls",
    "dispatchers",
    "gaussian_cov_path",
    "gaussian_naive_path",
    "glm_path",
    "held_out_sums",
    "mgaussian_path",
    "multinomial_path",
]

_MODULES: tuple[ModuleType, ...] = (
    _common,
    _group_limits,
    column_sums,
    gaussian_cov,
    gaussian_naive,
    glm,
    multinomial,
    mgaussian,
    cox,
    coxpath,
)


def dispatchers() -> dict[str, Any]:
    """The kernels Python calls (numba dispatchers, cached on disk; not those inlined into their
    callers), by name, across the solver modules. A kernel has ``signatures`` once called
    (compiled or loaded from the cache), and its ``stats`` count cache hits and misses.

    >>> "gaussian_cov_path" in dispatchers() and "_penalised_update" not in dispatchers()
    True
    """
    return {
        name: value
        for module in _MODULES
        for name, value in vars(module).items()
        if isinstance(value, Dispatcher)
        and value.py_func.__module__ == module.__name__
        and value.targetoptions.get("inline", "never") == "never"
    }
