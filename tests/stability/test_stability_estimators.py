"""scikit-learn estimators as prediction_stability models: refitted on every replicate's rows,
statlab's own CV estimator giving exactly the glmnet model's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

import statlab as sl
from statlab.sklearn import CVGlmnetRegressor
from statlab.unpenalised import UnpenalisedFit


def by_model(table: pd.DataFrame, model: str, column: str) -> np.ndarray:
    return table.loc[table["model"] == model, column].to_numpy()


def test_estimators_run_on_the_same_replicates(prostate_xy):
    X, y = prostate_xy
    fitted = LinearRegression().fit(X, y)
    before = fitted.coef_.copy()
    result = sl.prediction_stability(
        X,
        y,
        alphas={"lasso": 1.0},
        learners={
            "cv_estimator": CVGlmnetRegressor(backend="python"),
            "ols": UnpenalisedFit(backend="python"),
            "sklearn_ols": fitted,
            "forest": RandomForestRegressor(n_estimators=10, random_state=0),
        },
        n_draws=4,
        seed=479,
        backend="python",
    )
    # statlab's estimator is handed the replicate's folds: the lasso model to rounding
    for table, column in [
        (result.predictions, "predicted"),
        (result.coefficients, "coef"),
        (result.lambdas, "lambda"),
    ]:
        np.testing.assert_allclose(
            by_model(table, "cv_estimator", column), by_model(table, "lasso", column), atol=1e-12
        )
    # a fitted estimator is refitted on each bootstrap sample (a clone: the original is kept)
    np.testing.assert_allclose(
        by_model(result.coefficients, "sklearn_ols", "coef"),
        by_model(result.coefficients, "ols", "coef"),
        atol=1e-8,
    )
    np.testing.assert_array_equal(fitted.coef_, before)
    assert not np.allclose(
        by_model(result.coefficients, "sklearn_ols", "coef")[1:9], fitted.coef_, atol=1e-3
    )
    # a model without coefficients has no sparsity, selection or lambda
    summary = result.summary()
    assert np.isnan(summary.loc["forest", ["mean_nonzero", "lambda_median"]]).all()
    assert summary.loc["sklearn_ols", "mean_nonzero"] == 8
    selection = result.selection_frequency()
    assert selection.loc[selection["model"] == "forest", "selected"].isna().all()
    assert summary.loc["forest", "rmse"] > 0
