"""Marginal likelihood: closed forms, R parity, the exercise's two local maxima, the posterior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from statlab import gp
from statlab.gp import marginal

X, Y = marginal.EXERCISE_X, marginal.EXERCISE_Y


def _dense_log_likelihood(length_scale: float, sigma_y: float, sigma_f: float = 1.0) -> float:
    covariance = sigma_f**2 * np.exp(
        -0.5 * np.subtract.outer(X, X) ** 2 / length_scale**2
    ) + sigma_y**2 * np.eye(X.size)
    return float(scipy.stats.multivariate_normal(np.zeros(X.size), covariance).logpdf(Y))


@pytest.mark.parametrize(
    ("length_scale", "sigma_y", "sigma_f"), [(12.4, 0.62, 1.0), (1.2, 0.23, 1.0), (0.3, 2.0, 0.5)]
)
def test_python_matches_multivariate_normal(
    length_scale: float, sigma_y: float, sigma_f: float
) -> None:
    value = gp.log_marginal_likelihood(X, Y, length_scale, sigma_y, sigma_f, backend="python")
    assert value == pytest.approx(_dense_log_likelihood(length_scale, sigma_y, sigma_f), abs=1e-10)


def test_single_point_closed_form() -> None:
    value = gp.log_marginal_likelihood([0.0], [1.0], 1.0, 1.0, backend="python")
    assert value == pytest.approx(scipy.stats.norm(0, np.sqrt(2)).logpdf(1.0))


def test_surface_matches_pointwise() -> None:
    scales, noises = np.geomspace(0.5, 20, 6), np.geomspace(0.1, 1, 5)
    surface = gp.marginal_likelihood_surface(X, Y, scales, noises, backend="python")
    assert list(surface.columns) == ["length_scale", "sigma_y", "log_likelihood"]
    assert len(surface) == 30
    for row in surface.itertuples():
        assert row.log_likelihood == pytest.approx(
            _dense_log_likelihood(row.length_scale, row.sigma_y), abs=1e-9
        )


@pytest.mark.needs_r
def test_r_parity() -> None:
    scales, noises = np.geomspace(0.3, 30, 12), np.geomspace(0.05, 2, 10)
    r = gp.marginal_likelihood_surface(X, Y, scales, noises, backend="r")
    python = gp.marginal_likelihood_surface(X, Y, scales, noises, backend="python")
    np.testing.assert_allclose(r["log_likelihood"], python["log_likelihood"], rtol=0, atol=1e-8)
    for length_scale, sigma_y in marginal.EXERCISE_PARAMS.values():
        assert gp.log_marginal_likelihood(X, Y, length_scale, sigma_y, backend="r") == (
            pytest.approx(
                gp.log_marginal_likelihood(X, Y, length_scale, sigma_y, backend="python"), abs=1e-10
            )
        )


@pytest.fixture(scope="module")
def maxima() -> pd.DataFrame:
    return gp.find_local_maxima(X, Y)


def test_two_local_maxima_of_the_exercise(maxima: pd.DataFrame) -> None:
    assert list(maxima.columns) == ["length_scale", "sigma_y", "log_likelihood"]
    assert len(maxima) == 2
    assert maxima["log_likelihood"].is_monotonic_decreasing
    short, long = maxima.iloc[0], maxima.iloc[1]
    assert short["length_scale"] == pytest.approx(1.31, abs=0.02)
    assert short["sigma_y"] == pytest.approx(0.240, abs=0.005)
    assert short["log_likelihood"] == pytest.approx(-8.2445, abs=1e-3)
    assert long["length_scale"] == pytest.approx(12.58, abs=0.1)
    assert long["sigma_y"] == pytest.approx(0.614, abs=0.005)
    assert long["log_likelihood"] == pytest.approx(-8.7627, abs=1e-3)
    labelled = marginal.label_maxima(maxima)
    assert labelled["label"].tolist() == ["B", "A"]


def test_maxima_are_stationary(maxima: pd.DataFrame) -> None:
    for row in maxima.itertuples():
        centre = row.log_likelihood
        for factor in (0.97, 1.03):
            assert (
                gp.log_marginal_likelihood(
                    X, Y, row.length_scale * factor, row.sigma_y, backend="python"
                )
                < centre
            )
            assert (
                gp.log_marginal_likelihood(
                    X, Y, row.length_scale, row.sigma_y * factor, backend="python"
                )
                < centre
            )


def test_posterior_closed_form_single_point() -> None:
    # one observation: mean = k/(1 + s^2) y, var = 1 - k^2/(1 + s^2)
    result = gp.posterior([0.0], [2.0], [0.0, 1.0], length_scale=1.0, sigma_y=0.5)
    k = np.exp(-0.5 * np.array([0.0, 1.0]))
    np.testing.assert_allclose(result["mean"], k / 1.25 * 2.0)
    np.testing.assert_allclose(result["sd"], np.sqrt(1 - k**2 / 1.25))


def test_posterior_far_from_data_reverts_to_prior() -> None:
    result = gp.posterior(X, Y, [1000.0], length_scale=1.2, sigma_y=0.23, sigma_f=2.0)
    assert result["mean"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert result["sd"].iloc[0] == pytest.approx(2.0)


def test_posterior_fits_labels_answer_which_is_which() -> None:
    fits = marginal.posterior_fits(X, Y, np.linspace(-7.5, 7.5, 201))
    labels = list(fits["fit"].cat.categories)
    assert labels[0].startswith("A: ℓ = 12.4, σ_y = 0.62") and "smooth trend" in labels[0]
    assert labels[1].startswith("B: ℓ = 1.2, σ_y = 0.23") and "wiggly" in labels[1]
    # B follows the data closely: its mean is nearer the observations than A's
    residual = {}
    for label, fit in fits.groupby("fit", observed=True):
        residual[label[0]] = np.abs(np.interp(X, fit["x"], fit["mean"]) - Y).mean()
    assert residual["B"] < residual["A"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gp.log_marginal_likelihood(X, Y[:3], 1.0, 1.0, backend="python"), "same length"),
        (
            lambda: gp.log_marginal_likelihood([np.nan], [1.0], 1.0, 1.0, backend="python"),
            "x contains NaN",
        ),
        (lambda: gp.log_marginal_likelihood(X, Y, 0.0, 1.0, backend="python"), "length_scale"),
        (lambda: gp.log_marginal_likelihood(X, Y, 1.0, -1.0, backend="python"), "sigma_y"),
        (
            lambda: gp.log_marginal_likelihood(X, Y, 1.0, 1.0, sigma_f=0, backend="python"),
            "sigma_f",
        ),
        (lambda: gp.log_marginal_likelihood(X, Y, 1.0, 1.0, backend="julia"), "backend"),
        (
            lambda: gp.marginal_likelihood_surface(X, Y, [], [0.1], backend="python"),
            "length_scales",
        ),
        (lambda: gp.marginal_likelihood_surface(X, Y, [1.0], [-0.1], backend="python"), "sigma_ys"),
        (lambda: gp.find_local_maxima(X, Y, length_scale_bounds=(5.0, 1.0)), "length_scale_bounds"),
        (lambda: gp.posterior(X, Y, [], 1.0, 1.0), "x_test"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_near_singular_covariance_gets_jitter_with_warning() -> None:
    x = np.array([0.0, 0.0, 1e-9])
    with pytest.warns(gp.JitterWarning, match="jitter|diagonal"):
        value = gp.log_marginal_likelihood(x, [1.0, 1.0, 1.0], 1.0, 1e-12, backend="python")
    assert np.isfinite(value)
