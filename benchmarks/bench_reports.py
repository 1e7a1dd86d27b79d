"""Render every report cold with each engine and compare the total time with the 120 s goal.

"Cold" means a fresh ``statlab report`` process and a fresh kernel per report, into an empty
folder, ``--jobs`` reports at a time (default 2). Prints the machine's load, each report's render
time and the wall-clock total per engine; the goal applies to the quarto engine.

Run: ``python benchmarks/bench_reports.py [--engine both|quarto|embedded] [--backend auto|r|python]
[--jobs N]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

GOAL_SECONDS = 120.0
_DONE_LINE = re.compile(r"^\[\d+/\d+\] (?P<name>\S+): done in (?P<seconds>[\d.]+) s")


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages and the CPU count."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def bench(engine: str, backend: str, jobs: int) -> int:
    """Render all reports with ``engine``; print per-report and total times; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="statlab-bench-reports-") as out:
        command = [sys.executable, "-m", "statlab.report", "--all", "--out", out]
        command += ["--engine", engine, "--backend", backend, "--jobs", str(jobs)]
        print(f"{engine} engine, {jobs} at a time ({load_text()} before)")
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        total = time.perf_counter() - started

    for line in result.stderr.splitlines():
        match = _DONE_LINE.match(line)
        if match:
            print(f"  {match['name']:<28} {float(match['seconds']):7.1f} s")
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        print(f"rendering failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode
    verdict = "within" if total <= GOAL_SECONDS else "OVER"
    print(f"  {'total (wall clock)':<28} {total:7.1f} s  ({verdict} the {GOAL_SECONDS:.0f} s goal)")
    print(f"  ({load_text()} after)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["both", "quarto", "embedded"], default="both")
    parser.add_argument("--backend", choices=["auto", "r", "python"], default="auto")
    parser.add_argument("--jobs", type=int, default=2, help="reports rendered at once")
    args = parser.parse_args(argv)
    engines = ["quarto", "embedded"] if args.engine == "both" else [args.engine]
    return max(bench(engine, args.backend, args.jobs) for engine in engines)


if __name__ == "__main__":
    raise SystemExit(main())
