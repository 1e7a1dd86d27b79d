"""Rendering reports: choosing the engine and backend, and writing each page and the index.

The ``embedded`` engine reads the ``.qmd`` (:mod:`statlab.report.document`), runs it in a kernel
(:mod:`statlab.report.execute`) and writes an HTML page with pandoc (:mod:`statlab.report.html`).
The ``quarto`` engine hands a copy of the file to ``quarto render`` (:mod:`statlab.report.quarto`),
for HTML or PDF. Either way a page is first written to a temporary file and then renamed over the
old one (:mod:`statlab.report.scratch`), so a failed render leaves the old page as it was.
"""

from __future__ import annotations

import html
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from statlab._paths import reports_dir
from statlab.report.document import QmdDocument, read_qmd
from statlab.report.errors import ReportError
from statlab.report.scratch import scratch_folder

Engine = Literal["auto", "quarto", "embedded"]
Backend = Literal["auto", "r", "python"]
ENGINES: tuple[str, ...] = ("auto", "quarto", "embedded")
BACKENDS: tuple[str, ...] = ("auto", "r", "python")
FORMATS: tuple[str, ...] = ("html", "pdf")


@dataclass(frozen=True)
class RenderedReport:
    """One written page: which report, where, with which engine and backend, how long, and
    whether an unchanged page was reused rather than rendered."""

    name: str
    path: Path
    engine: str
    backend: str
    seconds: float
    reused: bool = False


def available_reports(folder: Path | None = None) -> list[str]:
    """Names of the reports in ``folder`` (default: statlab's ``reports/``), without ``index``.

    >>> "gp_kernels" in available_reports() or available_reports() == []
    True
    """
    folder = reports_dir() if folder is None else folder
    return sorted(
        path.stem
        for path in folder.glob("*.qmd")
        if path.stem != "index" and not path.stem.startswith("_")
    )


def report_path(name_or_path: str, folder: Path | None = None) -> Path:
    """The ``.qmd`` for a report name (``ozone_lasso`` or ``ozone-lasso``) or a path to a ``.qmd``.

    Raises :class:`ReportError` listing the available reports when the name is unknown.

    >>> report_path("no-such-report")
    Traceback (most recent call last):
    ...
    statlab.report.errors.ReportError: unknown report 'no-such-report'; available: ...
    """
    if name_or_path.endswith(".qmd"):
        path = Path(name_or_path)
        if not path.is_file():
            raise ReportError(f"report file {name_or_path} does not exist")
        return path.resolve()
    folder = reports_dir() if folder is None else folder
    name = name_or_path.replace("-", "_")
    names = available_reports(folder)
    if name not in names:
        raise ReportError(
            f"unknown report {name_or_path!r}; available: {', '.join(names) or '(none)'}"
        )
    return folder / f"{name}.qmd"


def resolve_engine(engine: str, output_format: str = "html") -> str:
    """``quarto`` or ``embedded``: ``auto`` means Quarto when it is on PATH and recent enough.

    A PDF needs Quarto (``--to typst``); the embedded engine writes HTML only.

    >>> resolve_engine("embedded")
    'embedded'
    """
    from statlab.report import quarto

    if engine not in ENGINES:
        raise ReportError(
            f"unknown engine {engine!r} for --engine; choose from {', '.join(ENGINES)}"
        )
    if output_format not in FORMATS:
        raise ReportError(
            f"unknown format {output_format!r} for --format; choose from {', '.join(FORMATS)}"
        )
    if output_format == "pdf":
        if engine == "embedded":
            raise ReportError(
                "--format pdf needs --engine quarto (the embedded engine writes HTML)"
            )
        quarto.require("--format pdf")
        return "quarto"
    if engine == "auto":
        return "quarto" if quarto.status().usable else "embedded"
    if engine == "quarto":
        quarto.require()
    return engine


def resolve_backend(backend: str, packages: tuple[str, ...] = ("glmnet",)) -> str:
    """``r`` or ``python`` for a computation needing the R ``packages``, as
    :func:`statlab._rbridge.resolve_backend` decides; errors name ``--backend``.

    >>> resolve_backend("python")
    'python'
    """
    from statlab import _rbridge

    if backend not in BACKENDS:
        raise ReportError(
            f"unknown backend {backend!r} for --backend; choose from {', '.join(BACKENDS)}"
        )
    try:
        return _rbridge.resolve_backend(backend, packages)
    except _rbridge.RUnavailableError as error:
        raise ReportError(f"--backend r: {error}") from error


