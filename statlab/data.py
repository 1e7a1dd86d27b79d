"""The course's data sets, shipped with statlab and checked against their sha256 on every load.

``ozone`` and ``prostate`` are the exact ``.rda`` files of the R package faraway 1.0.9; ``gp_observed``
is the course's 100-point CSV for the hierarchical-GP exercise; ``census`` (processed UCI Adult) and
``boosting_example`` are the course's CSVs for its SHAP and importance exercises. See
``data/README.md`` for provenance.

Example
-------
>>> import statlab as sl
>>> sl.data.load("ozone").shape
(330, 10)
>>> sl.data.names()
['boosting_example', 'census', 'gp_observed', 'ozone', 'prostate']
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from statlab import _validation as check
from statlab._paths import data_dir


@dataclass(frozen=True)
class _Dataset:
    file: str
    sha256: str
    r_object: str | None  # name of the data frame inside the .rda; None for CSV files


_DATASETS: dict[str, _Dataset] = {
    "ozone": _Dataset(
        "ozone.rda", "32d2ee0ae06fb2b653a378a5e7564b23ea87b32c8af9863688f05693b9452b63", "ozone"
    ),
    "prostate": _Dataset(
        "prostate.rda",
        "1b45555ba83febde62c28c0a6c5cef07dafc60e0500dd704b406d9cf0b4eb407",
        "prostate",
    ),
    "gp_observed": _Dataset(
        "prior_posterior_example_data.csv",
        "ad77ec18bdbd4530be4bec237f1e2f2a64e9cd8db319432bf3b0ea67daf69237",
        None,
    ),
    "census": _Dataset(
        "census_processed.csv",
        "906ad2e322352890e87e6703ab8c3b61047ee7874e7e6b1aafdd992a019af35e",
        None,
    ),
    "boosting_example": _Dataset(
        "boosting_data.csv",
        "d4560d80e6426879ad079f3bdd5a6db6b401d876b99bfea2b69871c2668307d3",
        None,
    ),
}


class ChecksumError(ValueError):
    """A shipped data file does not have the bytes statlab was released with."""


def names() -> list[str]:
    """The names :func:`load` accepts, sorted.

    >>> "prostate" in names()
    True
    """
    return sorted(_DATASETS)


def path(name: str) -> Path:
    """The file behind data set ``name``, after checking its sha256.

    >>> path("ozone").name
    'ozone.rda'
    """
    dataset = _lookup(name)
    file = data_dir() / dataset.file
    actual = hashlib.sha256(file.read_bytes()).hexdigest()
    if actual != dataset.sha256:
        raise ChecksumError(
            f"data file {file} has sha256 {actual}, expected {dataset.sha256}; "
            "it was changed or damaged: restore it from the statlab repository"
        )
    return file


def load(name: str, *, backend: Literal["auto", "r", "python"] = "python") -> pd.DataFrame:
    """Load a course data set as a pandas DataFrame (0-based RangeIndex, R's column order).

    ``backend="python"`` (the default: no R needed) reads the shipped file with ``rdata`` or
    pandas; ``backend="r"`` asks R (``faraway::`` when the installed R has faraway, else ``load()``
    of the same file); ``"auto"`` means R when it is usable, as everywhere in statlab. Both give the
    same frame; ``frame.attrs["backend"]`` records which ran. Integer columns stay integers.

    >>> frame = load("prostate")
    >>> frame["age"].dtype, frame.attrs["backend"]
    (dtype('int64'), 'python')
    """
    from statlab import _rbridge

    dataset = _lookup(name)
    ran = _rbridge.resolve_backend(check.backend(backend))
    file = path(name)
    if ran == "r":
        frame = _rbridge.call("load_dataset", name, str(file))
    elif dataset.r_object is None:
        frame = pd.read_csv(file)
    else:
        frame = _read_rda(file, dataset.r_object)
    frame = _tidy_columns(frame)
    frame.attrs["backend"] = ran
    return frame


def _lookup(name: str) -> _Dataset:
    return _DATASETS[check.option(name, "name", names())]


def _read_rda(file: Path, r_object: str) -> pd.DataFrame:
    import rdata

    with warnings.catch_warnings():
        # faraway's .rda files declare no string encoding; they hold no strings that need one
        warnings.filterwarnings("ignore", message="Unknown encoding", category=UserWarning)
        return rdata.read_rda(file)[r_object]


def _tidy_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """0-based index; R integer columns as int64 (they hold no NA), doubles as float64."""
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_integer_dtype(dtype):
            frame[column] = frame[column].astype("int64")
        elif pd.api.types.is_float_dtype(dtype):
            frame[column] = frame[column].astype("float64")
    return frame
