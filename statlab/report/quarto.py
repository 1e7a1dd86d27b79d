"""Rendering a report with the Quarto CLI, from any install of statlab.

``quarto render`` runs on copies of the ``.qmd`` files in a scratch project (so nothing is written
beside the shipped files, which may be read-only, and parallel renders share no ``.quarto/``
folder; :func:`with_jupyter_engine` makes sure each copy runs on Jupyter). Several reports go
into one project, rendered by one Quarto process (:func:`render_pages`): Quarto's start-up and
its Sass compile of the Bootstrap theme, ~5 s of CPU, are then paid once, not once per page.
Each page still runs in a kernel of its own, and there is no execute daemon (a reused kernel would
keep a stale ``STATLAB_BACKEND``). The Jupyter chunks run in the interpreter running statlab:
``QUARTO_PYTHON`` names it and its ``bin`` folder comes first on ``PATH``, where the ``python3``
kernel is looked up. HTML pages embed their resources and write
math as MathML.

Quarto adds require.js and jQuery from a CDN to any page with an HTML output (a pandas table), for
JavaScript widgets that statlab's reports do not use; ``embed-resources`` cannot fetch them offline
and leaves the links, so they are taken out of the page here (:func:`strip_cdn_scripts`). PDFs
are written through typst, with PNG figures and pandas tables as Markdown
(:mod:`statlab.report.pdf_startup`).

Example
-------
>>> parse_version("1.7.34")
(1, 7, 34)
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from statlab.report.document import QmdDocument, html_format
from statlab.report.errors import ChunkError, ReportError
from statlab.report.execute import strip_ansi
from statlab.report.kernel_setup import STARTUP_CODE
from statlab.report.scratch import publish, scratch_folder

#: the oldest Quarto the reports work with: inline ``{python}`` code and single-file
#: ``--output-dir`` renders need 1.4
MIN_VERSION = (1, 4)
INSTALL_HINT = (
    "install Quarto >= 1.4 from https://quarto.org/docs/get-started/ "
    "(see the README for machines without internet), or use --engine embedded"
)
FORMATS: dict[str, tuple[str, str]] = {"html": ("html", ".html"), "pdf": ("typst", ".pdf")}
PDF_STARTUP = Path(__file__).with_name("pdf_startup.py")

_CDN_SCRIPT = re.compile(
    r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/(?:require\.js|jquery)/[^"]*"'
    r"[^>]*></script>\s*"
    r"|<script type=\"application/javascript\">define\('jquery', \[\],"
    r"function\(\) \{return window\.jQuery;\}\)</script>\s*"
)
_CELL_PROGRESS = re.compile(r"^\s*Cell (?P<number>\d+)/(?P<total>\d+): '(?P<label>[^']*)'", re.M)
_ERROR_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)|Exception)\b.*$")


@dataclass(frozen=True)
class QuartoStatus:
    """Whether the Quarto CLI can render statlab's reports here, and why not if it cannot."""

    usable: bool
    reason: str
    version: tuple[int, ...] | None = None

    @property
    def version_text(self) -> str | None:
        """The version as ``1.7.34``, or None when Quarto did not say."""
        return ".".join(map(str, self.version)) if self.version else None


def parse_version(text: str) -> tuple[int, ...] | None:
    """The first ``X.Y[.Z]`` in ``text`` as numbers, or None.

    >>> parse_version("quarto 1.3.450"), parse_version("no version")
    ((1, 3, 450), None)
    """
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


@functools.cache
def status() -> QuartoStatus:
    """Probe ``quarto --version`` once per process.

    >>> isinstance(status().usable, bool)
    True
    """
    executable = shutil.which("quarto")
    if executable is None:
        return QuartoStatus(False, "the Quarto CLI is not on PATH")
    try:
        result = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return QuartoStatus(False, f"{executable} failed to start ({error})")
    output = (result.stdout or result.stderr).strip()
    version = parse_version(output) if result.returncode == 0 else None
    if version is None:
        first_line = (output.splitlines() or ["no output"])[0]
        return QuartoStatus(
            False, f"`{executable} --version` failed (exit {result.returncode}: {first_line})"
        )
    text = ".".join(map(str, version))
    if version < MIN_VERSION:
        needed = ".".join(map(str, MIN_VERSION))
        return QuartoStatus(
            False,
            f"Quarto {text} ({executable}) is too old: the reports need Quarto >= {needed}",
            version,
        )
    return QuartoStatus(True, f"Quarto {text} ({executable})", version)


def require(needed_by: str = "--engine quarto") -> None:
    """Raise :class:`ReportError` (one line, with the install hint) unless Quarto is usable."""
    probe = status()
    if not probe.usable:
        raise ReportError(f"{needed_by} needs Quarto, but {probe.reason}; {INSTALL_HINT}")


