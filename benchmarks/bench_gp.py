"""Hierarchical GP on the course's 100 points: exact grid posterior versus NUTS (nutpie and PyMC).

Times ``HierarchicalGP().fit(..., method="grid", grid_size=40)`` (a 40^3 grid over log A, log
length_scale, log noise_sd; median of ``--repeats`` warm runs; goal < 1 s) and, for each NUTS sampler,
a warm fit with 2 chains x 1000 draws (1000 tuning steps; goal <= 15 s, 0 divergences, max R-hat
<= 1.01). "first fit" is a 50 + 50 step fit that compiles the model (PyMC: C code, mostly cached
on disk; nutpie: Numba, about 15 s in every new process, more with an empty cache); the warm fit
after it reuses the compiled model. Prints both posteriors' means. NUTS also reports its CPU
seconds and the machine's load, since wall time on a shared machine depends on what else runs.

Run: ``python benchmarks/bench_gp.py [--repeats 5] [--samplers nutpie pymc] [--compile-dir DIR]``
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
    parser.add_argument(
        "--samplers", nargs="+", choices=["nutpie", "pymc"], default=["nutpie", "pymc"]
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

    nuts, rows = {}, []
    for sampler in args.samplers:
        options = {"seed": 1, "chains": 2, "progress": False, "compile_dir": args.compile_dir}
        options["sampler"] = sampler
        start = time.perf_counter()
        model.fit(x, y, method="nuts", n_draws=50, tune=50, **options)
        first_seconds = time.perf_counter() - start
        start, start_cpu = time.perf_counter(), cpu_seconds()
        nuts[sampler] = model.fit(x, y, method="nuts", n_draws=1000, tune=1000, **options)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
        rows.append((sampler, first_seconds, seconds, cpu, nuts[sampler].diagnostics()))

    print(f"{'task':<34}{'seconds':>9}{'goal':>9}")
    print(f"{'grid posterior, 40^3 (median)':<34}{statistics.median(grid_seconds):9.3f}{'< 1':>9}")
    for sampler, first_seconds, seconds, cpu, _ in rows:
        print(f"{f'{sampler}: first fit (compiles)':<34}{first_seconds:9.2f}")
        print(f"{f'{sampler}: NUTS 2 x 1000 draws, warm':<34}{seconds:9.2f}{'<= 15':>9}")
        print(f"{'  (CPU seconds, all processes)':<34}{cpu:9.2f}")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for sampler, *_, diagnostics in rows:
        print(
            f"{sampler}: {diagnostics['divergences']} divergences (goal 0), "
            f"max R-hat {diagnostics['max_r_hat']:.4f} (goal <= 1.01), "
            f"min bulk ESS {diagnostics['min_ess_bulk']:.0f}"
        )
    means = grid.hyperparameters()[["mean"]].rename(columns={"mean": "grid"})
    for sampler, posterior in nuts.items():
        table = posterior.hyperparameters()
        means[sampler], means[f"{sampler}_mcse"] = table["mean"], table["mcse_mean"]
    print(f"\nposterior means:\n{means.round(4).to_string()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
