"""Python glmnet backend against R glmnet: wall time of ``glmnet`` and ``cv_glmnet``.

R is timed inside R (``system.time`` around ``glmnet``/``cv.glmnet``), Python with
``time.perf_counter`` around ``statlab.glmnet``/``statlab.cv_glmnet(..., backend="python")``, both
on the same bytes (one array generated once, handed to R through the bridge, a sparse matrix as a
``dgCMatrix``) and the same folds, glmnet's defaults otherwise (R chooses covariance or naive updates
by the number of variables; so does statlab). Goal: ratio Python / R <= 1.0 on every row,
single-threaded.

* default: ozone (``O3 ~ .^2``), cv_glmnet lasso and ridge, median of ``--repeats`` warm runs.
* ``--scale``: lasso and ridge, ``glmnet`` and ``cv_glmnet`` (10 folds) at ozone, 10,000 x 200,
  10,000 x 500, 30,000 x 500, 100,000 x 500 (correlated columns) and sparse 100,000 x 10,000 at
  density 0.1%, plus the binomial lasso at 30,000 x 500; medians of 3 runs up to 10,000 rows, one
  run above. ``--only 10000x200,ozone`` restricts the rows. The machine's load is printed per row.
* ``--parallel``: cv_glmnet lasso at 100,000 x 500 with ``n_jobs=1`` and ``n_jobs=2`` (goal 1.6x).
* ``--memory``: peak memory allocated during cv_glmnet at 100,000 x 500 (tracemalloc), relative to
  the bytes of X (goal <= 2).
* ``--options``: what each glmnet option costs: cv_glmnet with the option against the same call
  without it, in R and in Python (Gaussian 10,000 x 200; binomial and Poisson 5,000 x 100), each
  timed alternately with the plain call and the fastest run kept (CPU seconds, which other load on
  the machine disturbs less than wall time). Goal: Python's ratio to its plain call <= R's ratio
  to its plain call. The relaxed fit (``relax=True``, R's default five gammas) is among the rows;
  ``--only relax`` times those alone.
* ``--multinomial``: cv_glmnet with ``family="multinomial"``, ungrouped and grouped, at 1,000 x 20
  (3 classes) and 5,000 x 50 (4 classes), R against Python in CPU seconds, fastest of 2 runs.
  Goal: ratio <= 1.0.
* ``--cold``: what a new process pays. The README's ozone example (``import statlab``, load,
  ``model_matrix``, ``cv_glmnet``), the lasso path of dense 20,000 x 500 and of sparse 50,000 x
  5,000 (0.1% non-zero), each in a new Python process with (a) an empty numba cache (a fresh
  install without ``statlab compile``), (b) the cache ``statlab compile`` fills, and (c) warm, the
  same call made three more times in a process (b); beside them a new ``Rscript`` process with
  ``library(glmnet)`` on the same data. Whole process and the call alone (the package loaded),
  wall seconds: medians of ``--repeats`` (at most 5) processes for (b) and R, of the three calls
  for (c), (a) once; BLAS held to one thread. Goal: the ozone process (b) no slower than R's, and
  every call (b) <= 1.0x R's.

* ``--peers``: the Gaussian lasso path by statlab, R's glmnet and the Python peers that are
  installed (scikit-learn's ``lasso_path``; ``pip install glum skglm python-glmnet`` adds glum,
  skglm and python-glmnet, the Fortran glmnet), on ozone, 20,000 x 200 and 100,000 x 500
  (``--only`` picks). Every solver gets the same standardised, centred problem without
  intercept and the same lambdas: glmnet's default sequence without its first value, at which
  every coefficient is zero only by a floating-point tie that solvers may break either way. So
  each reaches for the same optimum of glmnet's objective 1/(2n) RSS + lambda ||b||_1; the
  table gives each one's time (best of 3 after a warm-up, one BLAS thread; R's includes handing
  the data over through rpy2), its largest gap to the best objective any solver reached,
  relative, over the path, and its largest coefficient difference from R's glmnet. Goal:
  statlab the fastest at an equal or better objective.

Run: ``python benchmarks/bench_glmnet.py [--repeats 20] [--scale [--only ...]] [--parallel]
[--memory] [--options] [--multinomial] [--cold] [--peers [--only ...]]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import statlab as sl
from statlab import _rbridge
from statlab._paths import data_dir
from statlab.glmnet._backend_r import r_matrix

SEED = 20261125


@dataclass(frozen=True)
class Problem:
    name: str
    x: Any
    y: np.ndarray
    family: str = "gaussian"

    @property
    def shape(self) -> str:
        n, p = self.x.shape
        return f"{n:,} x {p:,}"


def correlated(n: int, p: int, family: str = "gaussian") -> Problem:
    """Columns sharing one common factor (correlation 0.33), 20 true effects, noise sd 2."""
    rng = np.random.default_rng([SEED, n, p])
    x = np.asfortranarray(rng.standard_normal((n, p)))
    x += 0.7 * rng.standard_normal((n, 1))
    beta = np.zeros(p)
    beta[:: p // 20] = rng.uniform(0.3, 1.0, 20)
    eta = x @ beta + 2.0 * rng.standard_normal(n)
    y = (eta > np.median(eta)).astype(np.float64) if family == "binomial" else eta
    return Problem(f"{family} {n:,} x {p}", x, y, family)


def sparse_problem(n: int = 100_000, p: int = 10_000, density: float = 0.001) -> Problem:
    rng = np.random.default_rng([SEED, n, p, 1])
    x = sp.random(n, p, density=density, format="csc", random_state=rng)
    x.data = np.ceil(5 * x.data)  # counts 1..5
    beta = np.zeros(p)
    beta[:50] = rng.uniform(0.5, 1.5, 50)
    return Problem("sparse 0.1%", x, x @ beta + rng.standard_normal(n))


def ozone_problem() -> Problem:
    ozone = sl.data.load("ozone")
    x = np.asfortranarray(sl.model_matrix("O3 ~ .^2", ozone).to_numpy())
    return Problem("ozone O3 ~ .^2", x, np.log(ozone["O3"].to_numpy()))


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def time_python(call: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeats`` calls."""
    elapsed, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        call()
        elapsed.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return statistics.median(elapsed), statistics.median(cpu)


