"""Paired bootstrap comparisons of models scored on the same test rows and replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.stability import paired_differences


def predictions(shifts: dict[str, float], n_rows: int = 30, n_replicates: int = 8, noise=0.2):
    """Each model predicts observed + its shift + replicate noise."""
    rng = np.random.default_rng(3)
    observed = rng.normal(size=n_rows)
    rows = []
    for model, shift in shifts.items():
        for replicate in range(n_replicates):
            predicted = observed + shift + rng.normal(0.0, noise, n_rows)
            rows.append(
                pd.DataFrame(
                    {
                        "model": model,
                        "replicate": replicate,
                        "row": np.arange(n_rows),
                        "observed": observed,
                        "predicted": predicted,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def test_values_are_the_rmse_of_mean_predictions_and_the_mean_sd():
    frame = predictions({"a": 0.0, "b": 0.3})
    table = paired_differences(frame, by=["model"], statistic="rmse", reference=("a",))
    for model in ("a", "b"):
        part = frame[frame["model"] == model]
        means = part.groupby("row")["predicted"].mean()
        observed = part.groupby("row")["observed"].first()
        expected = np.sqrt(((means - observed) ** 2).mean())
        assert table.xs(model, level="model")["value"].iloc[0] == pytest.approx(expected)
    sds = paired_differences(frame, by=["model"], statistic="mean_sd")
    expected_sd = frame[frame["model"] == "a"].groupby("row")["predicted"].std().mean()
    assert sds.xs("a", level="model")["value"].iloc[0] == pytest.approx(expected_sd)


def test_a_large_shift_is_clear_and_an_identical_model_is_not():
    frame = predictions({"a": 0.0, "b": 1.0})
    copy = frame[frame["model"] == "a"].assign(model="a_copy")
    table = paired_differences(
        pd.concat([frame, copy]), by=["model"], statistic="rmse", reference=("a",), seed=0
    )
    worse = table.xs("b", level="model").iloc[0]
    assert worse["clear"] and worse["lower"] > 0
    same = table.xs("a_copy", level="model").iloc[0]
    assert same["difference"] == 0 and same["lower"] == 0 and same["upper"] == 0
    assert not same["clear"]
    reference = table.xs("a", level="model").iloc[0]
    assert reference["is_reference"] and reference["difference"] == 0


def test_a_small_difference_on_few_rows_is_within_noise():
    frame = predictions({"a": 0.0, "b": 0.02}, n_rows=10, noise=0.5)
    table = paired_differences(frame, by=["model"], statistic="rmse", reference=("a",), seed=0)
    row = table.xs("b", level="model").iloc[0]
    assert row["lower"] < 0 < row["upper"] and not row["clear"]


def test_relative_differences_divide_by_the_reference():
    frame = predictions({"a": 0.5, "b": 1.0})
    absolute = paired_differences(frame, by=["model"], statistic="rmse", reference=("a",))
    relative = paired_differences(
        frame, by=["model"], statistic="rmse", reference=("a",), relative=True
    )
    reference_value = absolute.xs("a", level="model")["value"].iloc[0]
    assert relative.xs("b", level="model")["difference"].iloc[0] == pytest.approx(
        absolute.xs("b", level="model")["difference"].iloc[0] / reference_value
    )


def test_the_default_reference_is_the_smallest_and_seeds_repeat():
    frame = predictions({"a": 0.8, "b": 0.1, "c": 0.4})
    first = paired_differences(frame, by=["model"], statistic="rmse", seed=5)
    assert first.index[first["is_reference"]].tolist() == [("b",)]
    assert (first["difference"] >= 0).all()
    pd.testing.assert_frame_equal(
        first, paired_differences(frame, by=["model"], statistic="rmse", seed=5)
    )


def test_bad_input_names_the_argument():
    frame = predictions({"a": 0.0, "b": 0.3})
    with pytest.raises(ValueError, match=r"^statistic"):
        paired_differences(frame, by=["model"], statistic="mae")
    with pytest.raises(ValueError, match=r"^reference"):
        paired_differences(frame, by=["model"], statistic="rmse", reference=("z",))
    with pytest.raises(ValueError, match=r"^predictions"):
        paired_differences(frame.drop(columns="replicate"), by=["model"], statistic="rmse")
    with pytest.raises(ValueError, match=r"^predictions"):
        paired_differences(frame.iloc[1:], by=["model"], statistic="rmse")


def test_model_comparison_differences_share_rows_and_replicates():
    comparison = sl.compare_models(
        sl.data.load("prostate"), designs={"main": "lpsa ~ ."}, models=["ols", "lasso"],
        n_draws=4, seed=479, backend="python",
    )  # fmt: skip
    table = comparison.differences("accuracy", reference=("main", "ols"))
    summary = comparison.summary()
    np.testing.assert_allclose(table["value"].to_numpy(), summary["rmse"].to_numpy())
    stability = comparison.differences("stability")
    np.testing.assert_allclose(stability["value"].to_numpy(), summary["mean_sd"].to_numpy())
