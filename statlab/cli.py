"""The ``statlab`` command: ``doctor``, ``compile``, ``run ANALYSIS``, ``report``.

A user's mistake never ends in a Python traceback: it prints one line and exits with 2 (a usage
error: an unknown command or option, or an argument statlab rejects) or 1 (a failure: R missing for
``--backend r``, a damaged data file, a computation that failed). ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import runpy
import shutil
import subprocess
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from statlab._paths import analyses_dir
from statlab._validation import InvalidArgumentError

USAGE_ERROR = 2
FAILURE = 1


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (exit code 2) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def analysis_names() -> list[str]:
    """Analyses ``statlab run`` knows: the scripts in ``analyses/``, with ``-`` for ``_``.

    >>> "ozone-lasso" in analysis_names()
    True
    """
    return sorted(p.stem.replace("_", "-") for p in analyses_dir().glob("*.py"))


def analysis_parser(doc: str, name: str, backend: bool = True) -> argparse.ArgumentParser:
    """The argument parser every ``analyses/`` script starts from: ``--backend`` (unless the
    analysis has no R counterpart), ``--out`` (default ``out/<name>``) and ``--seed``, with
    statlab's one-line usage errors.

    >>> analysis_parser("Demo.", "demo").parse_args(["--seed", "3"]).seed
    3
    """
    parser = _Parser(prog=f"statlab run {name}", description=doc.strip().splitlines()[0])
    if backend:
        parser.add_argument(
            "--backend", type=_usable_backend, choices=["auto", "r", "python"], default="auto"
        )
    parser.add_argument(
        "--out", type=_output_folder, default=Path("out") / name, help="output folder"
    )
    parser.add_argument("--seed", type=int, default=479)
    return parser


def _usable_backend(text: str) -> str:
    """``--backend``: "r" is refused here, before any work, when R cannot run (with the install
    line); "auto" and "python" pass as they are.

    >>> _usable_backend("python")
    'python'
    """
    if text == "r":
        from statlab import _rbridge

        _rbridge.require()
    return text


def _output_folder(text: str) -> Path:
    """``--out``: a folder that exists or can be made and written to (checked before any work).

    >>> _output_folder("/dev/null")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: /dev/null exists and is not a folder
    """
    import os

    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a folder")
    nearest = next(parent for parent in (folder, *folder.parents) if parent.exists())
    if not nearest.is_dir():
        raise argparse.ArgumentTypeError(f"{text} cannot be made: {nearest} is not a folder")
    if not os.access(nearest, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text} cannot be written: {nearest} is read-only here")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``statlab`` console script; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    if debug:
        arguments.remove("--debug")
    if arguments[:1] == ["report"]:
        # the report command parses its own options, in any order
        from statlab.report import cli_main

        return cli_main(arguments[1:])
    parser = _Parser(prog="statlab", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("doctor", help="show which tools and backends are available")
    commands.add_parser(
        "compile",
        help="compile the Python glmnet engine's kernels into numba's cache (once, after installing)",
    )
    # no -h of its own: `statlab run NAME --help` reaches the analysis, which lists its options
    run = commands.add_parser(
        "run", help="run one analysis script (see `statlab run --list`)", add_help=False
    )
    run.add_argument("analysis", nargs="?", help="analysis name, e.g. ozone-lasso")
    run.add_argument("--list", action="store_true", help="list the analyses")
    run.add_argument(
        "-h", "--help", action="store_true", help="this help, or with NAME that analysis' options"
    )
    commands.add_parser(
        "report", help="render the Quarto reports to HTML (`statlab report --help`)"
    )

    args, rest = parser.parse_known_args(arguments)
    if args.command == "doctor":
        if rest:
            parser.error(f"doctor takes no arguments, got {' '.join(rest)}")
        print(doctor_text())
        return 0
    if args.command == "compile":
        if rest:
            parser.error(f"compile takes no arguments, got {' '.join(rest)}")
        print(compile_text())
        return 0
    try:
        if args.help and args.analysis is None:
            run.print_help()
            return 0
        if args.help:
            rest = ["--help", *rest]
        return _run_analysis(run, args.analysis, args.list, rest)
    except Exception as error:
        if debug:
            traceback.print_exc()
        kind = USAGE_ERROR if isinstance(error, InvalidArgumentError) else FAILURE
        print(f"statlab run {args.analysis}: error: {_one_line(error)}", file=sys.stderr)
        return kind


def doctor_text() -> str:
    """Versions of Python, R, rpy2, glmnet, Quarto and pandoc, and the backend ``auto`` picks."""
    from statlab import _rbridge

    status = _rbridge.status()
    lines = [
        f"python   {platform.python_version()}",
        f"statlab  {importlib.metadata.version('statlab') if _installed() else 'not installed'}",
        f"R        {_rbridge.r_version_text() or 'absent'}",
        f"rpy2     {status.rpy2_version or 'absent'}",
        f"glmnet   {_glmnet_line(status)}",
        f"quarto   {_quarto_line()}",
        f"pandoc   {_pandoc_version() or 'absent'}",
        f'backend "auto" -> {"r" if status.usable else "python"} ({status.reason})',
    ]
    return "\n".join(lines)


def _glmnet_line(status: Any) -> str:
    """glmnet's version as rpy2 sees it; without rpy2, as R reports it, with what is missing."""
    from statlab import _rbridge

    if status.glmnet_version:
        return status.glmnet_version
    if status.rpy2_version is None and _rbridge.r_version_text():
        in_r = _rbridge.r_package_version("glmnet")
        if in_r:
            return f"{in_r} in R, out of statlab's reach without rpy2: pip install 'statlab[r]'"
    return "absent"