def time_r(
    problem: Problem, foldid: np.ndarray | None, alpha: float, repeats: int
) -> tuple[float, float]:
    """Median wall and CPU seconds inside R."""
    out = _rbridge.call(
        "time_glmnet_fit",
        r_matrix(problem.x),
        problem.y,
        foldid=foldid,
        cv=foldid is not None,
        alpha=alpha,
        family=problem.family,
        repeats=repeats,
    )
    return float(out[0]), float(out[1])


def warm_up(problem: Problem) -> None:
    """Compile (or load from numba's cache) the kernels this problem uses, and load R's glmnet."""
    rows = min(problem.x.shape[0], 500)
    x, y = problem.x[:rows], problem.y[:rows]
    if sp.issparse(x):
        keep = np.flatnonzero(np.diff(sp.csc_matrix(x).indptr) > 0)
        x = x[:, keep]
    sl.cv_glmnet(x, y, family=problem.family, seed=1, backend="python")
    if _rbridge.status().usable:
        sl.glmnet(x, y, family=problem.family, backend="r")


def scale_table(only: set[str] | None) -> None:
    makers: dict[str, Callable[[], Problem]] = {
        "ozone": ozone_problem,
        "10000x200": lambda: correlated(10_000, 200),
        "10000x500": lambda: correlated(10_000, 500),
        "30000x500": lambda: correlated(30_000, 500),
        "100000x500": lambda: correlated(100_000, 500),
        "sparse": sparse_problem,
        "binomial30000x500": lambda: correlated(30_000, 500, "binomial"),
    }
    has_r = _rbridge.status().usable
    print(f"load (1, 5, 15 min) at start: {load()}; cores: {os.cpu_count()}")
    print(
        "wall seconds (and CPU seconds of the process, less sensitive to a loaded machine); "
        "Python's BLAS held to one thread"
    )
    header = f"{'data':<22}{'n x p':>16}  {'model':<6}{'call':<10}"
    print(
        header
        + f"{'R wall':>9}{'Py wall':>9}{'ratio':>6}{'R cpu':>9}{'Py cpu':>9}{'ratio':>6}  load"
    )
    for key, make in makers.items():
        if only and key not in only:
            continue
        with threadpool_limits(1):  # BLAS threads left spinning would bill the first timed call
            problem = make()
            warm_up(problem)
        n = problem.x.shape[0]
        repeats = 3 if n <= 10_000 else 1
        foldid = np.random.default_rng(SEED).permutation(np.resize(np.arange(1, 11), n))
        models = (
            [("lasso", 1.0)] if problem.family == "binomial" else [("lasso", 1.0), ("ridge", 0.0)]
        )
        for model, alpha in models:
            for call_name, folds in (("glmnet", None), ("cv_glmnet", foldid)):
                fit = sl.glmnet if folds is None else partial(sl.cv_glmnet, foldid=folds)
                call = partial(
                    fit, problem.x, problem.y, alpha=alpha, family=problem.family, backend="python"
                )
                with threadpool_limits(1):
                    python_wall, python_cpu = time_python(call, repeats)
                if has_r:
                    r_wall, r_cpu = time_r(problem, folds, alpha, repeats)
                    r_text = (
                        f"{r_wall:9.3g}{python_wall:9.3g}{python_wall / r_wall:6.2f}"
                        f"{r_cpu:9.3g}{python_cpu:9.3g}{python_cpu / r_cpu:6.2f}"
                    )
                else:
                    r_text = (
                        f"{'no R':>8}{python_wall:8.2f}{'-':>6}{'no R':>8}{python_cpu:8.2f}{'-':>6}"
                    )
                print(
                    f"{problem.name:<22}{problem.shape:>16}  {model:<6}{call_name:<10}{r_text}"
                    f"  {load()}",
                    flush=True,
                )
    print(f"load at end: {load()}")


