"""prediction_stability on prostate: the split, the tables, the summary and its definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.stability import StabilityResult, bootstrap_draw

TEST_ROWS_SEED_479 = [5, 9, 12, 20, 23, 26, 29, 30, 35, 37, 41, 44, 46, 54, 70, 71, 76, 81, 93, 95]


def test_prostate_is_faraways_copy(prostate_xy: tuple[pd.DataFrame, pd.Series]) -> None:
    X, _ = prostate_xy
    assert X.shape == (97, 8)
    assert list(X.columns) == ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]
    assert X["lweight"].iloc[31] == pytest.approx(6.1076)


def test_tables_have_the_documented_shape(small_run: StabilityResult) -> None:
    assert small_run.test_index.tolist() == TEST_ROWS_SEED_479
    assert list(small_run.predictions.columns) == [
        "model",
        "replicate",
        "row",
        "observed",
        "predicted",
    ]
    assert small_run.predictions.shape == (2 * 6 * 20, 5)
    assert list(small_run.coefficients.columns) == ["model", "replicate", "term", "coef"]
    assert small_run.coefficients.shape == (2 * 6 * 9, 4)
    assert small_run.coefficients["term"].iloc[0] == "(Intercept)"
    assert list(small_run.summary().columns) == [
        "rmse",
        "mean_replicate_rmse",
        "mean_sd",
        "mean_width",
        "coverage",
        "mean_nonzero",
        "lambda_median",
    ]
    assert small_run.summary().index.tolist() == ["lasso", "ridge"]


def test_known_summary_values(small_run: StabilityResult) -> None:
    summary = small_run.summary()
    expected = pd.DataFrame(
        {
            "rmse": [0.791616241207282, 0.7829247001688275],
            "mean_replicate_rmse": [0.8344548134409334, 0.8152865740093906],
            "mean_sd": [0.2825150150454963, 0.24081324723517472],
            "mean_width": [0.7206668868967001, 0.6530160737219883],
            "coverage": [0.35, 0.25],
            "mean_nonzero": [11 / 3, 8.0],
            "lambda_median": [0.16662723857626652, 0.804801624776881],
        },
        index=pd.Index(["lasso", "ridge"], name="model"),
    )
    pd.testing.assert_frame_equal(summary, expected, rtol=1e-8, atol=1e-10)


def test_a_replicate_equals_cv_glmnet_on_its_bootstrap_rows(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    X, y = prostate_xy
    train = np.setdiff1d(np.arange(97), small_run.test_index)
    positions, folds = bootstrap_draw(479, replicate=3, n_train=train.size, nfolds=10)
    rows = train[positions]
    for model, alpha in {"lasso": 1.0, "ridge": 0.0}.items():
        fit = sl.cv_glmnet(X.iloc[rows], y.iloc[rows], alpha=alpha, foldid=folds, backend="python")
        predictions, coefficients = small_run.predictions, small_run.coefficients
        mine = predictions[(predictions["model"] == model) & (predictions["replicate"] == 3)]
        expected = fit.predict(X.iloc[small_run.test_index], s="lambda.1se")
        np.testing.assert_allclose(mine["predicted"], expected, rtol=0, atol=1e-12)
        coefs = coefficients[(coefficients["model"] == model) & (coefficients["replicate"] == 3)]
        np.testing.assert_allclose(coefs["coef"], fit.coef("lambda.1se").to_numpy(), atol=1e-12)
        lambdas = small_run.lambdas
        chosen = lambdas[(lambdas["model"] == model) & (lambdas["replicate"] == 3)]["lambda"]
        assert chosen.item() == pytest.approx(fit.lambda_1se, rel=1e-14)


def test_summary_follows_its_definitions(small_run: StabilityResult) -> None:
    summary = small_run.summary()
    for model in ("lasso", "ridge"):
        table = small_run.predictions[small_run.predictions["model"] == model]
        wide = table.pivot(index="replicate", columns="row", values="predicted")
        observed = table.groupby("row")["observed"].first().to_numpy()
        mean = wide.mean().to_numpy()
        row = summary.loc[model]
        assert row["rmse"] == pytest.approx(np.sqrt(np.mean((mean - observed) ** 2)))
        per_replicate = np.sqrt(((wide.to_numpy() - observed) ** 2).mean(axis=1))
        assert row["mean_replicate_rmse"] == pytest.approx(per_replicate.mean())
        assert row["mean_sd"] == pytest.approx(wide.std(ddof=1).mean())
        assert row["mean_width"] == pytest.approx((wide.max() - wide.min()).mean())
        inside = (wide.min().to_numpy() <= observed) & (observed <= wide.max().to_numpy())
        assert row["coverage"] == pytest.approx(inside.mean())
        assert 0 <= row["coverage"] <= 1
        # a point's mean prediction is never worse than a replicate on average (Jensen)
        assert row["rmse"] <= row["mean_replicate_rmse"]


def test_ridge_keeps_every_term_and_lasso_selects(small_run: StabilityResult) -> None:
    summary = small_run.summary()
    assert summary.loc["ridge", "mean_nonzero"] == 8
    assert summary.loc["lasso", "mean_nonzero"] < 8
    frequency = small_run.selection_frequency().set_index(["model", "term"])["selected"]
    assert frequency.loc["ridge"].eq(1.0).all()
    assert frequency.loc[("lasso", "lcavol")] == 1.0
    assert frequency.between(0, 1).all()


def test_same_seed_same_result_and_prefix_stability(
    prostate_xy: tuple[pd.DataFrame, pd.Series], small_run: StabilityResult
) -> None:
    X, y = prostate_xy
    shorter = sl.prediction_stability(
        X, y, alphas={"lasso": 1.0, "ridge": 0.0}, n_draws=3, seed=479, backend="python"
    )
    first_three = small_run.predictions.query("replicate < 3").reset_index(drop=True)
    pd.testing.assert_frame_equal(shorter.predictions, first_three, check_exact=True)


def test_fixed_test_index_and_numeric_s(prostate_xy: tuple[pd.DataFrame, pd.Series]) -> None:
    X, y = prostate_xy
    rows = [90, 3, 40]
    res = sl.prediction_stability(
        X,
        y.to_numpy(),
        alphas={"ridge": 0.0},
        test_index=rows,
        n_draws=2,
        s=0.5,
        seed=1,
        backend="python",
    )
    assert res.test_index.tolist() == [3, 40, 90]
    assert sorted(res.predictions["row"].unique().tolist()) == [3, 40, 90]
    np.testing.assert_array_equal(res.predictions["observed"], np.tile(y.iloc[[3, 40, 90]], 2))
    assert res.lambdas["lambda"].tolist() == [0.5, 0.5]


def test_seed_none_is_recorded_and_reproducible(
    prostate_xy: tuple[pd.DataFrame, pd.Series],
) -> None:
    X, y = prostate_xy
    first = sl.prediction_stability(X, y, alphas={"lasso": 1.0}, n_draws=2, backend="python")
    again = sl.prediction_stability(
        X, y, alphas={"lasso": 1.0}, n_draws=2, seed=first.seed, backend="python"
    )
    pd.testing.assert_frame_equal(first.predictions, again.predictions, check_exact=True)
