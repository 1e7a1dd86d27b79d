"""``statlab report``: render reports to HTML, with progress per report in the terminal."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from statlab._paths import reports_dir
from statlab.report.document import QmdDocument, read_qmd
from statlab.report.errors import ChunkError, ReportError
from statlab.report.render import (
    BACKENDS,
    ENGINES,
    FORMATS,
    RenderedReport,
    available_reports,
    prepare_output_dir,
    render_report,
    report_path,
    resolve_backend,
    resolve_engine,
    write_index,
)
from statlab.report.scratch import remove_leftovers

if TYPE_CHECKING:
    from rich.console import Console


DEFAULT_JOBS = min(2, os.cpu_count() or 1)
#: the shipped reports that take longest to render cold, longest first (measured on two cores):
#: they start first, so that the last report to finish is a short one and ``--jobs`` workers stay
#: busy to the end
SLOWEST_REPORTS = (
    "trees_arcene",
    "pcs_model_comparison",
    "trees_efron",
    "prostate_stability",
    "shap_census",
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``statlab report``.

    >>> build_parser().parse_args(["ozone_lasso", "--backend", "python"]).backend
    'python'
    """
    parser = argparse.ArgumentParser(
        prog="statlab report",
        description=(
            "Render statlab's Quarto reports to self-contained HTML pages (or PDFs) plus an index. "
            "Each report's chunks see the chosen backend in the STATLAB_BACKEND "
            "environment variable."
        ),
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="reports to render (e.g. ozone_lasso) or paths to .qmd files; none means all",
    )
    parser.add_argument("--all", action="store_true", help="render every report")
    parser.add_argument("--list", action="store_true", help="list the reports and exit")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: reports/_output)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="quarto (needs the Quarto CLI >= 1.4), embedded (jupytext + nbclient + pandoc), "
        "or auto: quarto when it is on PATH and recent enough, else embedded (default)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="html",
        help="html (self-contained pages, default) or pdf (Quarto through typst)",
    )
    parser.add_argument(
        "--n-jobs",
        "--jobs",  # its name before statlab's vocabulary; kept working
        dest="jobs",
        type=_positive_int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"reports rendered at the same time, each in its own kernel (default: {DEFAULT_JOBS})",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="backend the reports compute with: r, python, or auto: R when usable (default)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="render every page afresh (by default a page whose .qmd, statlab code, data, engine "
        "and backend are unchanged since its last render is reused)",
    )
    return parser


def cli_main(argv: Sequence[str]) -> int:
    """Run ``statlab report`` with ``argv`` (the arguments after ``report``); return the exit code.

    >>> cli_main(["--engine", "pdflatex"])  # argparse explains the error on stderr
    2
    """
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.list:
        for name in available_reports():
            print(name)
        return 0
    if args.all and args.names:
        parser.print_usage(sys.stderr)
        console.print("statlab report: error: give report names or --all, not both")
        return 2
    try:
        engine = resolve_engine(args.engine, args.format)
        resolved = resolve_backend(args.backend)
        # "auto" reaches the reports as it is: each resolves it for the R packages it needs
        backend = "auto" if args.backend == "auto" else resolved
        paths = [report_path(name) for name in args.names] or [
            reports_dir() / f"{name}.qmd" for name in available_reports()
        ]
        documents = [read_qmd(path) for path in paths]
        out = prepare_output_dir(args.out if args.out else reports_dir() / "_output")
        remove_leftovers(out)
    except ReportError as error:
        console.print(Text.assemble(("statlab report: error: ", "bold red"), str(error)))
        return 2

    console.print(
        f"Rendering {len(documents)} report(s) to {args.format} with the {engine} engine on the "
        f"{_backend_text(backend, resolved)}, {min(args.jobs, len(documents))} at a time, into {out}"
    )
    if engine == "embedded":
        for document in documents:
            for chunk in document.chunks:
                if chunk.ignored_options:
                    console.print(
                        f"note: {document.name}: {chunk.name}: the embedded engine ignores "
                        f"the Quarto option(s) {', '.join(chunk.ignored_options)}"
                    )
    if not args.no_cache:
        from statlab.report.cache import backend_state

        backend_state(backend)  # asks R here: rpy2 cannot be started from the render threads
    rendered, failed = _render_all(
        console, documents, out, engine, backend, args.jobs, args.format, not args.no_cache
    )
    handout = None
    if args.format == "pdf" and len(documents) > 1:
        handout = _write_handout(console, documents, out, failed)
    index = write_index(
        out, _index_entries(documents), rendered, suffix=f".{args.format}", handout=handout
    )
    console.print(f"Index: {index}")
    if failed:
        console.print(
            Text("statlab report: some reports failed; their old pages are kept", "bold red")
        )
        return 1
    return 0


def _render_or_reuse(
    document: QmdDocument,
    out: Path,
    engine: str,
    backend: str,
    on_cell_done: Callable[[int, int], None],
    output_format: str,
) -> RenderedReport:
    """:func:`render_report`, or the cached page when its inputs have not changed."""
    from statlab.report import cache, quarto

    started = time.perf_counter()
    destination = out / f"{document.name}{quarto.FORMATS[output_format][1]}"
    key = cache.page_key(document, engine, backend, output_format)
    written: list[RenderedReport] = []

    def render() -> Path:
        written.append(render_report(document, out, engine, backend, on_cell_done, output_format))
        return written[0].path

    reused = cache.cached_render(document, destination, key, render)
    if not reused:
        return written[0]
    return RenderedReport(
        document.name, destination, engine, backend, time.perf_counter() - started, reused=True
    )


def _write_handout(
    console: Console, documents: Sequence[QmdDocument], out: Path, failed: bool
) -> Path | None:
    """Join the run's PDFs into the handout, unless a report failed (its PDF would be stale)."""
    from statlab.report.handout import HANDOUT_NAME, HandoutPart, write_handout

    if failed:
        console.print(f"{HANDOUT_NAME} not written: it would hold a failed report's old PDF")
        return None
    parts = [HandoutPart(document.title, out / f"{document.name}.pdf") for document in documents]
    try:
        handout = write_handout(parts, out / HANDOUT_NAME, "statlab reports")
    except ReportError as error:
        console.print(f"{HANDOUT_NAME} not written: {error}")
        return None
    console.print(f"Handout (all {len(parts)} reports in one PDF): {handout}")
    return handout


def _backend_text(backend: str, resolved: str) -> str:
    """How the command line names the backend: "auto" says what it resolves to here."""
    if backend != "auto":
        return f"{backend} backend"
    if resolved == "python":
        return "python backend (auto: R is not usable here)"
    return (
        "auto backend (R, except in reports whose R packages are missing here, which run in "
        "Python and say so)"
    )


def _index_entries(documents: Sequence[QmdDocument]) -> list[Path]:
    """The index lists every shipped report, plus any other .qmd rendered this time; a .qmd from
    elsewhere named like a shipped report takes that report's entry (its page replaced the
    shipped one's).

    >>> outside = Path("/elsewhere/ozone_lasso.qmd")
    >>> entries = _index_entries([QmdDocument("ozone_lasso", outside, {}, [])])
    >>> outside in entries, [p.stem for p in entries].count("ozone_lasso")
    (True, 1)
    """
    rendered = {document.name: document.path for document in documents}
    shipped = [reports_dir() / f"{name}.qmd" for name in available_reports()]
    entries = [rendered.get(path.stem, path) for path in shipped]
    return entries + [path for path in rendered.values() if path not in entries]


def longest_first(documents: Sequence[QmdDocument]) -> list[QmdDocument]:
    """``documents`` in the order they start rendering: the :data:`SLOWEST_REPORTS` first, longest
    first, then the others in their given order.

    >>> from pathlib import Path
    >>> pages = [QmdDocument(name, Path(f"{name}.qmd"), {}, []) for name in
    ...          ["gp_kernels", "trees_efron", "trees_arcene"]]
    >>> [page.name for page in longest_first(pages)]
    ['trees_arcene', 'trees_efron', 'gp_kernels']
    """
    rank = {name: position for position, name in enumerate(SLOWEST_REPORTS)}
    return sorted(documents, key=lambda document: rank.get(document.name, len(rank)))


def _render_all(
    console: Console,
    documents: Sequence[QmdDocument],
    out: Path,
    engine: str,
    backend: str,
    jobs: int,
    output_format: str,
    use_cache: bool = True,
) -> tuple[list[RenderedReport], bool]:
    """Render ``documents``, ``jobs`` at a time (each in its own kernel), with a progress bar per
    report, reusing a page whose inputs are unchanged unless ``use_cache`` is false; return the
    pages written and whether any report failed."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.text import Text

    rendered: list[RenderedReport] = []
    failed = False
    count = len(documents)
    with (
        Progress(
            "{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
        ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="statlab-report") as pool,
    ):

        def render(number: int, document: QmdDocument) -> RenderedReport:
            prefix = f"[{number}/{count}] {document.name}"
            task = progress.add_task(f"  {document.name}", total=None)
            console.print(
                Text(f"{prefix}: rendering {document.path.name} ({len(document.chunks)} chunks)")
            )

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                if not use_cache:
                    return render_report(document, out, engine, backend, advance, output_format)
                return _render_or_reuse(document, out, engine, backend, advance, output_format)
            finally:
                progress.remove_task(task)

        # numbered in the order given (the progress lines say [3/12]), started longest first
        numbers = {document.path: number for number, document in enumerate(documents, start=1)}
        futures = {}
        for document in longest_first(documents):
            number = numbers[document.path]
            futures[pool.submit(render, number, document)] = (number, document)
        for future in as_completed(futures):
            number, document = futures[future]
            prefix = f"[{number}/{count}] {document.name}"
            try:
                page = future.result()
            except ChunkError as error:
                console.print(Text(error.traceback_text))
                console.print(Text.assemble(f"{prefix}: ", ("failed", "bold red"), f": {error}"))
                failed = True
                continue
            except ReportError as error:
                console.print(Text.assemble(f"{prefix}: ", ("failed", "bold red"), f": {error}"))
                failed = True
                continue
            rendered.append(page)
            how = "unchanged, reused" if page.reused else "done"
            console.print(Text(f"{prefix}: {how} in {page.seconds:.1f} s -> {page.path}"))
    return rendered, failed