def parallel_speedup() -> None:
    problem = correlated(100_000, 500)
    warm_up(problem)
    foldid = np.random.default_rng(SEED).permutation(np.resize(np.arange(1, 11), 100_000))
    seconds = {}
    for jobs in (1, 2):
        start, cpu_start = time.perf_counter(), time.process_time()
        sl.cv_glmnet(problem.x, problem.y, foldid=foldid, n_jobs=jobs, backend="python")
        seconds[jobs] = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        print(
            f"cv_glmnet lasso 100,000 x 500, n_jobs={jobs}: {seconds[jobs]:.1f} s wall, "
            f"{cpu:.1f} s CPU ({cpu / seconds[jobs]:.2f} cores busy on average; load {load()})",
            flush=True,
        )
    print(f"speed-up n_jobs=2 over n_jobs=1: {seconds[1] / seconds[2]:.2f}x (goal >= 1.6x)")


def peak_memory() -> None:
    """Peak allocation during cv_glmnet, for column-major X (no copy) and row-major X (one
    column-major copy is made), sequential and with two threads."""
    problem = correlated(100_000, 500)
    warm_up(problem)
    for order, jobs in (("F", 1), ("F", 2), ("C", 2)):
        x = np.asarray(problem.x, order=order)
        tracemalloc.start()
        sl.cv_glmnet(x, problem.y, seed=1, n_jobs=jobs, backend="python")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"cv_glmnet 100,000 x 500, {order}-order X, n_jobs={jobs}: peak allocation "
            f"{peak / 2**20:.0f} MiB = {peak / problem.x.nbytes:.2f} x the bytes of X (goal <= 2)",
            flush=True,
        )
        del x


def ozone_table(repeats: int) -> None:
    ozone = sl.data.load("ozone")
    X = sl.model_matrix("O3 ~ .^2", ozone)
    y = np.log(ozone["O3"])
    foldid = sl.cv_glmnet(X, y, seed=479, backend="python").foldid
    print(f"ozone O3 ~ .^2 ({X.shape[0]} x {X.shape[1]}), 10 folds, median of {repeats} runs")
    print(f"{'model':<8}{'R (s)':>10}{'Python (s)':>12}{'ratio':>8}{'goal':>8}")
    for name, alpha in (("lasso", 1.0), ("ridge", 0.0)):
        sl.cv_glmnet(X, y, alpha=alpha, foldid=foldid, backend="python")  # compile / load the cache
        python_seconds = time_python(
            lambda: sl.cv_glmnet(X, y, alpha=alpha, foldid=foldid, backend="python"),  # noqa: B023
            repeats,
        )
        if _rbridge.status().usable:
            r_seconds = float(
                _rbridge.call(
                    "time_cv_glmnet", X.to_numpy(), y.to_numpy(), foldid, alpha=alpha,
                    repeats=repeats,
                )[0]
            )  # fmt: skip
            ratio = f"{python_seconds / r_seconds:8.2f}"
            r_text = f"{r_seconds:10.4f}"
        else:
            r_text, ratio = f"{'no R':>10}", f"{'-':>8}"
        print(f"{name:<8}{r_text}{python_seconds:12.4f}{ratio}{'<= 1.0':>8}")


