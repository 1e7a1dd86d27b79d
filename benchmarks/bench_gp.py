"""Hierarchical GP on the course's 100 points: exact grid posterior versus PyMC NUTS.

Times ``HierarchicalGP().fit(..., method="grid", grid_size=40)`` (a 40^3 grid over log A, log
lengthscale, log sigma; median of ``--repeats`` warm runs; goal < 1 s) and a warm NUTS fit with 2
chains x 1000 draws (1000 tuning steps; timed after a small fit has filled PyTensor's compile
cache; goal <= 15 s, 0 divergences, max R-hat <= 1.01), and prints both posteriors' means.
NUTS also reports its CPU seconds and the machine's load, since wall time on a shared machine
depends on what else runs.

Run: ``python benchmarks/bench_gp.py [--repeats 5] [--compile-dir DIR]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import statlab as sl
from statlab import gp


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the NUTS chains)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--compile-dir", help=f"PyTensor cache (or ${gp.CACHE_ENVIRONMENT_VARIABLE})"
    )
    args = parser.parse_args(argv)
    observed = sl.data.load("gp_observed")
    x, y = observed["x"], observed["y"]
    model = gp.HierarchicalGP()

    grid = model.fit(x, y, method="grid", grid_size=40)
    grid_seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        grid = model.fit(x, y, method="grid", grid_size=40)
        grid_seconds.append(time.perf_counter() - start)

    nuts_options = {"seed": 1, "chains": 2, "progressbar": False, "compile_dir": args.compile_dir}
    model.fit(x, y, method="nuts", draws=50, tune=50, **nuts_options)
    start, start_cpu = time.perf_counter(), cpu_seconds()
    nuts = model.fit(x, y, method="nuts", draws=1000, tune=1000, **nuts_options)
    nuts_seconds, nuts_cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    diagnostics = nuts.diagnostics()

    print(f"{'task':<34}{'seconds':>9}{'goal':>9}")
    print(f"{'grid posterior, 40^3 (median)':<34}{statistics.median(grid_seconds):9.3f}{'< 1':>9}")
    print(f"{'NUTS 2 x 1000 draws, warm':<34}{nuts_seconds:9.2f}{'<= 15':>9}")
    print(f"{'  (CPU seconds, all processes)':<34}{nuts_cpu:9.2f}")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"\nNUTS: {diagnostics['divergences']} divergences (goal 0), "
        f"max R-hat {diagnostics['max_r_hat']:.4f} (goal <= 1.01), "
        f"min bulk ESS {diagnostics['min_ess_bulk']:.0f}"
    )
    means = grid.hyperparameters()[["mean"]].join(
        nuts.hyperparameters()[["mean", "mcse_mean"]], lsuffix="_grid", rsuffix="_nuts"
    )
    print(f"\nposterior means:\n{means.round(4).to_string()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
