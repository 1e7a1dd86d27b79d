"""The shipped data sets: shapes, types, checksums, and R reading the same values."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import data


def test_names():
    assert data.names() == ["boosting_example", "census", "gp_observed", "ozone", "prostate"]


def test_ozone_is_faraways():
    ozone = data.load("ozone")
    assert ozone.shape == (330, 10)
    assert list(ozone.columns) == [
        "O3",
        "vh",
        "wind",
        "humidity",
        "temp",
        "ibh",
        "dpg",
        "ibt",
        "vis",
        "doy",
    ]
    assert ozone["O3"].iloc[:3].tolist() == [3.0, 5.0, 5.0]
    assert isinstance(ozone.index, pd.RangeIndex)


def test_prostate_keeps_faraways_values_and_integer_columns():
    prostate = data.load("prostate")
    assert prostate.shape == (97, 9)
    assert prostate["lweight"].iloc[31] == pytest.approx(6.1076)
    for column in ("age", "svi", "gleason", "pgg45"):
        assert prostate[column].dtype == np.int64
    assert "index" not in prostate.columns


def test_gp_observed():
    frame = data.load("gp_observed")
    assert frame.shape == (100, 2) and list(frame.columns) == ["x", "y"]


def test_census_and_boosting_example():
    census = data.load("census")
    assert census.shape == (32561, 6)
    assert census["income"].value_counts().to_dict() == {"<=50K": 24720, ">50K": 7841}
    boosting = data.load("boosting_example")
    assert list(boosting.columns) == ["x1", "x2", "x3", "x4", "x5", "y"]
    assert boosting.shape == (2000, 6)
    assert np.corrcoef(boosting["x1"], boosting["x2"])[0, 1] > 0.9


def test_unknown_name_lists_available():
    with pytest.raises(
        ValueError,
        match=r"^name must be one of 'boosting_example', 'census', 'gp_observed', 'ozone', "
        r"'prostate', got 'ozon'",
    ):
        data.load("ozon")


def test_auto_means_r_when_usable(monkeypatch):
    from statlab import _rbridge

    monkeypatch.setattr(_rbridge, "status", lambda: _rbridge.RStatus(False, "no R in this test"))
    assert data.load("ozone", backend="auto").attrs["backend"] == "python"
    with pytest.raises(_rbridge.RUnavailableError, match="no R in this test"):
        data.load("ozone", backend="r")
    assert data.load("ozone").attrs["backend"] == "python"  # the default needs no R


def test_checksum_mismatch_names_file_and_hashes(tmp_path, monkeypatch):
    shutil.copy(data.path("ozone"), tmp_path / "ozone.rda")
    (tmp_path / "ozone.rda").write_bytes((tmp_path / "ozone.rda").read_bytes() + b"x")
    monkeypatch.setattr(data, "data_dir", lambda: tmp_path)
    with pytest.raises(data.ChecksumError) as error:
        data.load("ozone")
    message = str(error.value)
    assert "ozone.rda" in message and "32d2ee0ae06fb2b6" in message and "expected" in message


@pytest.mark.needs_r
@pytest.mark.parametrize("name", ["ozone", "prostate", "gp_observed", "census", "boosting_example"])
def test_r_reads_the_same_frame(name):
    from_r = sl.data.load(name, backend="r")
    from_python = sl.data.load(name, backend="python")
    pd.testing.assert_frame_equal(from_r, from_python)
    assert (from_r.attrs["backend"], from_python.attrs["backend"]) == ("r", "python")
    assert sl.data.load(name, backend="auto").attrs["backend"] == "r"
