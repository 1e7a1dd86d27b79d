"""statlab.cv: the correct K-fold design agrees with cv_glmnet; the leaky one is optimistic."""

from __future__ import annotations

import numpy as np
import pandas as pd
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
    np.testing.assert_allclose(honest.cvm, same_grid.cvm, rtol=1e-10)
    np.testing.assert_allclose(honest.cvsd, same_grid.cvsd, rtol=1e-8)
    assert honest.lambda_min == same_grid.lambda_min
    assert honest.lambda_1se == same_grid.lambda_1se
    # and close to cv_glmnet's default protocol (each fold on its own lambda sequence)
    np.testing.assert_allclose(honest.cvm, reference.cvm, rtol=5e-3)


def test_leaky_design_is_optimistic_and_picks_smallest_lambda(ozone_xy):
    X, y = ozone_xy
    grid = np.exp(np.linspace(np.log(0.5), np.log(2e-4), 30))
    honest = cv.kfold_cv(X, y, lambdas=grid, seed=5, backend="python")
    leaky = cv.leaky_cv(X, y, lambdas=grid, seed=5, backend="python")
    assert np.all(leaky.cvm <= honest.cvm + 1e-12)
    assert np.all(np.diff(leaky.cvm) <= 1e-12)  # training error only falls as lambda shrinks
    assert leaky.lambda_min == grid.min()
    assert honest.cvm.min() - leaky.cvm.min() > 0.02  # markedly optimistic


def test_compare_designs_table(ozone_xy):
    X, y = ozone_xy
    table = cv.compare_designs(X, y, seed=479, backend="python")
    assert list(table.index) == ["correct", "leaky"]
    assert table.loc["leaky", "cvm_at_min"] < table.loc["correct", "cvm_at_min"]
    assert table.loc["leaky", "nonzero_at_min"] >= table.loc["correct", "nonzero_at_min"]


def test_too_few_folds_is_named_by_its_new_and_its_old_name(ozone_xy):
    X, y = ozone_xy
    with pytest.raises(ValueError, match=r"^nfolds must be an integer in \[3, 330\], got 2"):
        cv.kfold_cv(X, y, nfolds=2)
    with (
        pytest.warns(DeprecationWarning, match=r"'K' is deprecated.*use 'nfolds'"),
        pytest.raises(ValueError, match=r"^nfolds"),
    ):
        cv.kfold_cv(X, y, K=2)


def test_curve_matches_cv_glmnet_shape(ozone_xy):
    X, y = ozone_xy
    grid = np.exp(np.linspace(np.log(0.5), np.log(2e-4), 40))
    curve = cv.kfold_cv(X, y, lambdas=grid, seed=479, backend="python")
    reference = sl.cv_glmnet(X, y, foldid=curve.foldid, lambdas=grid, backend="python")
    pd.testing.assert_frame_equal(curve.summary(), reference.summary())
    frame = curve.to_frame()
    np.testing.assert_allclose(frame["cvup"] - frame["cvm"], frame["cvsd"])
    assert curve.backend == "python" and reference.backend == "python"
    figure = curve.plot()
    assert [type(layer.geom).__name__ for layer in figure.layers][:3] == [
        "geom_errorbar",
        "geom_point",
        "geom_vline",
    ]
    assert len(figure.data) == len(curve.lambdas)
    with pytest.warns(DeprecationWarning, match="use cvm"):
        np.testing.assert_array_equal(curve.cv_error, curve.cvm)
