"""glmnet's per-variable options in the Python engine: penalty factors, exclusions, limits, no
intercept, dfmax and pmax, checked by the properties R's glmnet gives them, and their bad input."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl


@pytest.fixture(scope="module")
def xy():
    prostate = sl.data.load("prostate")
    return sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]


def fit(X, y, **kwargs):
    return sl.glmnet(X, y, backend="python", **kwargs)


@pytest.mark.parametrize("type_gaussian", ["covariance", "naive"])
def test_penalty_factors_are_renormalised_to_sum_to_p(xy, type_gaussian):
    X, y = xy
    factors = np.array([0.5, 1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 0.25])
    base = fit(X, y, penalty_factor=factors, type_gaussian=type_gaussian)
    scaled = fit(X, y, penalty_factor=7 * factors, type_gaussian=type_gaussian)
    np.testing.assert_array_equal(base.lambdas, scaled.lambdas)
    np.testing.assert_allclose(base.beta, scaled.beta, atol=1e-13)
    plain = fit(X, y, type_gaussian=type_gaussian)
    assert not np.allclose(base.lambdas[1:5], plain.lambdas[1:5])


def test_zero_penalty_variable_is_fitted_from_the_first_lambda(xy):
    X, y = xy
    path = fit(X, y, penalty_factor=np.r_[0.0, np.ones(7)])
    lcavol = X["lcavol"].to_numpy()
    slope = np.cov(lcavol, y, bias=True)[0, 1] / np.var(lcavol)
    assert path.beta[0, 0] == pytest.approx(slope, rel=1e-6)  # simple regression on lcavol
    np.testing.assert_array_equal(path.beta[1:, 0], 0.0)
    assert (path.beta[0] != 0).all()


def test_exclude_by_name_position_or_infinite_penalty_is_the_same(xy):
    X, y = xy
    by_name = fit(X, y, exclude=["lweight", "svi"])
    by_position = fit(X, y, exclude=[1, 4])
    by_penalty = fit(X, y, penalty_factor=[1, np.inf, 1, 1, np.inf, 1, 1, 1])
    np.testing.assert_array_equal(by_name.beta, by_position.beta)
    np.testing.assert_array_equal(by_name.beta, by_penalty.beta)
    np.testing.assert_array_equal(by_name.beta[[1, 4]], 0.0)
    kept = X.drop(columns=["lweight", "svi"])
    np.testing.assert_allclose(by_name.lambdas, fit(kept, y).lambdas, rtol=1e-12)


@pytest.mark.parametrize("type_gaussian", ["covariance", "naive"])
def test_limits_hold_on_the_whole_path(xy, type_gaussian):
    X, y = xy
    lower = np.array([-0.1, -1.0, -0.02, 0.0, -np.inf, -0.3, 0.0, -0.01])
    path = fit(X, y, lower_limits=lower, upper_limits=0.2, type_gaussian=type_gaussian)
    assert (path.beta >= lower[:, None]).all() and (path.beta <= 0.2).all()
    assert np.isclose(path.beta, 0.2).any()  # some limit binds
    # with a limit at 0, glmnet turns its relative-R^2 early stop off: the full path is solved
    assert len(path.lambdas) == 100


def test_no_intercept_reaches_least_squares_through_the_origin(xy):
    X, y = xy
    path = fit(X, y, intercept=False, lambdas=[1e-12], thresh=1e-20, maxit=10**8)
    assert path.a0[0] == 0.0
    ols, *_ = np.linalg.lstsq(X.to_numpy(), y.to_numpy(), rcond=None)
    np.testing.assert_allclose(path.beta[:, 0], ols, rtol=1e-6, atol=1e-7)


def test_dfmax_stops_the_path_after_the_first_step_over_it(xy):
    X, y = xy
    path = fit(X, y, dfmax=3)
    assert path.df[-1] > 3 and (path.df[:-1] <= 3).all()


def test_pmax_stops_the_path_with_a_warning(xy):
    X, y = xy
    with pytest.warns(RuntimeWarning, match="pmax: more than pmax = 2"):
        path = fit(X, y, pmax=2)
    assert path.df.max() <= 2 and len(path.lambdas) < 20
    with pytest.raises(ValueError, match=r"pmax: more than pmax = 2 .* first lambda"):
        fit(X, y, pmax=2, alpha=0.0)


def test_binomial_options_hold(xy):
    X, _ = xy
    y = sl.data.load("prostate")["lpsa"] > 2.5
    path = fit(
        X, y, family="binomial", exclude="age", penalty_factor=np.r_[0.0, np.ones(7)],
        lower_limits=-0.5, upper_limits=1.0, intercept=False,
    )  # fmt: skip
    np.testing.assert_array_equal(path.a0, 0.0)
    np.testing.assert_array_equal(path.beta[2], 0.0)
    assert (path.beta[0] != 0).all()
    assert path.beta.min() >= -0.5 and path.beta.max() <= 1.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"penalty_factor": np.ones(3)}, "penalty_factor has 3 values but X has 8 columns"),
        ({"penalty_factor": [np.nan] + [1.0] * 7}, "penalty_factor must hold numbers >= 0"),
        ({"penalty_factor": np.zeros(8)}, "penalty_factor: all penalty factors are 0"),
        ({"exclude": ["age", "height"]}, "exclude: no column named 'height'"),
        ({"exclude": 8}, "exclude: position 8 is out of range"),
        ({"exclude": list(range(8))}, "exclude: every column of X is excluded"),
        ({"penalty_factor": np.full(8, np.inf)}, "exclude: every column of X is excluded"),
        ({"exclude": [1.5]}, "exclude must hold column names or 0-based positions"),
        ({"lower_limits": 0.1}, "lower_limits must be non-positive"),
        ({"upper_limits": [-1.0] + [1.0] * 7}, "upper_limits must be non-negative"),
        ({"lower_limits": [-1.0, -1.0]}, "lower_limits must be a scalar or have one value"),
        ({"dfmax": 0}, "dfmax must be a positive integer"),
        ({"pmax": 2.5}, "pmax must be a positive integer"),
        ({"intercept": "no"}, "intercept must be True or False"),
    ],
)
def test_bad_option_arguments(xy, change, message):
    X, y = xy
    with pytest.raises(ValueError, match=message):
        sl.cv_glmnet(X, y, backend="python", **change)


def test_negative_penalty_factor_is_zero_with_a_warning(xy):
    X, y = xy
    with pytest.warns(UserWarning, match="penalty_factor: negative factors are taken as 0"):
        negative = fit(X, y, penalty_factor=[-1.0, 1, 1, 1, 1, 1, 1, 1])
    zero = fit(X, y, penalty_factor=[0.0, 1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(negative.beta, zero.beta)


def test_named_penalty_factor_and_limits_follow_the_column_names(xy):
    import pandas as pd

    X, y = xy
    frame = pd.DataFrame(np.asarray(X), columns=[f"c{j}" for j in range(X.shape[1])])
    factors = pd.Series(np.linspace(0.5, 2.0, X.shape[1]), index=frame.columns)
    upper = pd.Series(np.r_[0.3, np.full(X.shape[1] - 1, np.inf)], index=frame.columns)
    in_order = fit(frame, y, penalty_factor=factors.to_numpy(), upper_limits=upper.to_numpy())
    reversed_names = fit(frame, y, penalty_factor=factors[::-1], upper_limits=upper[::-1])
    np.testing.assert_array_equal(reversed_names.beta, in_order.beta)
    assert reversed_names.beta[0].max() <= 0.3


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (["c0", "c1", "zz"], r"unknown names \['zz'\], columns without a value \['c2'\]"),
        (["c0", "c0", "c1"], "columns without a value"),
    ],
)
def test_named_penalty_factor_with_other_names_is_refused(xy, labels, match):
    import pandas as pd

    X, y = xy
    frame = pd.DataFrame(np.asarray(X)[:, :3], columns=["c0", "c1", "c2"])
    with pytest.raises(ValueError, match=rf"penalty_factor is labelled by column name.*{match}"):
        fit(frame, y, penalty_factor=pd.Series([1.0, 2.0, 3.0], index=labels))