def count_problem(n: int, p: int) -> tuple[Problem, np.ndarray]:
    """Poisson counts with log exposures as offset, on correlated columns."""
    base = correlated(n, p)
    rng = np.random.default_rng([SEED, n, p, 2])
    exposure = np.log(rng.uniform(0.5, 2.0, n))
    eta = 0.3 * (base.y - base.y.mean()) / base.y.std() + exposure
    return Problem(f"poisson {n:,} x {p}", base.x, rng.poisson(np.exp(eta)).astype(float),
                   "poisson"), exposure  # fmt: skip


# a Gaussian Python call here takes 20-50 ms, against R's 0.2-0.5 s: five calls per repeat give
# its fastest time as many chances to run undisturbed as R's far longer calls have (calls of a
# second or more, binomial, Poisson and relaxed, get one)
PYTHON_CALLS_PER_REPEAT = 5
SHORT_CALL_SECONDS = 0.2


def options_table(repeats: int, only: set[str] | None = None) -> None:
    gaussian = correlated(10_000, 200)
    binomial = correlated(5_000, 100, "binomial")
    poisson, exposure = count_problem(5_000, 100)
    rng = np.random.default_rng(SEED)
    gaussian_offset = rng.normal(0.0, 0.5, 10_000)
    factors = np.where(np.arange(200) % 10 == 0, 0.0, rng.uniform(0.5, 2.0, 200))
    rows = [
        (gaussian, "penalty_factor (1 in 10 zero)", {"penalty_factor": factors}),
        (gaussian, "exclude (1 in 10)", {"exclude": list(range(0, 200, 10))}),
        (gaussian, "lower/upper limits +-0.05", {"lower_limits": -0.05, "upper_limits": 0.05}),
        (gaussian, "intercept=False", {"intercept": False}),
        (gaussian, "offset", {"offset": gaussian_offset}),
        (gaussian, "dfmax=20", {"dfmax": 20}),
        (gaussian, "type_measure='mae'", {"type_measure": "mae"}),
        (gaussian, "keep=True", {"keep": True}),
        (binomial, "type_measure='auc'", {"type_measure": "auc"}),
        (binomial, "type_measure='class'", {"type_measure": "class"}),
        (poisson, "offset", {"offset": exposure}),
        (gaussian, "relax=True (5 gammas)", {"relax": True}),
        (binomial, "relax=True (5 gammas)", {"relax": True}),
        (poisson, "relax=True (5 gammas)", {"relax": True}),
    ]
    if only:
        rows = [row for row in rows if any(word in row[1] for word in only)]
    usable = _rbridge.status().usable
    print(
        f"cv_glmnet (10 folds) with an option / without it: CPU seconds, timed alternately, "
        f"fastest of {repeats} runs each in R and in Python ({repeats * PYTHON_CALLS_PER_REPEAT} "
        f"for Python calls under {SHORT_CALL_SECONDS} s), the least disturbed by other load; "
        "Python's BLAS held to one thread"
    )
    print(
        f"{'problem':<22}{'option':<32}{'R s':>7}{'R ratio':>9}{'Python s':>10}"
        f"{'Python ratio':>14}{'load':>16}"
    )
    for problem, label, options in rows:
        foldid = np.resize(np.arange(1, 11), problem.x.shape[0])

        def python_call(extra: dict[str, Any], problem: Problem = problem, foldid=foldid) -> Any:
            return sl.cv_glmnet(problem.x, problem.y, family=problem.family, foldid=foldid,
                                backend="python", **extra)  # fmt: skip

        python_call(options)  # compile / load the cache
        start = time.process_time()
        python_call({})
        calls = PYTHON_CALLS_PER_REPEAT if time.process_time() - start < SHORT_CALL_SECONDS else 1
        python_times: dict[str, list[float]] = {"plain": [], "option": []}
        r_times: dict[str, list[float]] = {"plain": [], "option": []}
        for _ in range(repeats):
            for kind, extra in (("plain", {}), ("option", options)):
                with threadpool_limits(1):
                    for _ in range(calls):
                        python_times[kind].append(time_python(lambda e=extra: python_call(e), 1)[1])
                if usable:
                    r_times[kind].append(time_r_options(problem, foldid, extra, 1))
        python_ratio = min(python_times["option"]) / min(python_times["plain"])
        r_ratio = min(r_times["option"]) / min(r_times["plain"]) if usable else np.nan
        r_seconds = min(r_times["option"]) if usable else np.nan
        print(
            f"{problem.name:<22}{label:<32}{r_seconds:7.2f}{r_ratio:9.2f}"
            f"{min(python_times['option']):10.2f}{python_ratio:14.2f}{load():>16}"
        )


