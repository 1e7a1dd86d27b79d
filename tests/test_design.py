"""model_matrix equals R's model.matrix(formula, data)[, -1]: names, order and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import _rbridge


def test_ozone_interactions_shape_and_names():
    X = sl.model_matrix("O3 ~ .^2", sl.data.load("ozone"))
    assert X.shape == (330, 45)
    assert list(X.columns[:10]) == [
        "vh",
        "wind",
        "humidity",
        "temp",
        "ibh",
        "dpg",
        "ibt",
        "vis",
        "doy",
        "vh:wind",
    ]
    assert X.columns[-1] == "vis:doy"
    ozone = sl.data.load("ozone")
    np.testing.assert_array_equal(X["temp:ibh"], ozone["temp"] * ozone["ibh"])


def test_bad_formula_and_data():
    ozone = sl.data.load("ozone")
    with pytest.raises(ValueError, match="formula 'O3 ~ nothere' cannot be expanded"):
        sl.model_matrix("O3 ~ nothere", ozone)
    with pytest.raises(ValueError, match="formula must be an R-style formula"):
        sl.model_matrix("O3 + temp", ozone)
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        sl.model_matrix("O3 ~ .", ozone.to_numpy())


@pytest.mark.needs_r
@pytest.mark.parametrize(
    ("name", "formula"),
    [
        ("ozone", "O3 ~ .^2"),
        ("ozone", "O3 ~ ."),
        ("prostate", "lpsa ~ ."),
        ("prostate", "lpsa ~ .^2"),
    ],
)
def test_equals_r_model_matrix(name, formula):
    _rbridge.require()
    import rpy2.robjects as robjects

    frame = sl.data.load(name)
    python_matrix = sl.model_matrix(formula, frame)
    robjects.globalenv["statlab_frame"] = _rbridge._to_r(frame)
    r_matrix = robjects.r(f"model.matrix({formula}, statlab_frame)[, -1, drop = FALSE]")
    r_names = list(robjects.r("colnames")(r_matrix))
    assert list(python_matrix.columns) == r_names
    np.testing.assert_allclose(python_matrix.to_numpy(), np.asarray(r_matrix), rtol=0, atol=0)


def baseball(n: int = 40) -> pd.DataFrame:
    """Two numeric columns, two two-level factors (strings) and a three-level categorical whose
    levels are not in sorted order."""
    rng = np.random.default_rng(3)
    teams = pd.Categorical(rng.choice(["t1", "t2", "t3"], n), categories=["t3", "t1", "t2"])
    return pd.DataFrame(
        {
            "Salary": rng.normal(size=n),
            "Hits": rng.normal(size=n),
            "Years": rng.integers(1, 20, n).astype(float),
            "League": rng.choice(["A", "N"], n),
            "Division": rng.choice(["E", "W"], n),
            "Team": teams,
        }
    )


def test_factor_columns_are_named_as_in_r():
    frame = baseball()
    X = sl.model_matrix("Salary ~ Hits + League * Division + Hits:League", frame)
    assert list(X.columns) == ["Hits", "LeagueN", "DivisionW", "LeagueN:DivisionW", "Hits:LeagueN"]
    is_n, is_w = (frame["League"] == "N").astype(float), (frame["Division"] == "W").astype(float)
    np.testing.assert_array_equal(X["LeagueN:DivisionW"], is_n * is_w)
    np.testing.assert_array_equal(X["Hits:LeagueN"], frame["Hits"] * is_n)
    # R orders an interaction's variables as they first appear in the formula
    Z = sl.model_matrix("Salary ~ Division + Hits:Division", frame)
    assert list(Z.columns) == ["DivisionW", "DivisionE:Hits", "DivisionW:Hits"]
    assert list(sl.model_matrix("Salary ~ Team", frame).columns) == ["Teamt1", "Teamt2"]


def test_interaction_of_factors_without_main_effects_is_refused():
    with pytest.raises(ValueError, match="add the main effects"):
        sl.model_matrix("Salary ~ League:Division", baseball())


@pytest.mark.needs_r
@pytest.mark.parametrize(
    "formula",
    [
        "Salary ~ Hits + Years + League + Division",
        "Salary ~ .",
        "Salary ~ League * Division",
        "Salary ~ League + League:Division",
        "Salary ~ Team * League + Hits",
        "Salary ~ Hits + Hits:League",
        "Salary ~ Hits:Team + Years",
        "Salary ~ League * Division + Hits:Division",
        "Salary ~ Years * Team * League",
        "Salary ~ I(Hits^2) + log(Years) + League",
        "Salary ~ .^2",
    ],
)
def test_factors_equal_r_model_matrix(formula):
    _rbridge.require()
    import rpy2.robjects as robjects

    frame = baseball()
    python_matrix = sl.model_matrix(formula, frame)
    robjects.globalenv["statlab_frame"] = _rbridge._to_r(frame)
    assert list(robjects.r("levels(statlab_frame$Team)")) == ["t3", "t1", "t2"]
    r_matrix = robjects.r(f"model.matrix({formula}, statlab_frame)[, -1, drop = FALSE]")
    assert list(python_matrix.columns) == list(robjects.r("colnames")(r_matrix))
    np.testing.assert_array_equal(python_matrix.to_numpy(), np.asarray(r_matrix))
