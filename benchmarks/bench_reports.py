"""Render every report cold and compare the total time with the 120 s goal.

"Cold" means a fresh ``statlab report`` process and a fresh kernel per report, into an empty
folder. Prints each report's render time and the wall-clock total.

Run: ``python benchmarks/bench_reports.py [--backend auto|r|python] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time

GOAL_SECONDS = 120.0
_DONE_LINE = re.compile(r"^\[\d+/\d+\] (?P<name>\S+): done in (?P<seconds>[\d.]+) s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["auto", "r", "python"], default="auto")
    parser.add_argument("--jobs", type=int, default=None, help="reports rendered at once")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="statlab-bench-reports-") as out:
        command = [sys.executable, "-m", "statlab.report", "--all", "--out", out]
        command += ["--engine", "embedded", "--backend", args.backend]
        if args.jobs is not None:
            command += ["--jobs", str(args.jobs)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        total = time.perf_counter() - started

    print(result.stderr.splitlines()[0] if result.stderr else "")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
