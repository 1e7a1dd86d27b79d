"""Prediction stability under bootstrap perturbation of the training data (the PCS framework of
Yu & Barter's *Veridical Data Science*): refit cross-validated lasso / ridge models on bootstrap
samples, predict held-out rows, and compare accuracy, stability and sparsity.

Example
-------
>>> import statlab as sl
>>> pr = sl.data.load("prostate")
>>> res = sl.prediction_stability(sl.model_matrix("lpsa ~ .", pr), pr["lpsa"],
...                               alphas={"lasso": 1.0, "ridge": 0.0}, n_draws=3, seed=479,
...                               backend="python")
>>> res.summary().index.tolist()
['lasso', 'ridge']
"""

from statlab.stability._api import prediction_stability
from statlab.stability._estimator_fit import EstimatorFit
from statlab.stability._glmnet_fit import GlmnetFit, ReplicateFit
from statlab.stability._replicates import ReplicateError, run_replicates
from statlab.stability._resampling import bootstrap_draw, holdout_rows
from statlab.stability.paired import paired_differences
from statlab.stability.result import StabilityResult

__all__ = [
    "EstimatorFit",
    "GlmnetFit",
    "ReplicateError",
    "ReplicateFit",
    "StabilityResult",
    "bootstrap_draw",
    "holdout_rows",
    "paired_differences",
    "prediction_stability",
    "run_replicates",
]
