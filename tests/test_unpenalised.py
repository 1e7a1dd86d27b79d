"""Unpenalised baselines: statsmodels against R's lm/glm, against closed forms, against glmnet's
unpenalised end, and their errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.unpenalised import UnpenalisedFit, aliased_columns

PARITY_RTOL = 1e-9  # R and statsmodels: same closed form (OLS) or IRLS to 1e-10 (binomial)
GLMNET_LAMBDA0_TOL = 1e-6  # glmnet at lambda = 0 vs the exact fit, relative to max |coef|


@pytest.fixture(scope="module")
def prostate():
    return sl.data.load("prostate")


@pytest.fixture(scope="module")
def gaussian_xy(prostate):
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


@pytest.fixture(scope="module")
def binomial_xy(prostate):
    return sl.model_matrix("svi ~ lcavol + lpsa + lweight + age", prostate), prostate["svi"]


def test_ols_is_the_normal_equations_solution(gaussian_xy):
    X, y = gaussian_xy
    fit = sl.linear_model(X, y, backend="python")
    design = np.column_stack([np.ones(len(y)), X.to_numpy()])
    beta = np.linalg.solve(design.T @ design, design.T @ y.to_numpy())
    np.testing.assert_allclose(fit.coefficients.to_numpy(), beta, rtol=1e-10)
    residuals = y.to_numpy() - design @ beta
    sigma2 = residuals @ residuals / (len(y) - design.shape[1])
    np.testing.assert_allclose(
        fit.std_errors.to_numpy(), np.sqrt(np.diag(sigma2 * np.linalg.inv(design.T @ design)))
    )
    assert fit.df_residual == 97 - 9
    assert fit.sigma == pytest.approx(np.sqrt(sigma2))
    assert fit.deviance == pytest.approx(residuals @ residuals)
    assert list(fit.coefficients.index) == ["(Intercept)", *X.columns]


def test_logistic_fit_solves_the_score_equations(binomial_xy):
    X, y = binomial_xy
    fit = sl.linear_model(X, y, family="binomial", backend="python")
    design = np.column_stack([np.ones(len(y)), X.to_numpy()])
    probability = fit.predict(X, type="response")
    np.testing.assert_allclose(design.T @ (y.to_numpy() - probability), 0, atol=1e-8)
    np.testing.assert_allclose(probability, fit.fitted, rtol=1e-12)
    assert fit.class_labels == ["0", "1"]
    assert fit.deviance < fit.null_deviance


@pytest.mark.needs_r
@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_r_and_statsmodels_agree(family, gaussian_xy, binomial_xy):
    X, y = gaussian_xy if family == "gaussian" else binomial_xy
    python = sl.linear_model(X, y, family=family, backend="python")
    r = sl.linear_model(X, y, family=family, backend="r")
    assert (python.backend, r.backend) == ("python", "r")
    for field in ("coefficients", "std_errors", "statistics", "p_values"):
        np.testing.assert_allclose(getattr(python, field), getattr(r, field), rtol=PARITY_RTOL)
    np.testing.assert_allclose(python.fitted, r.fitted, rtol=PARITY_RTOL)
    assert python.deviance == pytest.approx(r.deviance, rel=PARITY_RTOL)
    assert python.null_deviance == pytest.approx(r.null_deviance, rel=PARITY_RTOL)
    if family == "gaussian":
        assert python.sigma == pytest.approx(r.sigma, rel=PARITY_RTOL)


@pytest.mark.parametrize("backend", ["python", pytest.param("r", marks=pytest.mark.needs_r)])
@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_glmnet_at_lambda_zero_is_the_unpenalised_fit(family, backend, gaussian_xy, binomial_xy):
    X, y = gaussian_xy if family == "gaussian" else binomial_xy
    exact = sl.linear_model(X, y, family=family, backend="python").coefficients.to_numpy()
    path = sl.glmnet(X, y, family=family, lambdas=[0.0], thresh=1e-14, backend=backend)
    gap = np.max(np.abs(path.coef(0.0).to_numpy() - exact)) / np.max(np.abs(exact))
    assert gap < GLMNET_LAMBDA0_TOL


def test_glmnet_path_end_is_within_the_kkt_bound_of_ols(gaussian_xy):
    """At the path's smallest lambda (n > p: glmnet runs towards 1e-4 lambda_max, stopping early
    once the deviance stops improving) the lasso's distance to OLS is
    bounded by its KKT conditions: X'(y - Xb)/n = g with |g_j| <= lambda sd_j, so
    ||b - b_ols|| <= lambda ||sd|| / smallest eigenvalue of the centred X'X/n."""
    X, y = gaussian_xy
    exact = sl.linear_model(X, y, backend="python").coefficients.to_numpy()[1:]
    path = sl.glmnet(X, y, thresh=1e-14, backend="python")
    smallest = path.lambdas[-1]
    assert smallest < 0.05 * path.lambdas[0]
    centred = X.to_numpy() - X.to_numpy().mean(axis=0)
    gram = centred.T @ centred / len(y)
    sd = np.sqrt(np.diag(gram))
    bound = smallest * np.linalg.norm(sd) / np.linalg.eigvalsh(gram)[0]
    distance = np.linalg.norm(path.coef(smallest).to_numpy()[1:] - exact)
    assert 0 < distance <= bound * (1 + 1e-6)


