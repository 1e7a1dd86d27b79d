"""Rendering a report with the Quarto CLI, from any install of statlab.

``quarto render`` runs on a copy of the ``.qmd`` in a scratch folder (so nothing is written beside
the shipped file, which may be read-only, and parallel renders share no ``.quarto/`` folder;
:func:`with_jupyter_engine` makes sure the copy runs on Jupyter), with
no execute daemon (a reused kernel would keep a stale ``STATLAB_BACKEND``). Its Jupyter chunks run
in the interpreter running statlab: ``QUARTO_PYTHON`` names it and its ``bin`` folder comes first on
``PATH``, where the ``python3`` kernel is looked up. HTML pages embed their resources and write
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
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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


def command(source_name: str, output_format: str) -> list[str]:
    """The ``quarto render`` command line for ``source_name`` in ``html`` or ``pdf``.

    >>> command("demo.qmd", "pdf")[:4]
    ['quarto', 'render', 'demo.qmd', '--to']
    """
    target, _suffix = FORMATS[output_format]
    arguments = ["quarto", "render", source_name, "--to", target, "--no-execute-daemon"]
    if output_format == "html":
        arguments += ["-M", "embed-resources:true", "-M", "html-math-method:mathml"]
    else:  # PNG figures, which pdfimages can count, rather than typst's default SVG
        arguments += ["-M", "fig-format:png"]
    return arguments


def render(document: QmdDocument, destination: Path, backend: str, output_format: str) -> None:
    """Render ``document`` with Quarto to ``destination``; keep the old page if it fails."""
    require()
    _target, suffix = FORMATS[output_format]
    with scratch_folder("quarto") as scratch:
        work, temporary = scratch / "document", scratch / "tmp"
        work.mkdir()
        temporary.mkdir()
        source = work / document.path.name
        source.write_text(with_jupyter_engine(document), encoding="utf-8")
        copy_stylesheets(document, work)
        environment_variables = environment(backend, temporary)
        startup = scratch / "ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-statlab-warnings.py").write_text(STARTUP_CODE, encoding="utf-8")
        if output_format == "pdf":
            shutil.copyfile(PDF_STARTUP, startup / "01-statlab-tables.py")
        environment_variables["IPYTHONDIR"] = str(scratch / "ipython")
        try:
            result = subprocess.run(
                command(source.name, output_format),
                cwd=work,
                env=environment_variables,
                capture_output=True,
                text=True,
            )
        except OSError as error:
            message = f"--engine quarto: quarto failed to start ({error}); {INSTALL_HINT}"
            raise ReportError(message) from error
        log = strip_ansi(result.stderr + result.stdout)
        produced = source.with_suffix(suffix)
        if result.returncode != 0 or not produced.is_file():
            raise failure(document, log, result.returncode)
        content = produced.read_bytes()
        if output_format == "html":
            content = strip_cdn_scripts(content.decode("utf-8")).encode("utf-8")
        publish(content, destination)


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
