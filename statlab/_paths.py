"""Where statlab's shipped files live, in a source checkout and in an installed wheel.

A wheel carries ``data/``, ``r/``, ``analyses/`` and ``reports/`` inside the package
(``statlab/_data``, ``statlab/_r``, ...); an editable install or a plain checkout reads them from the
repository's top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "statlab's shipped files are missing; looked in " + ", ".join(map(str, candidates))
    )


def data_dir() -> Path:
    """The folder holding the shipped data files (``ozone.rda``, ...)."""
    return _first_existing(_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "data")


def r_dir() -> Path:
    """The folder holding the ``.R`` files the R backend sources."""
    return _first_existing(_PACKAGE_DIR / "_r", _PACKAGE_DIR.parent / "r")


def analyses_dir() -> Path:
    """The folder holding the runnable analysis scripts."""
    return _first_existing(_PACKAGE_DIR / "_analyses", _PACKAGE_DIR.parent / "analyses")


def reports_dir() -> Path:
    """The folder holding the Quarto (.qmd) reports."""
    return _first_existing(_PACKAGE_DIR / "_reports", _PACKAGE_DIR.parent / "reports")
