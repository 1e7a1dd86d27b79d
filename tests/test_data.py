"""The shipped data sets: shapes, types, checksums, and R reading the same values."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import data


def test_names():
    assert data.names() == [
        "arcene",
        "boosting_example",
        "census",
        "gp_observed",
        "ozone",
        "prostate",
        "sine_boosting",
        "singh2002",
        "veteran",
    ]


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
        match=r"^name must be one of 'arcene', 'boosting_example', 'census', 'gp_observed', "
        r"'ozone', 'prostate', 'sine_boosting', 'singh2002', 'veteran', got 'ozon'",
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
@pytest.mark.parametrize(
    "name",
    [
        "ozone",
        "prostate",
        "gp_observed",
        "census",
        "boosting_example",
        "singh2002",
        "sine_boosting",
        "veteran",
    ],
)
def test_r_reads_the_same_frame(name):
    from_r = sl.data.load(name, backend="r")
    from_python = sl.data.load(name, backend="python")
    pd.testing.assert_frame_equal(from_r, from_python)
    assert (from_r.attrs["backend"], from_python.attrs["backend"]) == ("r", "python")
    assert sl.data.load(name, backend="auto").attrs["backend"] == "r"


def test_arcene_splits_and_top_variance_columns():
    train_all = data.load("arcene", features="all")
    assert train_all.shape == (100, 10_001)
    assert train_all["y"].value_counts().to_dict() == {-1: 56, 1: 44}
    x = train_all.drop(columns="y").to_numpy(dtype=float)
    variances = x.var(axis=0, ddof=1)
    train = data.load("arcene")
    kept = [int(c[1:]) - 1 for c in train.columns[1:]]
    assert len(kept) == 200 and kept == sorted(kept)
    # every kept column has at least the variance of every dropped one
    dropped = np.setdiff1d(np.arange(10_000), kept)
    assert variances[kept].min() >= variances[dropped].max()
    np.testing.assert_array_equal(train.drop(columns="y").to_numpy(), x[:, kept])
    valid = data.load("arcene", split="valid")
    assert list(valid.columns) == list(train.columns)
    assert valid["y"].value_counts().to_dict() == {-1: 56, 1: 44}
    assert not np.array_equal(valid.to_numpy(), train.to_numpy())


def test_top_variance_ties_keep_column_order():
    x = np.array([[0, 1, 0, 1], [2, 3, 2, 3]])  # all four columns have the same variance
    assert data.arcene_top_variance_columns(x, k=2).tolist() == [0, 1]


def test_singh2002_and_sine_boosting():
    singh = data.load("singh2002")
    assert singh.shape == (102, 6034)
    assert singh["y"].value_counts().to_dict() == {"cancer": 52, "healthy": 50}
    assert singh["V1"].iloc[0] == pytest.approx(-0.9308952, abs=1e-7)
    sine = data.load("sine_boosting")
    assert sine.shape == (100, 2) and list(sine.columns) == ["X", "y"]
    assert sine["X"].between(-5, 5).all()
    # y = 3 sin(X) + N(0, 0.5^2): the noise has sd near 0.5
    assert np.std(sine["y"] - 3 * np.sin(sine["X"])) == pytest.approx(0.5, abs=0.1)


def test_arcene_options_are_checked():
    with pytest.raises(ValueError, match="features must be one of"):
        data.load("arcene", features="top200")
    with pytest.raises(ValueError, match="split must be one of"):
        data.load("arcene", split="test")
    with pytest.raises(ValueError, match="features applies to the arcene data only"):
        data.load("ozone", features="all")


def test_checksum_of_a_second_file_is_checked(tmp_path, monkeypatch):
    for file in data.paths("arcene"):
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "arcene_valid.labels").write_text("1\n", encoding="ascii")
    monkeypatch.setattr(data, "data_dir", lambda: tmp_path)
    with pytest.raises(data.ChecksumError, match=r"arcene_valid\.labels"):
        data.load("arcene")


@pytest.mark.needs_r
@pytest.mark.parametrize("features", ["top_variance_200", "all"])
@pytest.mark.parametrize("split", ["train", "valid"])
def test_r_reads_the_same_arcene(features, split):
    from_r = data.load("arcene", backend="r", features=features, split=split)
    from_python = data.load("arcene", backend="python", features=features, split=split)
    pd.testing.assert_frame_equal(from_r, from_python)


@pytest.mark.needs_r
def test_r_script_regenerates_the_shipped_sine_boosting_csv():
    from statlab import _rbridge

    regenerated = _rbridge.call("sine_boosting_data")
    pd.testing.assert_frame_equal(
        regenerated.reset_index(drop=True), data.load("sine_boosting"), check_exact=True
    )


def test_veteran_is_survivals():
    veteran = data.load("veteran")
    assert veteran.shape == (137, 8)
    assert veteran["celltype"].cat.categories.tolist() == [
        "squamous",
        "smallcell",
        "adeno",
        "large",
    ]
    assert veteran["celltype"].value_counts().tolist() == [48, 35, 27, 27]
    assert (veteran["status"].sum(), veteran["time"].max()) == (128, 999)


@pytest.mark.needs_r
def test_r_script_regenerates_the_shipped_veteran_csv():
    from statlab import _rbridge

    regenerated = _rbridge.call("veteran_data").reset_index(drop=True)
    shipped = data.load("veteran")
    regenerated["celltype"] = pd.Categorical(
        regenerated["celltype"], categories=shipped["celltype"].cat.categories
    )
    pd.testing.assert_frame_equal(regenerated, shipped, check_dtype=False, check_exact=True)
