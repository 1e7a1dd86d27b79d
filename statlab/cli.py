"""The ``statlab`` command: ``doctor``, ``run ANALYSIS``, ``report``."""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import runpy
import shutil
import subprocess
import sys
from collections.abc import Sequence

from statlab._paths import analyses_dir


def analysis_names() -> list[str]:
    """Analyses ``statlab run`` knows: the scripts in ``analyses/``, with ``-`` for ``_``.

    >>> "ozone-lasso" in analysis_names()
    True
    """
    return sorted(p.stem.replace("_", "-") for p in analyses_dir().glob("*.py"))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``statlab`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["report"]:
        # the report command parses its own options, in any order
        from statlab.report import cli_main

        return cli_main(arguments[1:])
    parser = argparse.ArgumentParser(prog="statlab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="show which tools and backends are available")
    run = commands.add_parser("run", help="run one analysis script (see `statlab run --list`)")
    run.add_argument("analysis", nargs="?", help="analysis name, e.g. ozone-lasso")
    run.add_argument("--list", action="store_true", help="list the analyses")
    commands.add_parser(
        "report", help="render the Quarto reports to HTML (`statlab report --help`)"
    )

    args, rest = parser.parse_known_args(arguments)
    if args.command == "doctor":
        print(doctor_text())
        return 0
    return _run_analysis(parser, args.analysis, args.list, rest)


def doctor_text() -> str:
    """Versions of Python, R, rpy2, glmnet, Quarto and pandoc, and the backend ``auto`` picks."""
    from statlab import _rbridge

    status = _rbridge.status()
    lines = [
        f"python   {platform.python_version()}",
        f"statlab  {importlib.metadata.version('statlab') if _installed() else 'not installed'}",
        f"R        {_rbridge.r_version_text() or 'absent'}",
        f"rpy2     {status.rpy2_version or 'absent'}",
        f"glmnet   {status.glmnet_version or 'absent'}",
        f"quarto   {_quarto_line()}",
        f"pandoc   {_pandoc_version() or 'absent'}",
        f'backend "auto" -> {"r" if status.usable else "python"} ({status.reason})',
    ]
    return "\n".join(lines)


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
        return int(exit_.code or 0)
    finally:
        sys.argv = saved_argv
    return 0


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
