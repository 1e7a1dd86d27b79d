"""Marginal likelihood: closed forms, R parity, the exercise's two local maxima, the posterior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from statlab import gp
from statlab.gp import marginal

X, Y = marginal.EXERCISE_X, marginal.EXERCISE_Y


def _dense_log_likelihood(length_scale: float, noise_sd: float, amplitude: float = 1.0) -> float:
    covariance = amplitude**2 * np.exp(
        -0.5 * np.subtract.outer(X, X) ** 2 / length_scale**2
    ) + noise_sd**2 * np.eye(X.size)
    return float(scipy.stats.multivariate_normal(np.zeros(X.size), covariance).logpdf(Y))


@pytest.mark.parametrize(
    ("length_scale", "noise_sd", "amplitude"),
    [(12.4, 0.62, 1.0), (1.2, 0.23, 1.0), (0.3, 2.0, 0.5)],
)
def test_python_matches_multivariate_normal(
    length_scale: float, noise_sd: float, amplitude: float
) -> None:
    value = gp.log_marginal_likelihood(
        X, Y, length_scale=length_scale, noise_sd=noise_sd, amplitude=amplitude, backend="python"
    )
    expected = _dense_log_likelihood(length_scale, noise_sd, amplitude)
    assert value == pytest.approx(expected, abs=1e-10)


def test_old_argument_names_still_work_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="'sigma_y' is deprecated.*use 'noise_sd'"):
        old = gp.log_marginal_likelihood(X, Y, length_scale=1.2, sigma_y=0.23, backend="python")
    assert old == gp.log_marginal_likelihood(
        X, Y, length_scale=1.2, noise_sd=0.23, backend="python"
    )
    with pytest.raises(TypeError, match="both 'sigma_y'"):
        gp.log_marginal_likelihood(X, Y, length_scale=1.2, sigma_y=0.2, noise_sd=0.2)


def test_single_point_closed_form() -> None:
    value = gp.log_marginal_likelihood(
        [0.0], [1.0], length_scale=1.0, noise_sd=1.0, backend="python"
    )
    assert value == pytest.approx(scipy.stats.norm(0, np.sqrt(2)).logpdf(1.0))


def test_surface_matches_pointwise() -> None:
    scales, noises = np.geomspace(0.5, 20, 6), np.geomspace(0.1, 1, 5)
    result = gp.marginal_likelihood_surface(
        X, Y, length_scales=scales, noise_sds=noises, backend="python"
    )
    surface = result.to_frame()
    assert list(surface.columns) == ["length_scale", "noise_sd", "log_likelihood"]
    assert len(surface) == 30 and result.backend == "python"
    for row in surface.itertuples():
        assert row.log_likelihood == pytest.approx(
            _dense_log_likelihood(row.length_scale, row.noise_sd), abs=1e-9
        )


def test_surface_summary_finds_the_two_maxima_on_the_grid() -> None:
    result = gp.marginal_likelihood_surface(
        X,
        Y,
        length_scales=np.geomspace(0.5, 20, 80),
        noise_sds=np.geomspace(0.1, 1, 60),
        backend="python",
    )
    grid_maxima = result.summary()
    assert len(grid_maxima) == 2
    refined = gp.find_local_maxima(X, Y)
    np.testing.assert_allclose(
        np.log(grid_maxima[["length_scale", "noise_sd"]]),
        np.log(refined[["length_scale", "noise_sd"]]),
        atol=0.05,
    )
    figure = result.plot(gp.label_maxima(refined))
    assert figure.layers[-1].geom.data["label"].tolist() == ["B", "A"]


@pytest.mark.needs_r
def test_r_parity() -> None:
    scales, noises = np.geomspace(0.3, 30, 12), np.geomspace(0.05, 2, 10)
    grids = {"length_scales": scales, "noise_sds": noises, "amplitude": 1.3}
    r = gp.marginal_likelihood_surface(X, Y, **grids, backend="r")
    python = gp.marginal_likelihood_surface(X, Y, **grids, backend="python")
    assert (r.backend, python.backend) == ("r", "python")
    np.testing.assert_allclose(r.log_likelihood, python.log_likelihood, rtol=0, atol=1e-8)
    for length_scale, noise_sd in marginal.EXERCISE_PARAMS.values():
        setting = {"length_scale": length_scale, "noise_sd": noise_sd}
        assert gp.log_marginal_likelihood(X, Y, **setting, backend="r") == (
            pytest.approx(gp.log_marginal_likelihood(X, Y, **setting, backend="python"), abs=1e-10)
        )


@pytest.fixture(scope="module")
def maxima() -> pd.DataFrame:
    return gp.find_local_maxima(X, Y)


def test_two_local_maxima_of_the_exercise(maxima: pd.DataFrame) -> None:
    assert list(maxima.columns) == ["length_scale", "noise_sd", "log_likelihood"]
    assert len(maxima) == 2
    assert maxima["log_likelihood"].is_monotonic_decreasing
    short, long = maxima.iloc[0], maxima.iloc[1]
    assert short["length_scale"] == pytest.approx(1.31, abs=0.02)
    assert short["noise_sd"] == pytest.approx(0.240, abs=0.005)
    assert short["log_likelihood"] == pytest.approx(-8.2445, abs=1e-3)
    assert long["length_scale"] == pytest.approx(12.58, abs=0.1)
    assert long["noise_sd"] == pytest.approx(0.614, abs=0.005)
    assert long["log_likelihood"] == pytest.approx(-8.7627, abs=1e-3)
    labelled = marginal.label_maxima(maxima)
    assert labelled["label"].tolist() == ["B", "A"]


def test_maxima_are_stationary(maxima: pd.DataFrame) -> None:
    for row in maxima.itertuples():
        centre = row.log_likelihood
        for factor in (0.97, 1.03):
            assert (
                gp.log_marginal_likelihood(
                    X,
                    Y,
                    length_scale=row.length_scale * factor,
                    noise_sd=row.noise_sd,
                    backend="python",
                )
                < centre
            )
            assert (
                gp.log_marginal_likelihood(
                    X,
                    Y,
                    length_scale=row.length_scale,
                    noise_sd=row.noise_sd * factor,
                    backend="python",
                )
                < centre
            )


def test_posterior_closed_form_single_point() -> None:
    # one observation: mean = k/(1 + s^2) y, var = 1 - k^2/(1 + s^2)
    result = gp.posterior([0.0], [2.0], [0.0, 1.0], length_scale=1.0, noise_sd=0.5)
    k = np.exp(-0.5 * np.array([0.0, 1.0]))
    np.testing.assert_allclose(result["mean"], k / 1.25 * 2.0)
    np.testing.assert_allclose(result["sd"], np.sqrt(1 - k**2 / 1.25))


def test_posterior_far_from_data_reverts_to_prior() -> None:
    result = gp.posterior(X, Y, [1000.0], length_scale=1.2, noise_sd=0.23, amplitude=2.0)
    assert result["mean"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert result["sd"].iloc[0] == pytest.approx(2.0)


def test_posterior_fits_labels_answer_which_is_which() -> None:
    fits = marginal.posterior_fits(X, Y, np.linspace(-7.5, 7.5, 201))
    labels = list(fits["fit"].cat.categories)
    assert labels[0].startswith("A: ℓ = 12.4, σ = 0.62") and "smooth trend" in labels[0]
    assert labels[1].startswith("B: ℓ = 1.2, σ = 0.23") and "wiggly" in labels[1]
    # B follows the data closely: its mean is nearer the observations than A's
    residual = {}
    for label, fit in fits.groupby("fit", observed=True):
        residual[label[0]] = np.abs(np.interp(X, fit["x"], fit["mean"]) - Y).mean()
    assert residual["B"] < residual["A"]


LML = gp.log_marginal_likelihood
SETTING = {"length_scale": 1.0, "noise_sd": 1.0, "backend": "python"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: LML(X, Y[:3], **SETTING), "y has 3 values but x has 7"),
        (lambda: LML([np.nan], [1.0], **SETTING), "x contains NaN"),
        (lambda: LML(X, Y, **{**SETTING, "length_scale": 0.0}), "length_scale"),
        (lambda: LML(X, Y, **{**SETTING, "noise_sd": -1.0}), "noise_sd"),
        (lambda: LML(X, Y, **SETTING, amplitude=0), "amplitude"),
        (lambda: LML(X, Y, **{**SETTING, "backend": "julia"}), "backend"),
        (
            lambda: gp.marginal_likelihood_surface(X, Y, length_scales=[], noise_sds=[0.1]),
            "length_scales",
        ),
        (
            lambda: gp.marginal_likelihood_surface(X, Y, length_scales=[1.0], noise_sds=[-0.1]),
            "noise_sds",
        ),
        (lambda: gp.find_local_maxima(X, Y, length_scale_bounds=(5.0, 1.0)), "length_scale_bounds"),
        (lambda: gp.find_local_maxima([1.0], [2.0]), "x must hold at least 2 distinct values"),
        (lambda: gp.posterior(X, Y, [], length_scale=1.0, noise_sd=1.0), "x_test"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_near_singular_covariance_gets_jitter_with_warning() -> None:
    x = np.array([0.0, 0.0, 1e-9])
    with pytest.warns(gp.JitterWarning, match="jitter|diagonal"):
        value = gp.log_marginal_likelihood(
            x, [1.0, 1.0, 1.0], length_scale=1.0, noise_sd=1e-12, backend="python"
        )
    assert np.isfinite(value)
