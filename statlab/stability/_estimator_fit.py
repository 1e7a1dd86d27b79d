"""A scikit-learn estimator as a model of :func:`statlab.prediction_stability`: cloned and fitted on
each replicate's bootstrap rows (a fitted estimator is refitted, as every model is), then asked for
its test-row predictions, its coefficients and its lambda where it has them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from statlab.stability._glmnet_fit import ReplicateFit


@dataclass(frozen=True)
class EstimatorFit:
    """``fit_predict`` of a scikit-learn ``estimator``: a clone fitted on the replicate's rows.

    An estimator with a ``foldid`` parameter (statlab's ``CVGlmnetRegressor``) is given the
    replicate's folds, as the glmnet models are. ``coefficients`` are ``intercept_`` then ``coef_``
    for a single-output linear model and ``NaN`` otherwise; ``lambda_`` is the estimator's
    ``lambda_`` (statlab's estimators), else ``NaN``.

    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> x = np.random.default_rng(1).normal(size=(40, 3)); y = x @ np.array([1.0, 0.0, -2.0]) + 1
    >>> fit = EstimatorFit(LinearRegression())(x, y, np.ones(40, dtype=int), x[:2])
    >>> np.round(fit.coefficients, 6).tolist()
    [1.0, 1.0, 0.0, -2.0]
    """

    estimator: Any

    def __call__(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        from sklearn.base import clone

        model = clone(self.estimator)
        if "foldid" in model.get_params(deep=False):
            model.set_params(foldid=foldid)
        model.fit(x_train, y_train)
        return ReplicateFit(
            predicted=np.asarray(model.predict(x_test), dtype=np.float64).reshape(-1),
            coefficients=_coefficients(model, x_train.shape[1]),
            lambda_=float(getattr(model, "lambda_", np.nan)),
        )


def _coefficients(model: Any, n_features: int) -> np.ndarray:
    """[intercept, slopes...] of a fitted single-output linear model, else ``NaN``s."""
    slopes = np.asarray(getattr(model, "coef_", np.full(n_features + 1, np.nan)), dtype=float)
    intercept = np.asarray(getattr(model, "intercept_", 0.0), dtype=float)
    if slopes.size != n_features or intercept.size != 1:
        return np.full(n_features + 1, np.nan)
    return np.concatenate([intercept.reshape(1), slopes.reshape(-1)])
