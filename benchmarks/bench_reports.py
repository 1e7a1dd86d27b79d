"""Render every report cold, then again unchanged, with each engine; compare with the goals.

"Cold" means a fresh ``statlab report`` process and a fresh kernel per report, into an empty
folder (so no page can be reused), ``--n-jobs`` reports at a time (default 2). "Warm" is a second
``statlab report`` into the same folder with nothing changed, where every page's inputs match its
cached key and the page is reused. Prints the machine's load, each report's cold and warm time
and the wall-clock totals per engine, against the goals: all reports cold within 120 s, the warm
re-render within 10 s. The CPU time of each run (``statlab report`` and every process it started)
is printed beside its wall time: on a machine shared with other work, CPU time divided by the
cores used is what the run would take alone.

Run: ``python benchmarks/bench_reports.py [--engine both|quarto|embedded] [--backend auto|r|python]
[--n-jobs N]``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

COLD_GOAL_SECONDS = 120.0
WARM_GOAL_SECONDS = 10.0
_PAGE_LINE = re.compile(
    r"^\[\d+/\d+\] (?P<name>\S+): (done|unchanged, reused) in (?P<seconds>[\d.]+) s"
)


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages and the CPU count."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def render_all(
    out: str, engine: str, backend: str, jobs: int
) -> tuple[float, float, dict[str, float]]:
    """One ``statlab report --all`` into ``out``: its wall time, its CPU time (with its child
    processes') and each page's time."""
    command = [sys.executable, "-m", "statlab.report", "--all", "--out", out]
    command += ["--engine", engine, "--backend", backend, "--n-jobs", str(jobs)]
    started, cpu_before = time.perf_counter(), _children_cpu()
    result = subprocess.run(command, capture_output=True, text=True)
    total, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(f"rendering failed (exit {result.returncode})")
    pages = {
        match["name"]: float(match["seconds"])
        for match in map(_PAGE_LINE.match, result.stderr.splitlines())
        if match
    }
    return total, cpu, pages


def _children_cpu() -> float:
    """User plus system CPU seconds of the finished child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench(engine: str, backend: str, jobs: int) -> None:
    """Render all reports cold and then warm with ``engine``; print the table."""
    with tempfile.TemporaryDirectory(prefix="statlab-bench-reports-") as out:
        print(f"{engine} engine, {jobs} at a time ({load_text()} before)")
        cold_total, cold_cpu, cold = render_all(out, engine, backend, jobs)
        warm_total, warm_cpu, warm = render_all(out, engine, backend, jobs)
    print(f"  {'report':<28} {'cold':>8} {'warm':>8}")
    for name in sorted(cold):
        print(f"  {name:<28} {cold[name]:7.1f}s {warm.get(name, float('nan')):7.2f}s")
    for label, total, cpu, goal in (
        ("cold total (wall clock)", cold_total, cold_cpu, COLD_GOAL_SECONDS),
        ("warm total (wall clock)", warm_total, warm_cpu, WARM_GOAL_SECONDS),
    ):
        verdict = "within" if total <= goal else "OVER"
        print(
            f"  {label:<28} {total:7.1f}s  ({verdict} the {goal:.0f} s goal; CPU {cpu:.1f} s, "
            f"{cpu / jobs:.1f} s per job)"
        )
    print(f"  ({load_text()} after)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["both", "quarto", "embedded"], default="both")
    parser.add_argument("--backend", choices=["auto", "r", "python"], default="auto")
    parser.add_argument(
        "--n-jobs", "--jobs", dest="jobs", type=int, default=2, help="reports rendered at once"
    )
    args = parser.parse_args(argv)
    for engine in ["quarto", "embedded"] if args.engine == "both" else [args.engine]:
        bench(engine, args.backend, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