def test_p_at_least_n_is_refused_without_a_pseudo_inverse():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"X has 9 columns and 10 rows.*more rows than p \+ 1"):
        sl.linear_model(rng.normal(size=(10, 9)), rng.normal(size=10), backend="python")


def test_aliased_columns_follow_rs_rule(prostate):
    X = sl.model_matrix("lpsa ~ .", prostate).assign(
        twice_lcavol=lambda d: 2 * d["lcavol"], sum_age_lbph=lambda d: d["age"] + d["lbph"]
    )
    assert aliased_columns(X.to_numpy()) == [8, 9]
    with pytest.raises(ValueError, match="columns 'twice_lcavol', 'sum_age_lbph' are linear"):
        sl.linear_model(X, prostate["lpsa"], backend="python")
    with pytest.warns(RuntimeWarning, match="twice_lcavol"):
        dropped = sl.linear_model(X, prostate["lpsa"], aliased="drop", backend="python")
    reference = sl.linear_model(X.iloc[:, :8], prostate["lpsa"], backend="python")
    np.testing.assert_allclose(dropped.coefficients.iloc[:9], reference.coefficients)
    assert dropped.coefficients.iloc[9:].isna().all()
    assert dropped.df_residual == reference.df_residual
    np.testing.assert_allclose(dropped.predict(X), reference.fitted)


@pytest.mark.needs_r
def test_aliased_columns_are_the_ones_r_reports_as_na(prostate):
    from statlab import _rbridge

    X = sl.model_matrix("lpsa ~ .^2", prostate).to_numpy()
    rng = np.random.default_rng(3)
    for _ in range(20):  # bootstrap samples of 60 rows: many lose rank
        sample = X[rng.integers(0, X.shape[0], size=60)]
        expected = np.asarray(_rbridge.call("aliased_columns", sample)).astype(int).tolist()
        assert aliased_columns(sample) == expected


def test_unpenalised_fit_as_a_stability_learner():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 3))
    y = 2 + x @ np.array([1.0, -1.0, 0.5]) + 0.1 * rng.normal(size=50)
    fit = UnpenalisedFit(backend="python")(x, y, np.ones(50, dtype=int), x[:4])
    reference = sl.linear_model(x, y, backend="python")
    np.testing.assert_allclose(fit.coefficients, reference.coefficients)
    np.testing.assert_allclose(fit.predicted, reference.fitted[:4])
    assert fit.lambda_ == 0.0


def test_summary_and_frame(gaussian_xy):
    fit = sl.linear_model(*gaussian_xy, backend="python")
    summary = fit.summary()
    assert list(summary.columns) == ["estimate", "std_error", "statistic", "p_value"]
    np.testing.assert_allclose(summary["statistic"], summary["estimate"] / summary["std_error"])
    frame = fit.to_frame()
    width = frame["conf_high"] - frame["conf_low"]
    from scipy import stats

    np.testing.assert_allclose(width, 2 * stats.t.ppf(0.975, 88) * frame["std_error"])
    figure = fit.plot()
    assert len(figure.data) == 8  # the intercept is left out


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"family": "poisson"}, ValueError, "family must be 'gaussian' or 'binomial'"),
        ({"aliased": "ignore"}, ValueError, "aliased must be 'error' or 'drop'"),
        ({"backend": "julia"}, ValueError, "backend must be"),
    ],
)
def test_bad_options(kwargs, error, match, gaussian_xy):
    with pytest.raises(error, match=match):
        sl.linear_model(*gaussian_xy, **kwargs)


@pytest.mark.parametrize(
    ("X", "y", "family", "match"),
    [
        (np.ones((5, 2)) * np.nan, np.zeros(5), "gaussian", "X has missing or infinite"),
        (np.eye(6)[:, :2], np.zeros(5), "gaussian", "y has 5 values but X has 6 rows"),
        (np.eye(6)[:, :2], ["a"] * 6, "gaussian", "y must be numeric"),
        (np.eye(6)[:, :2], [0, 1, 2, 0, 1, 2], "binomial", "exactly two classes"),
        (np.eye(6)[:, :2], [0, 2, 2, 0, 2, 0], "binomial", "must be 0/1"),
        (pd.DataFrame({"a": ["u", "v"] * 3}), np.zeros(6), "gaussian", "columns \\['a'\\]"),
    ],
)
def test_bad_data(X, y, family, match):
    with pytest.raises((TypeError, ValueError), match=match):
        sl.linear_model(X, y, family=family, backend="python")


def test_separation_warns_as_r_does():
    x = np.arange(20.0).reshape(-1, 1)
    y = (x[:, 0] > 9).astype(float)
    with pytest.warns(RuntimeWarning, match="fitted probabilities numerically 0 or 1"):
        sl.linear_model(x, y, family="binomial", backend="python")
