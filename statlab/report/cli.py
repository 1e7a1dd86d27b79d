"""``statlab report``: render reports to HTML, with progress per report in the terminal."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from statlab._paths import reports_dir
from statlab.report.document import QmdDocument, read_qmd
from statlab.report.errors import ChunkError, ReportError
from statlab.report.quarto import Page
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
    from rich.progress import Progress, TaskID


DEFAULT_JOBS = min(2, os.cpu_count() or 1)
#: seconds each shipped report took to render cold with the embedded engine, two at a time on
#: an otherwise idle two-core machine, by the backend it computed with (R installed, so pages
#: that compare the backends ran both): the slowest start first, so that the last report to
#: finish is a short one, and under Quarto the reports are shared between the Quarto processes by
#: these times
RENDER_SECONDS = {
    "python": {
        "pcs_model_comparison": 36.7,
        "trees_arcene": 32.8,
        "trees_efron": 27.0,
        "shap_census": 15.9,
        "prostate_stability": 15.4,
        "shap_foundations": 12.3,
        "trees_partition": 10.8,
        "ozone_lasso": 10.4,
        "trees_boosting": 9.6,
        "gp_hierarchical": 8.2,
        "gp_marginal_likelihood": 7.7,
        "gp_kernels": 6.5,
    },
    "r": {
        "pcs_model_comparison": 93.1,
        "trees_arcene": 32.9,
        "prostate_stability": 32.0,
        "trees_efron": 31.9,
        "shap_census": 20.4,
        "shap_foundations": 13.2,
        "trees_boosting": 9.3,
        "ozone_lasso": 8.9,
        "trees_partition": 8.0,
        "gp_hierarchical": 7.8,
        "gp_kernels": 7.6,
        "gp_marginal_likelihood": 7.2,
    },
}


#: the thread-count variables of OpenBLAS, MKL and OpenMP, which every kernel's BLAS reads at start
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def blas_threads(reports_at_once: int, environment: Mapping[str, str]) -> dict[str, str]:
    """The BLAS thread counts to give each report kernel: its share of the cores,
    ``cores // reports_at_once``, for each variable ``environment`` does not set already.

    Reports render side by side to use every core; a BLAS that also starts a thread per core in
    each kernel makes the threads wait on each other, most of all in the thousands of small
    matrix products of bootstrap refits. Kernels start with ``statlab report``'s environment.

    >>> blas_threads(os.cpu_count(), {"MKL_NUM_THREADS": "4"})
    {'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1'}
    """
    threads = str(max(1, (os.cpu_count() or 1) // max(1, reports_at_once)))
    return {name: threads for name in BLAS_THREAD_VARIABLES if name not in environment}


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
    os.environ.update(blas_threads(min(args.jobs, len(documents)), os.environ))
    if not args.no_cache:
        from statlab.report.cache import backend_state

        backend_state(backend)  # asks R here: rpy2 cannot be started from the render threads
    rendered, failed = _render_all(
        console,
        documents,
        out,
        engine,
        backend,
        args.jobs,
        args.format,
        use_cache=not args.no_cache,
        computed_on=resolved,
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


def expected_seconds(document: QmdDocument, backend: str = "python") -> float:
    """How long ``document`` is expected to render on ``backend`` (``r`` or ``python``): its
    :data:`RENDER_SECONDS`, or their median for a report statlab does not ship.

    >>> mine = QmdDocument("mine", Path("mine.qmd"), {}, [])
    >>> expected_seconds(mine, "r") == statistics.median(RENDER_SECONDS["r"].values())
    True
    """
    seconds = RENDER_SECONDS[backend]
    return seconds.get(document.name, statistics.median(seconds.values()))


def longest_first(documents: Sequence[QmdDocument], backend: str = "python") -> list[QmdDocument]:
    """``documents`` in the order they start rendering: the slowest first (stable for ties).

    >>> pages = [QmdDocument(name, Path(f"{name}.qmd"), {}, []) for name in
    ...          ["gp_kernels", "trees_efron", "trees_arcene"]]
    >>> [page.name for page in longest_first(pages)]
    ['trees_arcene', 'trees_efron', 'gp_kernels']
    """
    return sorted(documents, key=lambda document: expected_seconds(document, backend), reverse=True)


def share_out(
    documents: Sequence[QmdDocument], processes: int, backend: str = "python"
) -> list[list[QmdDocument]]:
    """Split ``documents`` between ``processes`` Quarto processes so that their expected times
    are as even as a greedy rule makes them: each report, slowest first, goes to the process
    with the least work so far. Empty groups are left out.

    >>> pages = [QmdDocument(name, Path(f"{name}.qmd"), {}, []) for name in
    ...          ["gp_kernels", "trees_efron", "trees_arcene", "shap_census"]]
    >>> [[page.name for page in group] for group in share_out(pages, 2)]
    [['trees_arcene', 'gp_kernels'], ['trees_efron', 'shap_census']]
    """
    groups: list[list[QmdDocument]] = [[] for _ in range(processes)]
    loads = [0.0] * processes
    for document in longest_first(documents, backend):
        lightest = loads.index(min(loads))
        groups[lightest].append(document)
        loads[lightest] += expected_seconds(document, backend)
    return [group for group in groups if group]


class _RenderLog:
    """Progress bars and one line per report as pages start, advance and finish, from any
    thread; collects the pages written and keeps a copy of each for the page cache."""

    def __init__(
        self,
        console: Console,
        progress: Progress,
        numbers: dict[Path, int],
        keys: dict[Path, str],
        engine: str,
        backend: str,
    ) -> None:
        self.console, self.progress, self.numbers, self.keys = console, progress, numbers, keys
        self.engine, self.backend = engine, backend
        self.rendered: list[RenderedReport] = []
        self.failed = False
        self._tasks: dict[Path, TaskID] = {}
        self._lock = threading.Lock()

    def prefix(self, document: QmdDocument) -> str:
        return f"[{self.numbers[document.path]}/{len(self.numbers)}] {document.name}"

    def started(self, page: Page) -> None:
        from rich.text import Text

        document = page.document
        with self._lock:
            self._tasks[document.path] = self.progress.add_task(f"  {document.name}", total=None)
        self.console.print(
            Text(
                f"{self.prefix(document)}: rendering {document.path.name} "
                f"({len(document.chunks)} chunks)"
            )
        )

    def reused(self, page: Page, seconds: float) -> None:
        from rich.text import Text

        self._record(page, seconds, reused=True)
        self.console.print(
            Text(
                f"{self.prefix(page.document)}: unchanged, reused in {seconds:.1f} s -> "
                f"{page.destination}"
            )
        )

    def cell_done(self, page: Page, done: int, total: int) -> None:
        task = self._tasks.get(page.document.path)
        if task is not None:
            self.progress.update(task, completed=done, total=total)

    def finished(self, page: Page, seconds: float, error: ReportError | None) -> None:
        from rich.text import Text

        from statlab.report import cache

        document = page.document
        with self._lock:
            task = self._tasks.pop(document.path, None)
        if task is not None:
            self.progress.remove_task(task)
        prefix = self.prefix(document)
        if error is not None:
            if isinstance(error, ChunkError):
                self.console.print(Text(error.traceback_text))
            self.console.print(Text.assemble(f"{prefix}: ", ("failed", "bold red"), f": {error}"))
            self.failed = True
            return
        if document.path in self.keys:
            cache.keep_page(document, page.destination, self.keys[document.path])
        self._record(page, seconds, reused=False)
        self.console.print(Text(f"{prefix}: done in {seconds:.1f} s -> {page.destination}"))

    def _record(self, page: Page, seconds: float, reused: bool) -> None:
        report = RenderedReport(
            page.document.name, page.destination, self.engine, self.backend, seconds, reused=reused
        )
        with self._lock:
            self.rendered.append(report)


def _render_all(
    console: Console,
    documents: Sequence[QmdDocument],
    out: Path,
    engine: str,
    backend: str,
    jobs: int,
    output_format: str,
    use_cache: bool = True,
    computed_on: str = "python",
) -> tuple[list[RenderedReport], bool]:
    """Render ``documents``, reusing a page whose inputs are unchanged unless ``use_cache`` is
    false, with a progress bar per report; return the pages written and whether any failed.
    ``computed_on`` is the backend ``backend`` resolves to, whose times order the reports.

    The embedded engine renders ``jobs`` reports at a time, each in its own kernel; Quarto runs
    ``jobs`` processes, each rendering its share of the reports (:func:`share_out`) one after
    another, each report in its own kernel."""
    from concurrent.futures import ThreadPoolExecutor

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from statlab.report import cache, quarto

    suffix = quarto.FORMATS[output_format][1]
    numbers = {document.path: number for number, document in enumerate(documents, start=1)}
    pages = {
        document.path: Page(document, out / f"{document.name}{suffix}") for document in documents
    }
    keys: dict[Path, str] = {}

    def render_embedded(document: QmdDocument) -> None:
        page, started = pages[document.path], time.perf_counter()
        log.started(page)
        try:
            render_report(
                document,
                out,
                engine,
                backend,
                lambda done, total: log.cell_done(page, done, total),
                output_format,
            )
        except ReportError as error:
            log.finished(page, time.perf_counter() - started, error)
        else:
            log.finished(page, time.perf_counter() - started, None)

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
        log = _RenderLog(console, progress, numbers, keys, engine, backend)
        to_render = []
        for document in documents:
            started, page = time.perf_counter(), pages[document.path]
            if use_cache:
                keys[document.path] = cache.page_key(document, engine, backend, output_format)
                if cache.reuse_page(document, page.destination, keys[document.path]):
                    log.reused(page, time.perf_counter() - started)
                    continue
            to_render.append(document)
        if engine == "quarto":
            futures = [
                pool.submit(
                    quarto.render_pages,
                    [pages[document.path] for document in group],
                    backend,
                    output_format,
                    log,
                )
                for group in share_out(to_render, jobs, computed_on)
            ]
        else:
            futures = [
                pool.submit(render_embedded, document)
                for document in longest_first(to_render, computed_on)
            ]
        for future in futures:
            future.result()
    return log.rendered, log.failed