def environment(backend: str, temporary: Path) -> dict[str, str]:
    """Quarto's environment: this interpreter for the chunks, the backend, a private TMPDIR.

    >>> environment("python", Path("/tmp"))["QUARTO_PYTHON"] == sys.executable
    True
    """
    interpreter_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "QUARTO_PYTHON": sys.executable,
        "PATH": os.pathsep.join([interpreter_bin, os.environ.get("PATH", "")]),
        "STATLAB_BACKEND": backend,
        "TMPDIR": str(temporary),
    }


def command(output_format: str) -> list[str]:
    """The ``quarto render`` command line that renders a project's pages to ``html`` or ``pdf``.

    >>> command("pdf")[:4]
    ['quarto', 'render', '--to', 'typst']
    """
    target, _suffix = FORMATS[output_format]
    arguments = ["quarto", "render", "--to", target, "--no-execute-daemon"]
    if output_format == "html":
        arguments += ["-M", "embed-resources:true", "-M", "html-math-method:mathml"]
    else:  # PNG figures, which pdfimages can count, rather than typst's default SVG
        arguments += ["-M", "fig-format:png"]
    return arguments


@dataclass(frozen=True)
class Page:
    """A report to render and the file its page goes to."""

    document: QmdDocument
    destination: Path


class PageEvents(Protocol):
    """What :func:`render_pages` tells its caller as Quarto works through the pages."""

    def started(self, page: Page) -> None:
        """Quarto began ``page``."""

    def cell_done(self, page: Page, done: int, total: int) -> None:
        """Quarto ran ``done`` of ``page``'s ``total`` cells."""

    def finished(self, page: Page, seconds: float, error: ReportError | None) -> None:
        """``page`` was written (``error`` None) or failed, after ``seconds``."""


def render(document: QmdDocument, destination: Path, backend: str, output_format: str) -> None:
    """Render ``document`` with Quarto to ``destination``; keep the old page if it fails."""
    errors = render_pages([Page(document, destination)], backend, output_format)
    if errors:
        raise errors[0]


def render_pages(
    pages: Sequence[Page], backend: str, output_format: str, events: PageEvents | None = None
) -> list[ReportError]:
    """Render ``pages`` with one ``quarto render`` of a scratch project holding them all, in
    their order; return the errors of those that failed (their old pages are kept).

    One Quarto process for several pages pays Quarto's start-up and its Bootstrap Sass compile
    (cached only within a process) once instead of once per page. Quarto stops a project at the
    first page that fails, so the pages after it are rendered by a new process.
    """
    require()
    errors: list[ReportError] = []
    pending = list(pages)
    while pending:
        finished, error = _render_project(pending, backend, output_format, events)
        if error is None:
            break
        errors.append(error)
        pending = pending[finished + 1 :]
    return errors


_PAGE_START = re.compile(r"^\[(?P<number>\d+)/(?P<total>\d+)\] (?P<path>\S+)\s*$")


