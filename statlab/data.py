"""The course's data sets, shipped with statlab and checked against their sha256 on every load.

``ozone`` and ``prostate`` are the exact ``.rda`` files of the R package faraway 1.0.9; ``gp_observed``
is the course's 100-point CSV for the hierarchical-GP exercise; ``census`` (processed UCI Adult) and
``boosting_example`` are the course's CSVs for its SHAP and importance exercises; ``arcene`` is the
UCI Arcene mass-spectrometry data (train and valid splits, all 10,000 features or the 200 of largest
training-set variance); ``singh2002`` is the prostate microarray of Efron (2020); ``sine_boosting`` is
the "Boosting Iterations" exercise's data, made by the sheet's R code (``r/sine_boosting.R``);
``veteran`` is the VA lung cancer trial of R's survival package (survival times for Cox models). See
``data/README.md`` for provenance.

Example
-------
>>> import statlab as sl
>>> sl.data.load("ozone").shape
(330, 10)
>>> sl.data.names()
['arcene', 'boosting_example', 'census', 'gp_observed', 'ozone', 'prostate', 'sine_boosting', 'singh2002', 'veteran']
>>> sl.data.load("arcene").shape
(100, 201)
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._paths import data_dir


@dataclass(frozen=True)
class _Dataset:
    file: str
    sha256: str
    r_object: str | None  # name of the object inside the .rda; None for CSV and text files
    # further files of the same data set (name -> sha256), e.g. Arcene's labels and valid split
    other_files: tuple[tuple[str, str], ...] = ()


ARCENE_FEATURES = ("top_variance_200", "all")
ARCENE_SPLITS = ("train", "valid")
ARCENE_TOP_VARIANCE = 200


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
    "arcene": _Dataset(
        "arcene_train.data",
        "580f314d09fd3d67aa8b58a8250efb59a28d69a7d23a612a78a0b0cefc4d0264",
        None,
        (
            (
                "arcene_train.labels",
                "434bb813ff7e69d182eeed347f77bd4981917d6233efedd01b5f6d916c282fbe",
            ),
            (
                "arcene_valid.data",
                "7f8792b3cfb083c3b722e31b37a0c40604506bdece1d2db621e00d862da1c549",
            ),
            (
                "arcene_valid.labels",
                "b591228155de082dd39b2e85b12b75a55bd8ca057b7e1c0d7f54683d0a594fc3",
            ),
        ),
    ),
    "singh2002": _Dataset(
        "singh2002.rda",
        "b9d09321644e79973bb0e0fbac519c55f5eca1356d1fa2c68d9e2116a48912e2",
        "singh2002",
    ),
    "sine_boosting": _Dataset(
        "sine_boosting.csv",
        "713820ae6aac270d8da3242c6fc173a82288ec1bbf1e09ee6ab151d00701d045",
        None,
    ),
    "veteran": _Dataset(
        "veteran.csv",
        "9e6688021b6ac7c399b078bd0a8e949d958f4fd70a5b9febe9ecbd4de1bdefa6",
        None,
    ),
}
VETERAN_CELLTYPES = ("squamous", "smallcell", "adeno", "large")  # R's factor levels, in order


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
    return paths(name)[0]


def paths(name: str) -> list[Path]:
    """All files behind data set ``name`` (the main one first), after checking their sha256.

    >>> [p.name for p in paths("arcene")][:2]
    ['arcene_train.data', 'arcene_train.labels']
    """
    dataset = _lookup(name)
    checked = []
    for file_name, sha256 in ((dataset.file, dataset.sha256), *dataset.other_files):
        file = data_dir() / file_name
        actual = hashlib.sha256(file.read_bytes()).hexdigest()
        if actual != sha256:
            raise ChecksumError(
                f"data file {file} has sha256 {actual}, expected {sha256}; "
                "it was changed or damaged: restore it from the statlab repository"
            )
        checked.append(file)
    return checked


def load(
    name: str,
    *,
    backend: Literal["auto", "r", "python"] = "python",
    features: Literal["top_variance_200", "all"] | None = None,
    split: Literal["train", "valid"] | None = None,
) -> pd.DataFrame:
    """Load a course data set as a pandas DataFrame (0-based RangeIndex, R's column order).

    ``backend="python"`` (the default: no R needed) reads the shipped file with ``rdata`` or
    pandas; ``backend="r"`` asks R (``faraway::`` when the installed R has faraway, else ``load()``
    of the same file); ``"auto"`` means R when it is usable, as everywhere in statlab. Both give the
    same frame; ``frame.attrs["backend"]`` records which ran. Integer columns stay integers.

    ``features`` and ``split`` apply to ``arcene`` only: ``split="train"`` (default) or ``"valid"``
    (100 rows each); ``features="top_variance_200"`` (default) keeps the 200 columns of largest
    training-set variance (ties kept in column order; the same columns for both splits, in column
    order), ``"all"`` the 10,000. Arcene and ``singh2002`` have the label ``y`` first (Arcene: +1
    cancer, -1 healthy; singh2002: a categorical cancer/healthy), then features named ``V1``, ``V2``,
    ... after their column in the original files. ``veteran``'s ``celltype`` is a categorical with
    R's levels (squamous, smallcell, adeno, large).

    >>> frame = load("prostate")
    >>> frame["age"].dtype, frame.attrs["backend"]
    (dtype('int64'), 'python')
    >>> load("arcene", split="valid")["y"].value_counts().to_dict()
    {-1: 56, 1: 44}
    """
    from statlab import _rbridge

    dataset = _lookup(name)
    ran = _rbridge.resolve_backend(check.backend(backend))
    if name == "arcene":
        features = check.option(
            "top_variance_200" if features is None else features, "features", ARCENE_FEATURES
        )
        split = check.option("train" if split is None else split, "split", ARCENE_SPLITS)
    else:
        for argument, value in (("features", features), ("split", split)):
            if value is not None:
                raise check.InvalidArgumentError(
                    f"{argument} applies to the arcene data only, not to {name!r}"
                )
    files = paths(name)
    if name == "arcene":
        frame = _load_arcene(files, features, split, ran)
    elif ran == "r":
        function = "load_singh2002" if name == "singh2002" else "load_dataset"
        args = (str(files[0]),) if name == "singh2002" else (name, str(files[0]))
        frame = _rbridge.call(function, *args)
    elif name == "singh2002":
        frame = _read_singh2002(files[0])
    elif dataset.r_object is None:
        frame = pd.read_csv(files[0])
    else:
        frame = _read_rda(files[0], dataset.r_object)
    frame = _tidy_columns(frame)
    if name == "veteran":
        frame["celltype"] = pd.Categorical(frame["celltype"], categories=VETERAN_CELLTYPES)
    frame.attrs["backend"] = ran
    return frame


def arcene_top_variance_columns(train_x: np.ndarray, k: int = ARCENE_TOP_VARIANCE) -> np.ndarray:
    """0-based indices, in column order, of the ``k`` columns of largest variance (ties: earlier
    column first).

    >>> arcene_top_variance_columns(np.array([[0, 1, 5], [0, 3, 5], [1, 9, 5]]), k=2).tolist()
    [0, 1]
    """
    order = np.argsort(-np.var(np.asarray(train_x, dtype=np.float64), axis=0), kind="stable")
    return np.sort(order[:k])


def _load_arcene(files: list[Path], features: str, split: str, backend: str) -> pd.DataFrame:
    train_data, train_labels, valid_data, valid_labels = files
    data_file, labels_file = (
        (train_data, train_labels)
        if split == "train"
        else (
            valid_data,
            valid_labels,
        )
    )
    if backend == "r":
        from statlab import _rbridge

        return _rbridge.call(
            "load_arcene", str(data_file), str(labels_file), str(train_data), features=features
        )
    x = _read_arcene_matrix(data_file)
    columns = np.arange(x.shape[1])
    if features == "top_variance_200":
        train_x = x if split == "train" else _read_arcene_matrix(train_data)
        columns = arcene_top_variance_columns(train_x)
    y = np.loadtxt(labels_file, dtype=np.int64)
    frame = pd.DataFrame(x[:, columns], columns=[f"V{j + 1}" for j in columns])
    frame.insert(0, "y", y)
    return frame


def _read_arcene_matrix(file: Path) -> np.ndarray:
    return pd.read_csv(file, sep=r"\s+", header=None, dtype=np.int64).to_numpy()


def _read_singh2002(file: Path) -> pd.DataFrame:
    data = _read_rda(file, "singh2002")
    x = np.asarray(data["x"], dtype=np.float64)
    frame = pd.DataFrame(x, columns=[f"V{j + 1}" for j in range(x.shape[1])])
    frame.insert(0, "y", pd.Categorical(np.asarray(data["y"]), categories=["cancer", "healthy"]))
    return frame


def _lookup(name: str) -> _Dataset:
    return _DATASETS[check.option(name, "name", names())]


def _read_rda(file: Path, r_object: str) -> Any:
    import rdata

    with warnings.catch_warnings():
        # the shipped .rda files declare no string encoding; their strings are plain ASCII
        warnings.filterwarnings("ignore", message="Unknown encoding", category=UserWarning)
        return rdata.read_rda(file)[r_object]


def _tidy_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """0-based index; R integer columns as int64 (they hold no NA), doubles as float64. Columns
    already of that type are left in place: assigning each of singh2002's 6033 columns anew cost
    seconds and split the frame into one block per column, which made every later column
    selection slow."""
    frame = frame.reset_index(drop=True)
    for column, dtype in frame.dtypes.items():
        if pd.api.types.is_integer_dtype(dtype) and dtype != np.int64:
            frame[column] = frame[column].astype("int64")
        elif pd.api.types.is_float_dtype(dtype) and dtype != np.float64:
            frame[column] = frame[column].astype("float64")
    return frame
