"""KernelSHAP: exact at full enumeration, calibrated standard errors, the sheet's snippet, the
variance study, and agreement with shap.KernelExplainer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from statlab.shap import exact_shap, kernel_shap, kernel_shap_sheet, kernel_shap_variance


def eight_feature_model(X: np.ndarray) -> np.ndarray:
    return (
        np.sin(X[:, 0])
        + X[:, 1] * X[:, 2]
        + X[:, 3] * X[:, 4] * X[:, 0]
        + np.maximum(X[:, 5:].sum(axis=1), 0) * X[:, 6]
    )


@pytest.fixture(scope="module")
def eight():
    rng = np.random.default_rng(8)
    background = rng.normal(size=(30, 8))
    x = 1.5 * rng.normal(size=(1, 8))
    exact = exact_shap(eight_feature_model, x, background, backend="python").values[0]
    return background, x, exact


@pytest.mark.parametrize("paired", [True, False])
def test_full_enumeration_equals_exact(paired, interacting_model, background, explained):
    exact = exact_shap(interacting_model, explained, background, backend="python")
    est = kernel_shap(
        interacting_model, explained, background, n_samples=2**4 - 2, seed=0, paired=paired
    )
    np.testing.assert_allclose(est.values, exact.values, atol=1e-12)
    assert est.n_samples == 14
    assert np.all(est.standard_errors == 0)
    assert est.base_value == pytest.approx(exact.base_value, abs=1e-12)


def test_sampled_estimates_keep_efficiency_and_are_seeded(eight):
    background, x, _ = eight
    first = kernel_shap(eight_feature_model, x, background, n_samples=100, seed=4)
    again = kernel_shap(eight_feature_model, x, background, n_samples=100, seed=4)
    other = kernel_shap(eight_feature_model, x, background, n_samples=100, seed=5)
    np.testing.assert_allclose(first.efficiency_gap, 0, atol=1e-10)
    np.testing.assert_array_equal(first.values, again.values)
    assert not np.allclose(first.values, other.values)
    assert first.n_samples == 100


def test_standard_errors_match_the_spread_over_replicates_and_bias_is_small(eight):
    background, x, exact = eight
    estimates = [
        kernel_shap(eight_feature_model, x, background, n_samples=160, seed=s) for s in range(200)
    ]
    values = np.stack([e.values[0] for e in estimates])
    reported = np.stack([e.standard_errors[0] for e in estimates]).mean(axis=0)
    spread = values.std(axis=0, ddof=1)
    assert np.all((reported / spread > 0.8) & (reported / spread < 1.2))
    assert np.all(np.abs(values.mean(axis=0) - exact) < 4 * spread / np.sqrt(200))


def test_paired_sampling_halves_the_spread(eight):
    background, x, _ = eight

    def spread(paired: bool) -> np.ndarray:
        runs = [
            kernel_shap(eight_feature_model, x, background, n_samples=200, seed=s, paired=paired)
            for s in range(60)
        ]
        return np.stack([r.values[0] for r in runs]).std(axis=0, ddof=1)

    assert np.mean(spread(True) / spread(False)) < 0.75


def test_sheet_snippet_is_right_for_additive_models_only(background, explained):
    def additive(X):
        return np.sin(X[:, 0]) + X[:, 1] ** 2 - 3 * X[:, 2] + np.abs(X[:, 3])

    exact = exact_shap(additive, explained, background, backend="python")
    sheet = kernel_shap_sheet(additive, explained, background, n_samples=200, seed=1)
    np.testing.assert_allclose(sheet.values, exact.values, atol=1e-10)


def test_sheet_weights_converge_to_the_wrong_values_and_shapley_weights_fix_it(eight):
    background, _, _ = eight
    x = np.array([2.0, 1.5, -1.5, 2.0, 1.8, 1.0, 1.5, 1.0])
    exact = exact_shap(eight_feature_model, x, background, backend="python").values[0]
    limit = kernel_shap_sheet(eight_feature_model, x, background, n_samples=None, seed=0)
    repaired = kernel_shap_sheet(
        eight_feature_model, x, background, n_samples=None, seed=0, weights="shapley"
    )
    assert limit.n_samples == 256
    assert np.abs(limit.values[0] - exact).max() > 0.2
    np.testing.assert_allclose(repaired.values[0], exact, atol=1e-12)
    np.testing.assert_allclose(limit.efficiency_gap, 0, atol=1e-10)
    sampled = kernel_shap_sheet(eight_feature_model, x, background, n_samples=20_000, seed=3)
    # the sampled snippet sits near its own limit, not near the Shapley values
    assert np.abs(sampled.values[0] - limit.values[0]).max() < np.abs(limit.values[0] - exact).max()


def test_variance_study_falls_like_a_monte_carlo_average(eight):
    background, x, _ = eight
    study = kernel_shap_variance(
        eight_feature_model,
        x,
        background,
        n_samples_grid=[64, 128, 240],
        n_draws=40,
        seed=11,
        paired=False,
    )
    summary = study.summary()
    assert summary.shape == (24, 7)
    assert -0.75 < study.rate() < -0.3
    np.testing.assert_allclose(
        summary.loc[summary["n_samples"] == 64, "bias"].abs(),
        0,
        atol=4 * summary.loc[summary["n_samples"] == 64, "sd_phi"].max() / np.sqrt(40),
    )
    loose, tight = study.recommendation(0.2), study.recommendation(0.05)
    assert tight["n_samples"] > loose["n_samples"]
    assert study.recommendation(1e-6)["full_enumeration"]
    assert study.recommendation(1e-6)["n_samples"] == 254
    worst = summary.groupby("n_samples")["sd_phi"].max()
    fitted = np.polyfit(np.log(worst.index), np.log(worst), 1)  # same rate, pooled differently
    assert fitted[0] == pytest.approx(study.rate(), abs=0.25)


def test_shap_kernel_explainer_agrees_at_full_enumeration(interacting_model, background, explained):
    shap = pytest.importorskip("shap")
    explainer = shap.KernelExplainer(interacting_model, background)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = explainer.shap_values(explained, nsamples=2**4 - 2, silent=True)
    ours = kernel_shap(interacting_model, explained, background, n_samples=14, seed=0)
    np.testing.assert_allclose(ours.values, reference, atol=1e-10)
    assert ours.base_value == pytest.approx(float(explainer.expected_value), abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 4}, ValueError, "n_samples must be an integer >= 5"),
        ({"n_samples": 10.5}, TypeError, "n_samples must be an integer"),
        ({"seed": "abc"}, TypeError, "seed must be a non-negative integer"),
        ({"seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"paired": "yes"}, TypeError, "paired must be True or False"),
        ({"background": np.zeros((0, 4))}, ValueError, "background is empty"),
        ({"x": np.zeros(3)}, ValueError, "background has 4 features, expected 3"),
        ({"f": lambda X: np.c_[X[:, 0], X[:, 1]]}, ValueError, "f must return one number per row"),
    ],
)
def test_kernel_shap_bad_inputs(kwargs, error, match, interacting_model, background, explained):
    arguments = {
        "f": interacting_model,
        "x": explained,
        "background": background,
        "n_samples": 10,
        "seed": 1,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        kernel_shap(**arguments)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples_grid": []}, TypeError, "n_samples_grid must be a non-empty list"),
        ({"n_samples_grid": [3, 10]}, ValueError, "n_samples_grid must be an integer >= 5"),
        ({"n_draws": 1}, ValueError, "n_draws must be an integer >= 2"),
        ({"x": np.zeros((2, 4))}, ValueError, "x must be a single row"),
    ],
)
def test_kernel_shap_variance_bad_inputs(kwargs, error, match, interacting_model, background):
    arguments = {
        "f": interacting_model,
        "x": np.ones(4),
        "background": background,
        "n_samples_grid": [8, 12],
        "n_draws": 3,
        "seed": 1,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        kernel_shap_variance(**arguments)


def test_sheet_rejects_unknown_weights(interacting_model, background):
    with pytest.raises(ValueError, match="weights must be 'sheet' or 'shapley'"):
        kernel_shap_sheet(
            interacting_model, np.ones(4), background, n_samples=20, seed=1, weights="kernel"
        )