def compile_text() -> str:
    """Compile the glmnet kernels into numba's on-disk cache (a progress bar on stderr) and say
    how many were compiled and how many were already cached, and where the cache is."""
    import os
    import time

    from statlab.glmnet import compile_kernels

    start = time.perf_counter()
    statuses = compile_kernels(progress=True)
    seconds = time.perf_counter() - start
    compiled = sum(not status.loaded for status in statuses)
    where = os.environ.get("NUMBA_CACHE_DIR") or "numba's default, beside the package"
    return (
        f"glmnet kernels: {compiled} compiled, {len(statuses) - compiled} already cached, "
        f"in {seconds:.1f} s (cache: {where})"
    )


def _run_analysis(
    parser: argparse.ArgumentParser, name: str | None, list_only: bool, rest: list[str]
) -> int:
    names = analysis_names()
    if list_only or name is None:
        print("\n".join(names))
        return 0
    if name not in names:
        parser.error(f"unknown analysis {name!r}; available: {', '.join(names)}")
    script = analyses_dir() / f"{name.replace('-', '_')}.py"
    saved_argv = sys.argv
    sys.argv = [str(script), *rest]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(f"statlab run {name}: error: {exit_.code}", file=sys.stderr)
            return FAILURE
        return int(exit_.code or 0)
    finally:
        sys.argv = saved_argv
    return 0


def _one_line(error: BaseException) -> str:
    """``error``'s message on one line, prefixed with its type unless that is a plain ValueError."""
    message = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, InvalidArgumentError):
        return message
    from statlab._rbridge import RUnavailableError

    if isinstance(error, RUnavailableError):
        return message
    return f"{type(error).__name__}: {message}"


def _installed() -> bool:
    try:
        importlib.metadata.version("statlab")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _tool_version(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout else None


def _quarto_line() -> str:
    """Quarto's version, or why the reports cannot use it (absent, too old, failing)."""
    from statlab.report import quarto

    probe = quarto.status()
    if probe.usable:
        return probe.version_text or "present"
    return f"unusable: {probe.reason}; {quarto.INSTALL_HINT}"


def _pandoc_version() -> str | None:
    system = _tool_version(["pandoc", "--version"])
    try:
        import pypandoc

        bundled = f"{pypandoc.get_pandoc_version()} (pypandoc-binary)"
    except (ImportError, OSError):
        bundled = None
    return ", ".join(v for v in (system, bundled) if v) or None


if __name__ == "__main__":
    sys.exit(main())
