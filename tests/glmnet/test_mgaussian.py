"""family="mgaussian" in the Python engine: the grouped penalty across responses, known values
(a duplicated response is a Gaussian fit at lambda / sqrt 2; ridge's closed form), shapes of
coef and predict, the CV loss summed over responses, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab._validation import InvalidArgumentError


def fit(X, Y, **kwargs):
    return sl.glmnet(X, Y, family="mgaussian", backend="python", **kwargs)


def test_a_duplicated_response_is_a_gaussian_fit_at_lambda_over_root_two(three_responses):
    # 1/2 sum w (2 |y - x b|^2) + lam sqrt(2) |b|_1 is twice 1/2 sum w |y - x b|^2 + lam/sqrt(2)|b|_1
    X, Y = three_responses
    lambdas = np.array([0.3, 0.1, 0.02])
    both = fit(X, np.column_stack([Y[:, 0], Y[:, 0]]), lambdas=lambdas, thresh=1e-14)
    single = sl.glmnet(X, Y[:, 0], lambdas=lambdas / np.sqrt(2), thresh=1e-14, backend="python")
    for response in range(2):
        np.testing.assert_allclose(both.beta[:, response], single.beta, atol=1e-9)
        np.testing.assert_allclose(both.a0[response], single.a0, atol=1e-9)
    np.testing.assert_allclose(both.dev_ratio, single.dev_ratio, atol=1e-9)


def test_ridge_solves_its_normal_equations(three_responses):
    # alpha = 0, standardize = False: (X_c' W X_c + lam I) B = X_c' W Y_c, each response alike
    X, Y = three_responses
    lam = 0.5
    path = fit(X, Y, alpha=0.0, standardize=False, lambdas=[lam], thresh=1e-16)
    w = np.full(X.shape[0], 1 / X.shape[0])
    Xc, Yc = X - w @ X, Y - w @ Y
    B = np.linalg.solve(
        Xc.T @ (w[:, None] * Xc) + lam * np.eye(X.shape[1]), Xc.T @ (w[:, None] * Yc)
    )
    np.testing.assert_allclose(path.beta[:, :, 0], B, atol=1e-9)
    np.testing.assert_allclose(path.a0[:, 0], w @ Y - (w @ X) @ B, atol=1e-9)


def test_grouped_penalty_moves_whole_variables(three_responses):
    X, Y = three_responses
    path = fit(X, Y)
    nonzero = path.beta != 0  # features x responses x lambdas
    assert (nonzero.all(axis=1) | ~nonzero.any(axis=1)).all()
    np.testing.assert_array_equal(path.df, nonzero.any(axis=1).sum(axis=0))
    assert path.df[0] == 0 and path.df[-1] == X.shape[1]
    assert np.all(np.diff(path.dev_ratio) >= -1e-12)


def test_standardize_response_scales_lambda_by_the_responses(three_responses):
    X, Y = three_responses
    plain, scaled = fit(X, Y), fit(X, Y, standardize_response=True)
    # the first lambda is the largest gradient norm: in units of sd(y) once standardised
    sd = Y.std(axis=0)
    gradient = (X - X.mean(axis=0)).T @ (Y - Y.mean(axis=0)) / (X.shape[0] * X.std(axis=0)[:, None])
    lambda_max = np.linalg.norm(gradient, axis=1).max()
    lambda_max_scaled = np.linalg.norm(gradient / sd, axis=1).max()
    ratio = plain.lambdas[1] / plain.lambdas[2]  # R reports the first as the next extrapolated
    assert plain.lambdas[1] == pytest.approx(lambda_max / ratio, rel=1e-12)
    assert scaled.lambdas[1] == pytest.approx(lambda_max_scaled / ratio, rel=1e-12)


def test_coef_and_predict_shapes(three_responses):
    X, Y = three_responses
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    path = fit(X, frame)
    s = float(path.lambdas[20])
    table = path.coef(s)
    assert table.columns.tolist() == ["a", "b", "c"] and table.index[0] == "(Intercept)"
    link = path.predict(X[:5], s=s)
    assert link.shape == (5, 3)
    np.testing.assert_allclose(link, table.iloc[0].to_numpy() + X[:5] @ table.iloc[1:].to_numpy())
    np.testing.assert_array_equal(path.predict(X[:5], s=s, type="response"), link)
    assert path.predict(X[:5], s=path.lambdas[[3, 10]]).shape == (5, 3, 2)
    assert fit(X, Y).coef(s).columns.tolist() == ["y1", "y2", "y3"]  # R's names without any
    with pytest.raises(InvalidArgumentError, match="type='class'"):
        path.predict(X, s=s, type="class")


@pytest.mark.parametrize("measure", ["mse", "mae"])
def test_cv_loss_is_summed_over_responses(three_responses, measure):
    X, Y = three_responses
    cv = sl.cv_glmnet(X, Y, family="mgaussian", nfolds=5, seed=4, keep=True,
                      type_measure=measure, backend="python")  # fmt: skip
    error = cv.fit_preval - Y[:, :, None]
    loss = (np.abs(error) if measure == "mae" else error**2).sum(axis=1)  # n x lambdas
    folds = [loss[cv.foldid == k].mean(axis=0) for k in range(1, 6)]
    np.testing.assert_allclose(cv.cvm, np.mean(folds, axis=0), rtol=1e-12)
    np.testing.assert_array_equal(cv.nzero, cv.path.df)
    assert cv.predict(X[:4], s="lambda.min").shape == (4, 3)


def test_deviance_is_the_mse_curve_by_another_name(three_responses):
    X, Y = three_responses
    mse, deviance = (
        sl.cv_glmnet(X, Y, family="mgaussian", nfolds=5, seed=4, type_measure=m, backend="python")
        for m in ("mse", "deviance")
    )
    np.testing.assert_array_equal(mse.cvm, deviance.cvm)
    assert (mse.measure, deviance.measure) == ("Mean-Squared Error", "Mean-squared Error")


@pytest.mark.parametrize(
    ("Y", "message"),
    [
        (np.arange(120.0), "n x K matrix with K >= 2"),
        (np.arange(120.0).reshape(-1, 1), "n x K matrix with K >= 2"),
        (np.ones((120, 2)), "every response is constant"),
        (np.full((120, 2), np.nan), "y contains NaN"),
        (np.ones((100, 2)), "y has 100 rows"),
        ([["a", "b"]] * 120, "y must be numeric"),
    ],
)
def test_bad_responses_name_y(three_responses, Y, message):
    X, _ = three_responses
    with pytest.raises(InvalidArgumentError, match=message):
        fit(X, Y)


def test_options_refused_where_they_do_not_apply(three_responses):
    X, Y = three_responses
    with pytest.raises(InvalidArgumentError, match="standardize_response applies to"):
        sl.glmnet(X, Y[:, 0], standardize_response=True, backend="python")
    with pytest.raises(InvalidArgumentError, match=r"offset must be an n x K matrix \(120 x 3\)"):
        fit(X, Y, offset=np.zeros(120))
