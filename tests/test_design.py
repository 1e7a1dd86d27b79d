"""model_matrix equals R's model.matrix(formula, data)[, -1]: names, order and values."""

from __future__ import annotations

import numpy as np
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
