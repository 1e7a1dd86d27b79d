"""PCS model comparison: shared draws across designs, the summary's columns against hand
computations, R against Python, and the errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.stability import ReplicateError, bootstrap_draw

DESIGNS = {"main": "lpsa ~ .", "interactions": "lpsa ~ .^2"}


@pytest.fixture(scope="module")
def prostate():
    return sl.data.load("prostate")


@pytest.fixture(scope="module")
def comparison(prostate):
    return sl.compare_models(prostate, designs=DESIGNS, n_draws=12, seed=479, backend="python")


def test_designs_share_rows_and_replicates(comparison, prostate):
    main, interactions = comparison.results["main"], comparison.results["interactions"]
    np.testing.assert_array_equal(main.test_index, interactions.test_index)
    direct = sl.prediction_stability(
        sl.model_matrix("lpsa ~ .", prostate),
        prostate["lpsa"],
        alphas={"lasso": 1.0},
        n_test=20,
        n_draws=12,
        seed=479,
        backend="python",
    )
    ours = main.predictions[main.predictions["model"] == "lasso"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, direct.predictions)


def test_summary_columns_match_hand_computations(comparison, prostate):
    summary = comparison.summary()
    assert summary.index.tolist() == [
        (design, model) for design in DESIGNS for model in ("ols", "lasso", "ridge", "enet")
    ]
    assert summary.loc[("main", "ols"), "n_terms"] == 8
    assert summary.loc[("interactions", "ols"), "n_terms"] == 36
    assert summary.loc[("main", "ols"), "lambda_median"] == 0.0
    # ridge and OLS keep every term; the lasso fewer
    assert summary.loc[("main", "ridge"), "mean_nonzero"] == 8
    assert summary.loc[("main", "lasso"), "mean_nonzero"] < 8
    # sign consistency of the main-effects OLS fit, by hand
    coefs = comparison.results["main"].coefficients
    ols = coefs[(coefs["model"] == "ols") & (coefs["term"] != "(Intercept)")]
    by_term = ols.groupby("term")["coef"]
    majority = np.maximum(
        by_term.apply(lambda c: (c > 0).mean()), by_term.apply(lambda c: (c < 0).mean())
    )
    assert summary.loc[("main", "ols"), "sign_consistency"] == pytest.approx(majority.mean())
    assert ((summary["sign_consistency"] >= 0.5) & (summary["sign_consistency"] <= 1)).all()


def test_aliased_replicates_are_the_rank_deficient_bootstrap_samples(comparison, prostate):
    X = sl.model_matrix("lpsa ~ .^2", prostate).to_numpy()
    train = np.setdiff1d(np.arange(len(prostate)), comparison.results["interactions"].test_index)
    deficient = 0
    for replicate in range(comparison.n_draws):
        positions, _ = bootstrap_draw(479, replicate, train.shape[0], 10)
        sample = np.column_stack([np.ones(train.shape[0]), X[train[positions]]])
        deficient += np.linalg.matrix_rank(sample) < sample.shape[1]
    summary = comparison.summary()
    assert summary.loc[("interactions", "ols"), "aliased_replicates"] == deficient
    assert summary.loc[("main", "ols"), "aliased_replicates"] == 0
    assert summary.loc[("interactions", "lasso"), "aliased_replicates"] == 0


def test_winners_are_the_extremes_of_the_summary(comparison):
    summary = comparison.summary()
    winners = comparison.winners()
    assert tuple(winners.loc["accuracy", ["design", "model"]]) == summary["rmse"].idxmin()
    assert winners.loc["stability", "value"] == summary["mean_sd"].min()
    assert winners.loc["sign_consistency", "value"] == summary["sign_consistency"].max()
    assert winners.loc["sparsity", "best_in_main"] == (
        summary.xs("main", level="design")["mean_nonzero"].idxmin()
    )


def test_figures(comparison):
    accuracy = comparison.plot()
    assert accuracy.labels.x.startswith("test RMSE")
    assert len(accuracy.data) == 8
    grid = comparison.plot_stability()
    assert set(grid.data["design"]) == set(DESIGNS)
    assert len(grid.data) == 2 * 4 * 20  # designs x models x test rows
    frame = comparison.to_frame()
    assert list(frame.columns[:2]) == ["design", "model"]


def test_ozone_designs_share_the_log_response():
    ozone = sl.data.load("ozone")
    comparison = sl.compare_models(
        ozone,
        designs={
            "main": "log(O3) ~ .",
            "transformed": "log(O3) ~ . + log(ibh) + I(doy^2)",
        },
        models=["ols", "lasso"],
        n_draws=2,
        seed=1,
        backend="python",
    )
    assert comparison.summary()["n_terms"].tolist() == [9, 9, 11, 11]
    predictions = comparison.results["transformed"].predictions
    np.testing.assert_allclose(
        predictions["observed"], np.log(ozone["O3"].to_numpy()[predictions["row"]])
    )


@pytest.mark.needs_r
def test_r_and_python_backends_agree(prostate):
    runs = {
        backend: sl.compare_models(
            prostate, designs={"main": "lpsa ~ ."}, n_draws=3, seed=479, backend=backend
        )
        for backend in ("python", "r")
    }
    assert runs["r"].backend == "r"
    python, r = (runs[b].results["main"].predictions["predicted"] for b in ("python", "r"))
    np.testing.assert_allclose(python, r, rtol=1e-8)
    pd.testing.assert_frame_equal(
        runs["python"].summary(), runs["r"].summary(), rtol=1e-8, check_exact=False
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"designs": {"main": "lpsa ~ nope"}}, ValueError, "cannot be expanded"),
        ({"designs": {"main": "~ ."}}, ValueError, "must be a formula with a response"),
        ({"designs": {}}, ValueError, "designs must be a non-empty mapping"),
        (
            {"designs": {"a": "lpsa ~ .", "b": "lcavol ~ ."}},
            ValueError,
            "designs must share one response",
        ),
        ({"designs": DESIGNS, "models": ["ols", "lars"]}, ValueError, r"unknown model name.*lars"),
        ({"designs": DESIGNS, "models": "lasso"}, ValueError, "not a string"),
        ({"designs": DESIGNS, "models": {"x": 2.0}}, ValueError, r"models\['x'\] must be"),
        ({"designs": DESIGNS, "seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"designs": DESIGNS, "n_draws": 0}, ValueError, "must be an integer >= 1"),
    ],
)
def test_bad_arguments(kwargs, error, match, prostate):
    with pytest.raises(error, match=match):
        sl.compare_models(prostate, backend="python", **kwargs)


def test_ols_with_more_columns_than_rows_is_refused_naming_the_design(prostate):
    with pytest.raises(
        ValueError, match=r"model 'ols' .* design 'interactions'.*36 columns and 37"
    ):
        sl.compare_models(prostate, designs=DESIGNS, n_test=60, n_draws=2, seed=1, backend="python")


def test_a_failing_model_names_its_replicate_and_seed(prostate):
    def fails_on_third(x_train, y_train, foldid, x_test):
        fails_on_third.calls += 1
        if fails_on_third.calls == 3:
            raise np.linalg.LinAlgError("singular matrix")
        return sl.stability.ReplicateFit(np.zeros(len(x_test)), np.zeros(9), 0.0)

    fails_on_third.calls = 0
    with pytest.raises(
        ReplicateError,
        match=r"replicate 2 \(seed 5\) failed: ModelError: model 'flaky': LinAlgError",
    ):
        sl.prediction_stability(
            sl.model_matrix("lpsa ~ .", prostate),
            prostate["lpsa"],
            alphas={},
            learners={"flaky": fails_on_third},
            n_draws=4,
            seed=5,
            backend="python",
        )


def test_scikit_learn_estimators_as_models(prostate):
    from sklearn.ensemble import RandomForestRegressor

    from statlab.sklearn import CVGlmnetRegressor

    comparison = sl.compare_models(
        prostate,
        designs={"main": "lpsa ~ ."},
        models={
            "lasso": 1.0,
            "lasso_estimator": CVGlmnetRegressor(backend="python"),
            "forest": RandomForestRegressor(n_estimators=10, random_state=0),
        },
        n_draws=4,
        seed=479,
        backend="python",
    )
    summary = comparison.summary().xs("main", level="design")
    assert summary.index.tolist() == ["lasso", "lasso_estimator", "forest"]
    pd.testing.assert_series_equal(
        summary.loc["lasso_estimator"], summary.loc["lasso"], check_names=False, rtol=1e-12
    )
    assert np.isnan(summary.loc["forest", ["mean_nonzero", "sign_consistency"]]).all()
    assert summary.loc["forest", "aliased_replicates"] == 0
    assert comparison.winners().loc["sparsity", "model"] != "forest"
    with pytest.raises(ValueError, match=r"models\[.bad.\] must be .* or a scikit-learn estimator"):
        sl.compare_models(prostate, designs={"main": "lpsa ~ ."}, models={"bad": object()})