def _render_project(
    pages: Sequence[Page], backend: str, output_format: str, events: PageEvents | None
) -> tuple[int, ReportError | None]:
    """One ``quarto render`` over ``pages``; returns how many were written before the first
    failure, and that failure (None when all were written)."""
    _target, suffix = FORMATS[output_format]
    with scratch_folder("quarto") as scratch:
        project, temporary = scratch / "project", scratch / "tmp"
        temporary.mkdir()
        sources = [
            _place(page.document, project / f"page{number:02d}")
            for number, page in enumerate(pages, start=1)
        ]
        render_list = [str(source.relative_to(project)) for source in sources]
        # JSON is YAML: the file names need no quoting rules of their own
        settings = {"project": {"type": "default", "render": render_list}}
        (project / "_quarto.yml").write_text(json.dumps(settings), encoding="utf-8")
        environment_variables = environment(backend, temporary)
        environment_variables["IPYTHONDIR"] = str(_ipython_profile(scratch, output_format))
        try:
            process = subprocess.Popen(
                command(output_format),
                cwd=project,
                env=environment_variables,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        except OSError as error:
            message = f"--engine quarto: quarto failed to start ({error}); {INSTALL_HINT}"
            raise ReportError(message) from error
        current, started, log = 0, time.perf_counter(), []
        if events:
            events.started(pages[0])
        assert process.stdout is not None
        for raw_line in process.stdout:
            line = strip_ansi(raw_line)
            log.append(line)
            start = _PAGE_START.match(line)
            cell = _CELL_PROGRESS.match(line)
            if start and int(start["number"]) - 1 > current:
                for finished in range(current, int(start["number"]) - 1):
                    _finish(pages[finished], sources[finished], suffix, events, started)
                current, started, log = int(start["number"]) - 1, time.perf_counter(), [line]
                if events:
                    events.started(pages[current])
            elif cell and events:
                events.cell_done(pages[current], int(cell["number"]), int(cell["total"]))
        exit_code = process.wait()
        for number in range(current, len(pages)):
            produced = sources[number].with_suffix(suffix)
            if produced.is_file() and (number < current or exit_code == 0):
                _finish(pages[number], sources[number], suffix, events, started)
                continue
            error = failure(pages[number].document, "".join(log), exit_code)
            if events:
                events.finished(pages[number], time.perf_counter() - started, error)
            return number, error
        return len(pages), None


def _place(document: QmdDocument, folder: Path) -> Path:
    """Copy ``document`` (run on Jupyter) and its stylesheets into ``folder``; return the copy."""
    folder.mkdir(parents=True)
    source = folder / document.path.name
    source.write_text(with_jupyter_engine(document), encoding="utf-8")
    copy_stylesheets(document, folder)
    return source


def _ipython_profile(scratch: Path, output_format: str) -> Path:
    """An IPython folder whose start-up files set up every kernel of the render."""
    startup = scratch / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-statlab-warnings.py").write_text(STARTUP_CODE, encoding="utf-8")
    if output_format == "pdf":
        shutil.copyfile(PDF_STARTUP, startup / "01-statlab-tables.py")
    return scratch / "ipython"


def _finish(
    page: Page, source: Path, suffix: str, events: PageEvents | None, started: float
) -> None:
    """Publish the page Quarto wrote for ``source`` and say so."""
    content = source.with_suffix(suffix).read_bytes()
    if suffix == ".html":
        content = strip_cdn_scripts(content.decode("utf-8")).encode("utf-8")
    publish(content, page.destination)
    if events:
        events.finished(page, time.perf_counter() - started, None)


def with_jupyter_engine(document: QmdDocument) -> str:
    """The report's text, with ``jupyter: python3`` added to its header if it names no engine:
    without it, Quarto renders a report that has only inline ``{python}`` code as plain Markdown.

    >>> import tempfile
    >>> from statlab.report.document import read_qmd
    >>> path = Path(tempfile.mkdtemp()) / "demo.qmd"
    >>> _ = path.write_text("Two: `{python} 1 + 1`\\n")
    >>> print(with_jupyter_engine(read_qmd(path)))
    ---
    jupyter: python3
    ---
    <BLANKLINE>
    Two: `{python} 1 + 1`
    <BLANKLINE>
    """
    text = document.path.read_text(encoding="utf-8")
    if any(key in document.header for key in ("jupyter", "engine")):
        return text
    if text.startswith("---\n") and document.header:
        return "---\njupyter: python3\n" + text.removeprefix("---\n")
    return "---\njupyter: python3\n---\n\n" + text


def copy_stylesheets(document: QmdDocument, work: Path) -> None:
    """Copy the report's ``css`` files into ``work``, where the copy of the report refers to them
    by the same relative names."""
    for name in html_format(document.header).get("css", []):
        stylesheet = document.path.parent / name
        if not stylesheet.is_file():
            raise ReportError(f"the report's stylesheet {stylesheet} does not exist")
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stylesheet, work / name)


def strip_cdn_scripts(page: str) -> str:
    """Remove the require.js and jQuery CDN scripts Quarto adds for widgets.

    >>> tag = '<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js"></script>'
    >>> strip_cdn_scripts(f"<head>{tag}\\n</head>")
    '<head></head>'
    """
    return _CDN_SCRIPT.sub("", page)


def failure(document: QmdDocument, log: str, exit_code: int) -> ChunkError:
    """The error for a failed ``quarto render``: the report, the chunk Quarto was running and the
    exception, with Quarto's whole output as the traceback text."""
    report = f"report '{document.name}' ({document.path})"
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if _ERROR_LINE.match(line)]
    reason = errors[-1] if errors else (lines[-1] if lines else f"exit code {exit_code}")
    cells = list(_CELL_PROGRESS.finditer(log))
    if "An error occurred while executing the following cell" in log and cells:
        where = _chunk_name(document, cells[-1])
        return ChunkError(f"{report} failed under Quarto in {where}: {reason}", log)
    after_last_cell = log[cells[-1].end() :] if cells else ""
    if after_last_cell.lstrip(".").startswith("Done") and not re.search(
        r"^pandoc\s*$", after_last_cell, re.M
    ):
        # Quarto evaluates a prose part's inline expressions after the chunk before it
        where = _chunk_name(document, cells[-1])
        message = f"{report} failed under Quarto in an inline `{{python}}` expression after {where}"
        return ChunkError(f"{message}: {reason}", log)
    return ChunkError(f"{report} failed under quarto render: {reason}", log)


def _chunk_name(document: QmdDocument, cell: re.Match[str]) -> str:
    label, number, total = cell["label"], int(cell["number"]), int(cell["total"])
    chunks = document.chunks
    for chunk in chunks:
        if label and chunk.options.get("label") == label:
            return chunk.name
    if total == len(chunks):
        return chunks[number - 1].name
    return f"cell {number} of {total}" + (f" ('{label}')" if label else "")