def time_r_options(
    problem: Problem, foldid: np.ndarray, options: dict[str, Any], repeats: int
) -> float:
    r_options = dict(options)
    if "exclude" in r_options:
        r_options["exclude"] = np.asarray(r_options["exclude"]) + 1  # R counts from 1
    return float(
        _rbridge.call(
            "time_cv_glmnet_options", problem.x, problem.y, foldid, family=problem.family,
            repeats=repeats, **r_options,
        )[0]
    )  # fmt: skip


def classes_problem(n: int, p: int, n_classes: int) -> Problem:
    """Labels 0 .. K-1 drawn from a multinomial logit in five of p columns sharing one factor."""
    rng = np.random.default_rng([SEED, n, p, n_classes])
    x = np.asfortranarray(rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1)))
    eta = x[:, :5] @ rng.standard_normal((5, n_classes))
    prob = np.exp(eta - eta.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    labels = (prob.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1)
    return Problem(f"{n_classes} classes {n:,} x {p}", x, labels.astype(np.float64),
                   "multinomial")  # fmt: skip


def multinomial_table(repeats: int = 2) -> None:
    usable = _rbridge.status().usable
    print(f"cv_glmnet multinomial (10 folds): CPU seconds, fastest of {repeats} runs; Python's BLAS "
          "held to one thread")  # fmt: skip
    print(f"{'problem':<24}{'type':<11}{'R s':>8}{'Python s':>10}{'ratio':>7}{'goal':>7}"
          f"{'load':>16}")  # fmt: skip
    for problem in (classes_problem(1_000, 20, 3), classes_problem(5_000, 50, 4)):
        foldid = np.resize(np.arange(1, 11), problem.x.shape[0])
        for grouping in ("ungrouped", "grouped"):
            options = {"type_multinomial": grouping}

            def call(problem: Problem = problem, foldid=foldid, options=options) -> Any:
                return sl.cv_glmnet(problem.x, problem.y, family="multinomial", foldid=foldid,
                                    backend="python", **options)  # fmt: skip

            if problem.x.shape[0] == 1_000:
                call()  # compile / load the cache
            with threadpool_limits(1):
                python_seconds = min(time_python(call, 1)[1] for _ in range(repeats))
            if usable:
                r_seconds = min(time_r_options(problem, foldid, options, 1) for _ in range(repeats))
                r_text, ratio = f"{r_seconds:8.2f}", f"{python_seconds / r_seconds:7.2f}"
            else:
                r_text, ratio = f"{'no R':>8}", f"{'-':>7}"
            print(f"{problem.name:<24}{grouping:<11}{r_text}{python_seconds:10.2f}{ratio}"
                  f"{'<= 1.0':>7}{load():>16}", flush=True)  # fmt: skip


# --cold: each call in a new process. The Python child times the call (statlab.glmnet imported
# first, as R's library(glmnet) is outside R's call) and, asked for, the call again (warm); the
# data of the scale rows are read from raw float64 / int32 files both languages read directly
# (dense column-major, sparse as CSC's three arrays).
PYTHON_CHILD = """
import json, sys, time
start = time.perf_counter()
import numpy as np, statlab as sl
kind, folder, shape = sys.argv[1], sys.argv[2], tuple(json.loads(sys.argv[3]))
if kind == "ozone":
    ozone = sl.data.load("ozone")
    X = sl.model_matrix("O3 ~ .^2", ozone)
    y = np.log(ozone["O3"])
    fit = sl.cv_glmnet
    call = lambda: fit(X, y, alpha=1, seed=479, backend="python")
else:
    y = np.fromfile(f"{folder}/y.bin")
    if kind == "dense":
        X = np.fromfile(f"{folder}/x.bin").reshape(shape, order="F")
    else:
        import scipy.sparse as sp
        parts = [np.fromfile(f"{folder}/{name}.bin", dtype=dtype)
                 for name, dtype in (("x", np.float64), ("i", np.int32), ("p", np.int32))]
        X = sp.csc_matrix(tuple(parts), shape=shape)
    fit = sl.glmnet
    call = lambda: fit(X, y, backend="python")
begin = time.perf_counter()
call()
first = time.perf_counter() - begin
warm = []
for _ in range(int(sys.argv[4])):
    begin = time.perf_counter()
    call()
    warm.append(time.perf_counter() - begin)
print(json.dumps({"call": first, "warm": warm, "in_process": time.perf_counter() - start}))
"""

R_CHILD = """
args <- commandArgs(trailingOnly = TRUE)
kind <- args[1]; folder <- args[2]; n <- as.integer(args[3]); p <- as.integer(args[4])
suppressPackageStartupMessages(library(glmnet))
if (kind == "ozone") {
  load(file.path(folder, "ozone.rda"))
  x <- model.matrix(O3 ~ .^2, ozone)[, -1]
  y <- log(ozone$O3)
  set.seed(479)
  seconds <- system.time(cv.glmnet(x, y, alpha = 1))[["elapsed"]]
} else {
  y <- readBin(file.path(folder, "y.bin"), "double", n)
  if (kind == "dense") {
    x <- matrix(readBin(file.path(folder, "x.bin"), "double", n * p), n, p)
  } else {
    nnz <- file.size(file.path(folder, "x.bin")) / 8
    x <- Matrix::sparseMatrix(
      i = readBin(file.path(folder, "i.bin"), "integer", nnz),
      p = readBin(file.path(folder, "p.bin"), "integer", p + 1),
      x = readBin(file.path(folder, "x.bin"), "double", nnz), dims = c(n, p), index1 = FALSE)
  }
  seconds <- system.time(glmnet(x, y))[["elapsed"]]
}
cat(seconds, "\\n")
"""

# The floor under the ozone row: a process that only imports what the README's example needs
# (numpy, pandas, rdata for the .rda file, formulaic for the formula, numba) and calls one kernel
# from numba's cache, against an Rscript that only runs library(glmnet).
FLOOR_KERNEL = """
import numba


@numba.njit(cache=True)
def add_one(x):
    return x + 1.0
"""
FLOOR_CHILD = """
import numpy, pandas, rdata, formulaic, floor_kernel
floor_kernel.add_one(1.0)
"""

ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def write_cold_data(kind: str, folder: str) -> tuple[int, int]:
    """The data of one --cold row, as files both children read; returns (n, p)."""
    if kind == "ozone":
        return 330, 45
    problem = correlated(20_000, 500) if kind == "dense" else sparse_problem(50_000, 5_000)
    np.asarray(problem.y, dtype=np.float64).tofile(f"{folder}/y.bin")
    if kind == "dense":
        np.asfortranarray(problem.x).tofile(f"{folder}/x.bin")
    else:
        csc = sp.csc_matrix(problem.x)
        csc.data.astype(np.float64).tofile(f"{folder}/x.bin")
        csc.indices.astype(np.int32).tofile(f"{folder}/i.bin")
        csc.indptr.astype(np.int32).tofile(f"{folder}/p.bin")
    return problem.x.shape


def python_process(
    kind: str, folder: str, shape: tuple[int, int], cache: str, warm_calls: int = 0
) -> dict[str, Any]:
    """One new Python process running the row's call with numba's cache in ``cache``: its whole
    wall time (``process``), the call's (``call``) and ``warm_calls`` more calls' (``warm``)."""
    env = {**os.environ, **ONE_BLAS_THREAD, "NUMBA_CACHE_DIR": cache}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PYTHON_CHILD, kind, folder, json.dumps(shape), str(warm_calls)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - start
    return result


def r_process(kind: str, folder: str, shape: tuple[int, int]) -> dict[str, float]:
    """One new ``Rscript`` process with ``library(glmnet)`` running the row's call."""
    start = time.perf_counter()
    out = subprocess.run(
        ["Rscript", "-e", R_CHILD, kind, folder, *map(str, shape)],
        capture_output=True, text=True, env={**os.environ, **ONE_BLAS_THREAD}, check=True,
    )  # fmt: skip
    return {"call": float(out.stdout.split()[-1]), "process": time.perf_counter() - start}


def floor_row(repeats: int, has_r: bool) -> str:
    """The ozone row's floor: medians of ``repeats`` new processes that import and load only."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "floor_kernel.py").write_text(FLOOR_KERNEL)
        env = {**os.environ, **ONE_BLAS_THREAD, "NUMBA_CACHE_DIR": folder, "PYTHONPATH": folder}
        command = [sys.executable, "-c", FLOOR_CHILD]
        subprocess.run(command, env=env, check=True)  # fills the cache
        python = statistics.median(_wall(command, env) for _ in range(repeats))
    text = f"{'floor: imports + 1 cached kernel':<30}{'':>20}{python:20.2f}{'':>10}"
    if not has_r:
        return text + f"{'no R':>18}"
    r_command = ["Rscript", "-e", "suppressPackageStartupMessages(library(glmnet))"]
    r = statistics.median(
        _wall(r_command, {**os.environ, **ONE_BLAS_THREAD}) for _ in range(repeats)
    )
    return text + f"{r:18.2f}{python / r:7.2f}"


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def cold_table(repeats: int) -> None:
    has_r = shutil.which("Rscript") is not None
    print(f"load (1, 5, 15 min) at start: {load()}; cores: {os.cpu_count()}")
    print(
        "wall seconds of a new process (the call alone in brackets): Python with (a) an empty "
        "numba cache, (b) the cache `statlab compile` fills, (c) warm (the call again in process)"
        f"; R in a new Rscript. (b), R: medians of {repeats} processes; (c) of 3 calls"
    )
    with tempfile.TemporaryDirectory() as filled:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "statlab.cli", "compile"], check=True, capture_output=True,
            env={**os.environ, "NUMBA_CACHE_DIR": filled},
        )  # fmt: skip
        print(f"statlab compile into an empty cache: {time.perf_counter() - start:.1f} s")
        print(
            f"{'call':<30}{'(a) empty cache':>20}{'(b) filled cache':>20}{'(c) warm':>10}"
            f"{'R':>18}{'(b)/R':>7}{'call (b)/R':>11}  load"
        )
        for kind, label in (
            ("ozone", "ozone cv_glmnet 330 x 45"),
            ("dense", "lasso path 20,000 x 500"),
            ("sparse", "lasso path sparse 50,000 x 5,000"),
        ):
            with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as empty:
                shape = write_cold_data(kind, folder)
                if kind == "ozone":
                    shutil.copy(data_dir() / "ozone.rda", folder)
                cold = python_process(kind, folder, shape, empty)
                runs = [python_process(kind, folder, shape, filled) for _ in range(repeats)]
                cached = {k: statistics.median(r[k] for r in runs) for k in ("process", "call")}
                warm = statistics.median(python_process(kind, folder, shape, filled, 3)["warm"])
                text = (
                    f"{label:<30}{_pair(cold['process'], cold['call']):>20}"
                    f"{_pair(cached['process'], cached['call']):>20}{warm:10.3f}"
                )
                if has_r:
                    r_runs = [r_process(kind, folder, shape) for _ in range(repeats)]
                    r = {
                        k: statistics.median(run[k] for run in r_runs) for k in ("process", "call")
                    }
                    text += (
                        f"{_pair(r['process'], r['call']):>18}{cached['process'] / r['process']:7.2f}"
                        f"{cached['call'] / r['call']:11.2f}"
                    )
                else:
                    text += f"{'no R':>18}{'-':>7}{'-':>11}"
                print(f"{text}  {load()}", flush=True)
    print(f"{floor_row(repeats, has_r)}  {load()}")
    print(f"load at end: {load()}")


def _pair(process: float, call: float) -> str:
    return f"{process:.2f} ({call:.3f})"


def standardised(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """x with mean-0, population-sd-1 columns and y centred: the problem glmnet solves inside."""
    x = np.asarray(problem.x.toarray() if sp.issparse(problem.x) else problem.x, dtype=np.float64)
    x = np.asfortranarray((x - x.mean(axis=0)) / x.std(axis=0))
    return x, problem.y - problem.y.mean()


def lasso_objective(
    x: np.ndarray, y: np.ndarray, coefs: np.ndarray, lambdas: np.ndarray
) -> np.ndarray:
    """glmnet's Gaussian objective 1/(2n) RSS + lambda ||b||_1 at each lambda (coefs p x L)."""
    residuals = y[:, None] - x @ coefs
    return 0.5 * np.mean(residuals**2, axis=0) + lambdas * np.abs(coefs).sum(axis=0)


def peer_solvers(lambdas: np.ndarray) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Each installed solver as ``fit(x, y) -> coefficients (p x L)`` on ``lambdas``, no intercept."""
    from sklearn.linear_model import lasso_path

    solvers: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
        "statlab": lambda x, y: (
            sl.glmnet(
                x, y, lambdas=lambdas, standardize=False, intercept=False, backend="python"
            ).beta
        ),
        "scikit-learn lasso_path": lambda x, y: lasso_path(x, y, alphas=lambdas)[1],
    }
    if _rbridge.status().usable:
        solvers["R glmnet"] = lambda x, y: (
            sl.glmnet(x, y, lambdas=lambdas, standardize=False, intercept=False, backend="r").beta
        )
    try:
        from glum import GeneralizedLinearRegressor

        def glum_path(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            model = GeneralizedLinearRegressor(
                family="normal", l1_ratio=1.0, alphas=lambdas, alpha_search=True,
                fit_intercept=False, scale_predictors=False,
            )  # fmt: skip
            return model.fit(x, y).coef_path_.T

        solvers["glum"] = glum_path
    except ImportError:
        print("glum not installed (pip install glum): no row")
    try:
        from skglm import Lasso as SkglmLasso

        def skglm_path(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            model = SkglmLasso(alpha=lambdas[0], fit_intercept=False, warm_start=True)
            coefs = []
            for value in lambdas:
                model.alpha = value
                coefs.append(model.fit(x, y).coef_.copy())
            return np.column_stack(coefs)

        solvers["skglm"] = skglm_path
    except ImportError:
        print("skglm not installed (pip install skglm): no row")
    try:
        from glmnet import ElasticNet as FortranGlmnet

        def fortran_glmnet_path(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            model = FortranGlmnet(
                alpha=1.0, lambda_path=lambdas, standardize=False, fit_intercept=False, n_splits=0
            )
            return model.fit(x, y).coef_path_

        solvers["python-glmnet"] = fortran_glmnet_path
    except ImportError:
        print("python-glmnet not installed (pip install python-glmnet): no row")
    return solvers


def peers_table(only: set[str] | None) -> None:
    makers: dict[str, Callable[[], Problem]] = {
        "ozone": ozone_problem,
        "20000x200": lambda: correlated(20_000, 200),
        "100000x500": lambda: correlated(100_000, 500),
    }
    for key, make in makers.items():
        if only and key not in only:
            continue
        problem = make()
        x, y = standardised(problem)
        # glmnet's default sequence without its first value, max |x'y| / n (see the docstring)
        fit = sl.glmnet(x, y, standardize=False, intercept=False, backend="python")
        lambdas = fit.lambdas[1:]
        print(f"\nGaussian lasso path, {problem.name}: {len(lambdas)} lambdas (load {load()})")
        results: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning at small lambdas
            for name, solve in peer_solvers(lambdas).items():
                coefs = np.asarray(solve(x, y))  # warm-up: compiles, loads R's glmnet
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    solve(x, y)
                    times.append(time.perf_counter() - start)
                results[name] = (min(times), lasso_objective(x, y, coefs, lambdas), coefs)
        best = np.min([objective for _, objective, _ in results.values()], axis=0)
        r_coefs = results["R glmnet"][2] if "R glmnet" in results else None
        from_r_header = "" if r_coefs is None else f"{'max |b - R b|':>15}"
        print(f"{'solver':<26}{'seconds':>9}{'max objective gap':>20}{from_r_header}")
        for name, (seconds, objective, coefs) in sorted(results.items(), key=lambda r: r[1][0]):
            gap = float(np.max((objective - best) / best))
            from_r = "" if r_coefs is None else f"{np.max(np.abs(coefs - r_coefs)):15.1e}"
            print(f"{name:<26}{seconds:>9.4f}{gap:>20.1e}{from_r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--scale", action="store_true", help="the table from ozone to 100,000 rows")
    parser.add_argument(
        "--only",
        help="comma-separated rows of --scale (e.g. ozone,10000x200), or words of --options rows "
        "(e.g. relax,offset)",
    )
    parser.add_argument("--parallel", action="store_true", help="n_jobs=2 against n_jobs=1")
    parser.add_argument("--memory", action="store_true", help="peak memory of cv_glmnet")
    parser.add_argument("--options", action="store_true", help="each option's cost, R and Python")
    parser.add_argument("--multinomial", action="store_true", help="multinomial cv, R and Python")
    parser.add_argument(
        "--cold", action="store_true", help="new processes: empty / filled numba cache, and R"
    )
    parser.add_argument(
        "--peers", action="store_true", help="the lasso path by statlab, R and Python peers"
    )
    args = parser.parse_args(argv)
    if args.scale:
        scale_table(set(args.only.split(",")) if args.only else None)
    if args.parallel:
        parallel_speedup()
    if args.memory:
        peak_memory()
    if args.options:
        options_table(min(args.repeats, 7), set(args.only.split(",")) if args.only else None)
    if args.multinomial:
        multinomial_table()
    if args.cold:
        cold_table(min(args.repeats, 5))
    if args.peers:
        peers_table(set(args.only.split(",")) if args.only else None)
    if not (
        args.scale
        or args.parallel
        or args.memory
        or args.options
        or args.multinomial
        or args.cold
        or args.peers
    ):
        ozone_table(args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
