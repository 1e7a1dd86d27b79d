"""The shipped data sets: shapes, types, checksums, and R reading the same values."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import data


def test_names():
    assert data.names() == ["gp_observed", "ozone", "prostate"]


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


def test_unknown_name_lists_available():
    with pytest.raises(
        ValueError, match="unknown data set name 'ozon'; available: gp_observed, ozone, prostate"
    ):
        data.load("ozon")


def test_checksum_mismatch_names_file_and_hashes(tmp_path, monkeypatch):
    shutil.copy(data.path("ozone"), tmp_path / "ozone.rda")
    (tmp_path / "ozone.rda").write_bytes((tmp_path / "ozone.rda").read_bytes() + b"x")
    monkeypatch.setattr(data, "data_dir", lambda: tmp_path)
    with pytest.raises(data.ChecksumError) as error:
        data.load("ozone")
    message = str(error.value)
    assert "ozone.rda" in message and "32d2ee0ae06fb2b6" in message and "expected" in message


@pytest.mark.needs_r
@pytest.mark.parametrize("name", ["ozone", "prostate", "gp_observed"])
def test_r_reads_the_same_frame(name):
    from_r = sl.data.load(name, backend="r")
    from_python = sl.data.load(name, backend="python")
    pd.testing.assert_frame_equal(from_r, from_python)
