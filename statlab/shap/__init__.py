"""SHAP values, exact where they can be and with their uncertainty where they are estimated.

* :func:`exact_shap`: every coalition enumerated (p ≤ 15), marginal, baseline or Gaussian-
  conditional value function, in Python or base R;
* :func:`linear_shap` and :func:`conditional_linear_shap`: closed forms for linear models;
* :func:`kernel_shap`: KernelSHAP with paired sampling and standard errors, exact at full
  enumeration; :func:`kernel_shap_sheet`: the course sheet's snippet as it computes;
* :func:`kernel_shap_variance`: the spread of KernelSHAP against n_samples, with a recommendation;
* :func:`shap_stability` and :func:`compare_models_shap`: explanations across refits on
  resampled training data, and models compared on accuracy and explanations.

Figures are in :mod:`statlab.plots.shap`.

Example
-------
>>> import numpy as np
>>> from statlab.shap import exact_shap
>>> rng = np.random.default_rng(1)
>>> background = rng.normal(size=(50, 3))
>>> res = exact_shap(lambda X: X[:, 0] + X[:, 1] * X[:, 2], [1.0, 2.0, 3.0], background,
...                  backend="python")
>>> bool(abs(res.efficiency_gap[0]) < 1e-12)
True
"""

from statlab.shap._checks import MAX_EXACT_FEATURES
from statlab.shap.exact import conditional_linear_shap, exact_shap, linear_shap
from statlab.shap.kernel import kernel_shap, kernel_shap_sheet, kernel_shap_variance
from statlab.shap.result import KernelVarianceResult, ShapResult
from statlab.shap.stability import (
    ShapModelComparison,
    ShapStabilityResult,
    compare_models_shap,
    shap_stability,
)

__all__ = [
    "MAX_EXACT_FEATURES",
    "KernelVarianceResult",
    "ShapModelComparison",
    "ShapResult",
    "ShapStabilityResult",
    "compare_models_shap",
    "conditional_linear_shap",
    "exact_shap",
    "kernel_shap",
    "kernel_shap_sheet",
    "kernel_shap_variance",
    "linear_shap",
    "shap_stability",
]