def prepare_output_dir(out: Path) -> Path:
    """Create ``out`` if needed and check a file can be written there; raise a clear error if not.

    >>> import tempfile
    >>> prepare_output_dir(Path(tempfile.mkdtemp()) / "pages").is_dir()
    True
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise ReportError(f"--out {out}: cannot write there ({error.strerror or error})") from error
    return out.resolve()


def render_report(
    document: QmdDocument,
    out: Path,
    engine: str = "embedded",
    backend: str = "python",
    on_cell_done: Callable[[int, int], None] | None = None,
    output_format: str = "html",
) -> RenderedReport:
    """Render one parsed report to ``out/<name>.html`` (or ``.pdf``) and return what was written.

    The chunks run in a scratch folder, so nothing is written beside the ``.qmd``; the page
    replaces the old one only once complete.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> text = "---\\ntitle: Demo\\n---\\n\\nTwo: `{python} 1 + 1`\\n"
    >>> _ = (folder / "demo.qmd").write_text(text)
    >>> page = render_report(read_qmd(folder / "demo.qmd"), folder)
    >>> "Two: 2" in page.path.read_text(), sorted(p.name for p in folder.iterdir())
    (True, ['demo.html', 'demo.qmd'])
    """
    from statlab.report import quarto

    started = time.perf_counter()
    destination = Path(out) / f"{document.name}{quarto.FORMATS[output_format][1]}"
    if engine == "quarto":
        quarto.render(document, destination, backend, output_format)
    else:
        from statlab.report.execute import execute
        from statlab.report.html import report_markdown, write_html

        with scratch_folder("report") as scratch:
            work, figures = scratch / "work", scratch / "figures"
            work.mkdir()
            figures.mkdir()
            execution = execute(document, backend, on_cell_done, working_dir=work)
            markdown = report_markdown(document, execution, figures)
            write_html(
                markdown, figures, destination, stylesheets=document.stylesheets, toc=document.toc
            )
    return RenderedReport(
        document.name, destination, engine, backend, time.perf_counter() - started
    )


def write_index(
    out: Path,
    reports: Sequence[Path],
    rendered: Sequence[RenderedReport],
    suffix: str = ".html",
    handout: Path | None = None,
) -> Path:
    """Write ``out/index.html`` linking every report in ``reports`` (their ``.qmd`` files) to its
    page (``NAME.html``, or ``NAME.pdf`` with ``suffix=".pdf"``), and to ``handout`` (the reports
    joined in one PDF) when given.

    Reports without a page in ``out`` are listed as not rendered yet.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / "demo.qmd").write_text("---\\ntitle: A demo\\n---\\n")
    >>> _ = (out / "demo.html").write_text("<html></html>")
    >>> '<a href="demo.html">A demo</a>' in write_index(out, [out / "demo.qmd"], []).read_text()
    True
    """
    from statlab.report.html import write_html

    by_name = {page.name: page for page in rendered}
    lines = [
        "---",
        "title: statlab reports",
        "---",
        "",
        "The course's analyses, each computed by statlab and rendered from its Quarto document.",
        "",
        '<dl class="report-list">',
    ]
    for path in reports:
        document_header = _header_or_empty(path)
        name = path.stem
        title = html.escape(str(document_header.get("title") or name))
        description = html.escape(str(document_header.get("description") or ""))
        if (out / f"{name}{suffix}").is_file():
            entry = f'<a href="{name}{suffix}">{title}</a>'
        else:
            entry = f"{title} (not rendered yet: <code>statlab report {name}</code>)"
        if name in by_name:
            page = by_name[name]
            description += f" <em>Backend: {page.backend}; rendered in {page.seconds:.1f} s.</em>"
        lines += [f"<dt>{entry}</dt>", f"<dd>{description.strip()}</dd>"]
    lines.append("</dl>")
    if handout is not None:
        lines += [
            "",
            f'All of them in one PDF, with a contents page: <a href="{handout.name}">{handout.name}</a>.',
        ]
    destination = out / "index.html"
    write_html("\n".join(lines) + "\n", out, destination)
    return destination


def _header_or_empty(path: Path) -> dict[str, Any]:
    try:
        return read_qmd(path).header
    except ReportError:
        return {}
