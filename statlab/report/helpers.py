"""Small helpers the reports' chunks call: which backend to use, and the R-vs-Python table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

BACKEND_VARIABLE = "STATLAB_BACKEND"


def report_backend(packages: tuple[str, ...] = ("glmnet",)) -> str:
    """The backend a report computes with: ``STATLAB_BACKEND`` (``r`` or ``python``), where
    ``auto`` or unset means R when it is usable here and loads the R ``packages`` the report
    needs (a forest report asks for randomForest, and runs in Python where R has glmnet alone).

    >>> report_backend() in ("r", "python")
    True
    """
    from statlab.report.render import resolve_backend

    return resolve_backend(os.environ.get(BACKEND_VARIABLE, "auto") or "auto", packages)


def r_usable(packages: tuple[str, ...] = ("glmnet",)) -> bool:
    """Whether R, rpy2 and the R ``packages`` can run here, so a report can compare R with
    Python.

    >>> isinstance(r_usable(), bool)
    True
    """
    from statlab import _rbridge

    return _rbridge.status().usable and not _rbridge.missing_packages(tuple(packages))


def r_missing_text(packages: tuple[str, ...] = ("glmnet",)) -> str:
    """A sentence for a page that could not compare with R: what is missing, and how to add it.

    >>> r_missing_text(("glmnet",)).endswith(".")
    True
    """
    from statlab import _rbridge

    probe = _rbridge.status()
    if not probe.usable:
        return f"R is not usable here ({probe.reason}), so only the Python backend ran."
    absent = _rbridge.missing_packages(tuple(packages))
    if not absent:
        return "R and the R packages this page needs are usable here."
    install = " ".join(_rbridge.debian_package(package) for package in absent)
    return (
        f"R is usable here but lacks {', '.join(absent)} (`apt-get install {install}`), so this "
        "page ran on the Python backend only."
    )


def backend_comparison(
    r_values: Mapping[str, float], python_values: Mapping[str, float]
) -> pd.DataFrame:
    """One row per quantity: the R value, the Python value, and their absolute and relative gap.

    >>> backend_comparison({"lambda": 0.5}, {"lambda": 0.5000001}).round(3).to_dict("records")
    [{'R': 0.5, 'Python': 0.5, 'abs. difference': 0.0, 'rel. difference': 0.0}]
    """
    import pandas as pd

    table = pd.DataFrame(
        {"R": pd.Series(r_values, dtype=float), "Python": pd.Series(python_values, dtype=float)}
    )
    table["abs. difference"] = (table["R"] - table["Python"]).abs()
    table["rel. difference"] = table["abs. difference"] / table["R"].abs().where(table["R"] != 0)
    return table.fillna({"rel. difference": 0.0})
