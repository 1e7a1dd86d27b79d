"""relax / gamma in the Python engine: the relaxed fit is the unpenalised fit on each active set
(checked against numpy's least squares and statsmodels' GLMs), gamma blends it with the penalised
fit as R does, the CV over gamma keeps R's rules, and bad input is refused by name."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import statlab as sl
from statlab.glmnet._paths import RELAX_MIN_GAMMA

EXACT = {"thresh": 1e-14, "maxit": 10**8}
# glmnet stops when no squared coefficient change (times the column's variance) exceeds thresh, so
# its coefficients are within about sqrt(thresh) of the optimum: 1e-20 for checks to 1e-8
LEAST_SQUARES = {"thresh": 1e-20, "maxit": 10**8}


@pytest.fixture(scope="module")
def xy():
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"].to_numpy()


@pytest.fixture(scope="module")
def relaxed_fit(xy):
    X, y = xy
    return sl.glmnet(X, y, relax=True, backend="python", **LEAST_SQUARES)


def test_penalised_path_is_unchanged_and_gamma_1_is_the_plain_fit(xy, relaxed_fit):
    X, y = xy
    plain = sl.glmnet(X, y, backend="python", **LEAST_SQUARES)
    np.testing.assert_array_equal(relaxed_fit.beta, plain.beta)
    np.testing.assert_array_equal(relaxed_fit.lambdas, plain.lambdas)
    s = float(plain.lambdas[10])
    pd.testing.assert_series_equal(relaxed_fit.coef(s, gamma=1), plain.coef(s))
    np.testing.assert_array_equal(relaxed_fit.predict(X, s, gamma=1), plain.predict(X, s))


def test_relaxed_fit_is_least_squares_on_the_active_set(xy, relaxed_fit):
    X, y = xy
    design = X.to_numpy()
    for step in (3, 12, 25, len(relaxed_fit.lambdas) - 1):
        active = relaxed_fit.beta[:, step] != 0
        lstsq, *_ = np.linalg.lstsq(
            np.column_stack([np.ones(len(y)), design[:, active]]), y, rcond=None
        )
        relaxed = relaxed_fit.relaxed
        assert relaxed.a0[step] == pytest.approx(lstsq[0], abs=1e-8)
        np.testing.assert_allclose(relaxed.beta[active, step], lstsq[1:], atol=1e-8)
        np.testing.assert_array_equal(relaxed.beta[~active, step], 0.0)
        # gamma = 0 is R's gamma = 1e-5: all but 1e-5 of the way to the least-squares fit
        s = float(relaxed_fit.lambdas[step])
        at_zero = relaxed_fit.coef(s, gamma=0).to_numpy()
        expected = (
            RELAX_MIN_GAMMA * relaxed_fit.coef(s).to_numpy()
            + (1 - RELAX_MIN_GAMMA) * (np.r_[relaxed.a0[step], relaxed.beta[:, step]])
        )
        np.testing.assert_allclose(at_zero, expected, atol=1e-12)
        np.testing.assert_allclose(at_zero[1:][active], lstsq[1:], atol=1e-4)


def test_weighted_relaxed_fit_is_weighted_least_squares(xy):
    X, y = xy
    weights = np.linspace(0.2, 3.0, len(y))
    fit = sl.glmnet(X, y, weights=weights, relax=True, backend="python", **LEAST_SQUARES)
    step = 20
    active = fit.beta[:, step] != 0
    wls = sm.WLS(y, sm.add_constant(X.to_numpy()[:, active]), weights=weights).fit()
    np.testing.assert_allclose(
        np.r_[fit.relaxed.a0[step], fit.relaxed.beta[active, step]], wls.params, atol=1e-8
    )


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_relaxed_glm_is_the_unpenalised_glm_on_the_active_set(family):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 6))
    eta = 0.2 + X @ [0.8, -0.5, 0.3, 0, 0, 0]
    y = (
        (rng.uniform(size=300) < 1 / (1 + np.exp(-eta))).astype(int)
        if family == "binomial"
        else rng.poisson(np.exp(0.5 * eta))
    )
    fit = sl.glmnet(X, y, family=family, relax=True, backend="python", **EXACT)
    glm_family = sm.families.Binomial() if family == "binomial" else sm.families.Poisson()
    for step in (5, len(fit.lambdas) // 2, len(fit.lambdas) - 1):
        active = fit.beta[:, step] != 0
        glm = sm.GLM(y, sm.add_constant(X[:, active]), family=glm_family).fit(tol=1e-12)
        np.testing.assert_allclose(
            np.r_[fit.relaxed.a0[step], fit.relaxed.beta[active, step]], glm.params, atol=1e-6
        )


def test_empty_and_repeated_active_sets(relaxed_fit, xy):
    _, y = xy
    relaxed = relaxed_fit.relaxed
    assert relaxed_fit.df[0] == 0  # the first lambda keeps the intercept-only fit
    np.testing.assert_array_equal(relaxed.beta[:, 0], 0.0)
    assert relaxed.a0[0] == pytest.approx(y.mean(), rel=1e-12)
    active = relaxed_fit.beta != 0
    shared = [
        k for k in range(1, active.shape[1] - 1)
        if active[:, k].any() and (active[:, k] == active[:, k + 1]).all()
    ]  # fmt: skip
    assert shared  # neighbouring lambdas with one active set share one relaxed fit
    for k in shared:
        np.testing.assert_array_equal(relaxed.beta[:, k], relaxed.beta[:, k + 1])
        assert relaxed.a0[k] == relaxed.a0[k + 1]


def test_blend_is_linear_in_gamma(relaxed_fit):
    s = float(relaxed_fit.lambdas[15])
    penalised, relaxed = relaxed_fit.coef(s), relaxed_fit.coef(s, gamma=RELAX_MIN_GAMMA)
    for gamma in (0.25, 0.6):
        expected = gamma * penalised + (1 - gamma) * (
            (relaxed - RELAX_MIN_GAMMA * penalised) / (1 - RELAX_MIN_GAMMA)
        )
        np.testing.assert_allclose(relaxed_fit.coef(s, gamma=gamma), expected, atol=1e-10)


def test_summary_has_the_relaxed_deviance(relaxed_fit):
    table = relaxed_fit.summary()
    assert list(table.columns) == ["Df", "%Dev", "%Dev R", "Lambda"]
    assert (table["%Dev R"] >= table["%Dev"] - 1e-9).all()  # least squares explains the most


@pytest.fixture(scope="module")
def cv_fit(xy):
    X, y = xy
    return sl.cv_glmnet(X, y, seed=3, relax=True, keep=True, backend="python")


def test_cv_curves_per_gamma_and_r_rules(cv_fit, xy):
    X, y = xy
    relaxed = cv_fit.relaxed
    np.testing.assert_array_equal(relaxed.gamma, [0, 0.25, 0.5, 0.75, 1])
    assert relaxed.cvm.shape == (5, len(cv_fit.lambdas))
    np.testing.assert_array_equal(relaxed.cvm[-1], cv_fit.cvm)  # gamma = 1 is the plain curve
    plain = sl.cv_glmnet(X, y, seed=3, backend="python")
    np.testing.assert_array_equal(plain.cvm, cv_fit.cvm)
    assert (plain.lambda_min, plain.lambda_1se) == (cv_fit.lambda_min, cv_fit.lambda_1se)
    g, k = relaxed.choice_min
    assert relaxed.cvm[g, k] == relaxed.cvm.min()
    bound = relaxed.cvm[g, k] + relaxed.cvsd[g, k]
    g1, k1 = relaxed.choice_1se
    assert relaxed.cvm[g1, k1] <= bound
    within = relaxed.cvm <= bound
    assert not within[:, :k1].any()  # no larger lambda within one SE
    assert not within[g1 + 1 :, k1].any()  # nor a larger gamma at that lambda
    assert cv_fit.gamma_min == relaxed.gamma[g] and cv_fit.gamma_1se == relaxed.gamma[g1]
    assert relaxed.fit_preval.shape == (5, len(y), len(cv_fit.lambdas))
    np.testing.assert_array_equal(relaxed.fit_preval[-1], cv_fit.fit_preval)


def test_cv_coef_and_predict_use_the_relaxed_choice(cv_fit, xy):
    X, _ = xy
    relaxed = cv_fit.relaxed
    path = cv_fit.path
    pd.testing.assert_series_equal(
        cv_fit.coef("lambda.min"), path.coef(relaxed.lambda_min, gamma=relaxed.gamma_min)
    )
    pd.testing.assert_series_equal(
        cv_fit.coef(), path.coef(relaxed.lambda_1se, gamma=relaxed.gamma_1se)
    )
    pd.testing.assert_series_equal(
        cv_fit.coef("lambda.1se", gamma=0.5), path.coef(relaxed.lambda_1se, gamma=0.5)
    )
    s = float(cv_fit.lambdas[20])
    np.testing.assert_array_equal(cv_fit.predict(X, s), path.predict(X, s, gamma=relaxed.gamma_1se))
    np.testing.assert_array_equal(
        cv_fit.predict(X, s, gamma="gamma.min"), path.predict(X, s, gamma=relaxed.gamma_min)
    )


def test_cv_summary_frame_and_plot(cv_fit):
    table = cv_fit.summary()
    assert list(table.columns) == [
        "Gamma", "Gamma Index", "Lambda", "Index", "Measure", "SE", "Nonzero",
    ]  # fmt: skip
    g, k = cv_fit.relaxed.choice_min
    assert table.loc["min", "Measure"] == cv_fit.relaxed.cvm[g, k]
    assert table.loc["min", "Index"] == k + 1 and table.loc["min", "Gamma Index"] == g + 1
    frame = cv_fit.to_frame()
    assert len(frame) == 5 * len(cv_fit.lambdas)
    np.testing.assert_array_equal(
        frame.loc[frame["gamma"] == 1, "cvm"].to_numpy(), cv_fit.relaxed.cvm[-1]
    )
    figure = cv_fit.plot()
    assert figure.labels.y == cv_fit.measure
    built = figure.draw()
    assert built is not None
    path_figure = cv_fit.path.plot(gamma=0.5)
    assert path_figure.labels.y == "Coefficients"


def test_relaxed_cv_is_identical_across_n_jobs(xy):
    X, y = xy
    one, two = (
        sl.cv_glmnet(X, y, seed=5, relax=True, gamma=[0, 0.5], n_jobs=n, backend="python")
        for n in (1, 2)
    )
    np.testing.assert_array_equal(one.relaxed.cvm, two.relaxed.cvm)
    assert one.relaxed.choice_1se == two.relaxed.choice_1se


def test_relaxed_multinomial_predicts_probabilities():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 5))
    y = np.digitize(X[:, 0] + rng.normal(size=120), [-0.5, 0.5])
    fit = sl.glmnet(X, y, family="multinomial", relax=True, backend="python")
    s = float(fit.lambdas[len(fit.lambdas) // 2])
    prob = fit.predict(X, s, type="response", gamma=0)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    assert fit.coef(s, gamma=0.5).shape == (6, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"relax": "yes"}, "relax must be True or False"),
        ({"relax": True, "gamma": [1.5, -1]}, "gamma has no value in"),
        ({"relax": True, "gamma": [0.5, np.nan]}, "gamma contains NaN"),
        ({"relax": True, "gamma": "0.5"}, "gamma must be a sequence of numbers"),
    ],
)
def test_bad_relax_arguments_are_refused_by_name(xy, call, message):
    X, y = xy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError), match=message):
            sl.cv_glmnet(X, y, seed=1, backend="python", **call)


def test_gamma_outside_0_1_is_dropped_with_rs_warning(xy):
    X, y = xy
    with pytest.warns(UserWarning, match=r"gamma: larger than 1 values \[1.5\] ignored"):
        fit = sl.cv_glmnet(X, y, seed=1, relax=True, gamma=[1.5, 0.5], backend="python")
    np.testing.assert_array_equal(fit.relaxed.gamma, [0.5])
    with pytest.warns(UserWarning, match="gamma is used only with relax=True"):
        plain = sl.cv_glmnet(X, y, seed=1, gamma=[0.5], backend="python")
    assert plain.relaxed is None


def test_gamma_needs_a_relaxed_fit_and_a_value_in_0_1(xy, relaxed_fit):
    X, y = xy
    plain = sl.glmnet(X, y, backend="python")
    with pytest.raises(ValueError, match=r"gamma = 0\.5 needs a relaxed fit"):
        plain.coef(0.1, gamma=0.5)
    with pytest.raises(ValueError, match=r"gamma must be a number in \[0, 1\]"):
        relaxed_fit.predict(X, 0.1, gamma=1.5)
    cv_plain = sl.cv_glmnet(X, y, seed=1, backend="python")
    with pytest.raises(ValueError, match="gamma_min and gamma_1se need"):
        _ = cv_plain.gamma_min
    cv_relaxed = sl.cv_glmnet(X, y, seed=1, relax=True, gamma=[0, 1], backend="python")
    with pytest.raises(ValueError, match=r"gamma must be .gamma\.1se., .gamma\.min. or a number"):
        cv_relaxed.coef(gamma="gamma.best")


def test_limits_longer_than_p_are_cut_and_checked_in_full(xy):
    X, y = xy
    with pytest.warns(UserWarning, match="upper_limits has 9 values for 8 columns"):
        cut = sl.glmnet(X, y, upper_limits=[0.3] * 8 + [5.0], backend="python")
    np.testing.assert_array_equal(
        cut.beta, sl.glmnet(X, y, upper_limits=0.3, backend="python").beta
    )
    with pytest.raises(ValueError, match="lower_limits must be non-positive"):
        sl.glmnet(X, y, lower_limits=[-1.0] * 8 + [0.5], backend="python")


def test_unconverged_refit_is_rs_empty_model():
    """Complete separation: the unpenalised logistic fit on large active sets has no optimum and
    its refit runs out of passes; R's glmnet then returns an empty model, so do we."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 12))
    eta = X[:, :4] @ [1.5, -1, 1, 0.8]
    y = (rng.uniform(size=40) < 1 / (1 + np.exp(-eta))).astype(int)
    with pytest.warns(RuntimeWarning, match="relax: 1 relaxed refit"):
        fit = sl.glmnet(X, y, family="binomial", relax=True, backend="python", thresh=1e-14)
    empty = (fit.relaxed.dev_ratio == 0) & (fit.df > 0)  # real active sets, refitted in vain
    assert empty.any() and not empty[fit.df > 0].all()
    np.testing.assert_array_equal(fit.relaxed.beta[:, empty], 0.0)
    np.testing.assert_array_equal(fit.relaxed.a0[empty], 0.0)
