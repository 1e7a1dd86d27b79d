"""Reusing a rendered page when nothing it depends on has changed.

A page depends on its ``.qmd`` (and the stylesheets beside it), on statlab's code (the package's
Python and CSS files and the ``r/*.R`` files the R backend sources), on the shipped data, on the
engine and output format, and on the backend: the one asked for, and, for ``auto``, which R
packages load here. All of these go into one SHA-256 key. ``statlab report`` keeps each page's key
and a copy of the page in ``<out>/.statlab-cache/``; when the key of a new render matches, the copy
is put in place instead of running the document again. Any change to one of the inputs changes the
key, so a stale page is never reused. This plays the part of Quarto's ``freeze``, which only works
inside a Quarto project, for both engines alike; ``--no-cache`` renders afresh.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
from pathlib import Path

from statlab._paths import data_dir, r_dir
from statlab.report.document import QmdDocument

CACHE_FOLDER = ".statlab-cache"
PACKAGE = Path(__file__).resolve().parents[1]  # statlab's own code
SOURCE_SUFFIXES = (".py", ".css", ".R")
#: the R packages a report can ask for: under ``auto``, which of them load decides the backend
R_PACKAGES = ("glmnet", "rpart", "randomForest", "gbm")


def page_key(document: QmdDocument, engine: str, backend: str, output_format: str) -> str:
    """The SHA-256 key of a page: the ``.qmd``, statlab's code and data, engine, format and
    backend (for ``auto`` with which R packages load here: see :func:`backend_state`, which the
    caller runs first in the main thread, since rpy2 cannot start its conversions in another).

    >>> import tempfile, pathlib
    >>> from statlab.report.document import read_qmd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "demo.qmd").write_text("---\\ntitle: Demo\\n---\\n")
    >>> key = page_key(read_qmd(folder / "demo.qmd"), "embedded", "python", "html")
    >>> key == page_key(read_qmd(folder / "demo.qmd"), "embedded", "r", "html")
    False
    """
    digest = hashlib.sha256()
    stylesheets = [path.read_bytes() for path in sorted(document.path.parent.glob("*.css"))]
    for part in (
        document.path.read_bytes(),
        *stylesheets,
        inputs_digest().encode(),
        engine.encode(),
        output_format.encode(),
        backend_state(backend).encode(),
        _engine_version(engine).encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


@functools.cache
def inputs_digest() -> str:
    """One digest of statlab's code (Python, CSS and R files) and of the shipped data, computed
    once per process."""
    files = [
        path
        for path in PACKAGE.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
    ]
    files += list(r_dir().glob("*.R"))
    files += [path for path in data_dir().iterdir() if path.is_file()]
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def reuse_page(document: QmdDocument, destination: Path, key: str) -> bool:
    """Put the kept page of ``document`` at ``destination`` if it was rendered under ``key``;
    return whether it was."""
    stored_page, stored_key = _stored(document, destination)
    if not (stored_page.is_file() and stored_key.is_file() and stored_key.read_text() == key):
        return False
    partial = destination.with_name(f".{destination.name}.partial")
    shutil.copyfile(stored_page, partial)
    partial.replace(destination)
    return True


def keep_page(document: QmdDocument, destination: Path, key: str) -> None:
    """Keep a copy of the page just written at ``destination`` under ``key``."""
    stored_page, stored_key = _stored(document, destination)
    stored_page.parent.mkdir(exist_ok=True)
    stored_key.unlink(missing_ok=True)
    shutil.copyfile(destination, stored_page)
    stored_key.write_text(key)


def _stored(document: QmdDocument, destination: Path) -> tuple[Path, Path]:
    """Where the copy of a page and its key are kept."""
    folder = destination.parent / CACHE_FOLDER
    return folder / f"{document.name}{destination.suffix}", (
        folder / f"{document.name}{destination.suffix}.key"
    )


@functools.cache
def backend_state(backend: str) -> str:
    """The backend as it bears on a page: under ``auto``, whether R is usable and which of the
    R packages a report may ask for are missing (asked of R once per process).

    >>> backend_state("python")
    'python'
    """
    if backend != "auto":
        return backend
    from statlab import _rbridge

    if not _rbridge.status().usable:
        return "auto: python"
    return f"auto: r, missing {_rbridge.missing_packages(R_PACKAGES)}"


def _engine_version(engine: str) -> str:
    """Quarto's version for the quarto engine (a new Quarto may write another page)."""
    if engine != "quarto":
        return engine
    from statlab.report import quarto

    return f"quarto {quarto.status().version_text}"
