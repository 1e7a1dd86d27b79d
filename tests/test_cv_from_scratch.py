"""statlab.cv: the correct K-fold design agrees with cv_glmnet; the leaky one is optimistic."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl
from statlab import cv


@pytest.fixture(scope="module")
def ozone_xy():
    ozone = sl.data.load("ozone")
    return sl.model_matrix("O3 ~ .^2", ozone), np.log(ozone["O3"])


def test_correct_design_equals_cv_glmnet_on_same_folds_and_lambdas(ozone_xy):
    X, y = ozone_xy
    reference = sl.cv_glmnet(X, y, seed=479, backend="python")
    same_grid = sl.cv_glmnet(
        X, y, foldid=reference.foldid, lambdas=reference.lambdas, backend="python"
    )
    honest = cv.kfold_cv(X, y, lambdas=reference.lambdas, foldid=reference.foldid, backend="python")
    np.testing.assert_allclose(honest.cv_error, same_grid.cvm, rtol=1e-10)
    np.testing.assert_allclose(honest.cv_se, same_grid.cvsd, rtol=1e-8)
    assert honest.lambda_min == same_grid.lambda_min
    assert honest.lambda_1se == same_grid.lambda_1se
    # and close to cv_glmnet's default protocol (each fold on its own lambda sequence)
    np.testing.assert_allclose(honest.cv_error, reference.cvm, rtol=5e-3)


def test_leaky_design_is_optimistic_and_picks_smallest_lambda(ozone_xy):
    X, y = ozone_xy
    grid = np.exp(np.linspace(np.log(0.5), np.log(2e-4), 30))
    honest = cv.kfold_cv(X, y, lambdas=grid, seed=5, backend="python")
    leaky = cv.leaky_cv(X, y, lambdas=grid, seed=5, backend="python")
    assert np.all(leaky.cv_error <= honest.cv_error + 1e-12)
    assert np.all(np.diff(leaky.cv_error) <= 1e-12)  # training error only falls as lambda shrinks
    assert leaky.lambda_min == grid.min()
    assert honest.cv_error.min() - leaky.cv_error.min() > 0.02  # markedly optimistic


def test_compare_designs_table(ozone_xy):
    X, y = ozone_xy
    table = cv.compare_designs(X, y, seed=479, backend="python")
    assert list(table.index) == ["correct", "leaky"]
    assert table.loc["leaky", "cv_error_at_min"] < table.loc["correct", "cv_error_at_min"]
    assert table.loc["leaky", "nonzero_at_min"] >= table.loc["correct", "nonzero_at_min"]


def test_bad_k(ozone_xy):
    X, y = ozone_xy
    with pytest.raises(ValueError, match="nfolds must be an integer between 3"):
        cv.kfold_cv(X, y, K=2)
