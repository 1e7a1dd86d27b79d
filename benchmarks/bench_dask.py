"""cv_glmnet on a Dask array larger than the workers' memory: a dense Gaussian problem generated
block by block with ``dask.array.random`` (default 20,000,000 x 100, 16 GB of float64) and
10-fold ``cv_glmnet`` on a ``LocalCluster`` of 2 worker processes with 2 GB each.

Prints the wall time, the number of passes over the data, the peak RSS of the driver and of each
worker (``resource.getrusage``), and the time of one pass that only generates the data
(``X.sum()``, and the response too), with the ratio of the fit to it (goal: within 1.5x of one
pass per statistics sweep). A bar counts the passes; the machine's load (``os.getloadavg``) is
printed before and after.

Run: ``python benchmarks/bench_dask.py [--rows 20000000] [--columns 100] [--block-rows 100000]
[--workers 2] [--memory-limit 2GB] [--folds 10]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from typing import Any

import numpy as np


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_statlab() -> None:
    import statlab.glmnet._dask  # noqa: F401


def _problem(rows: int, columns: int, block_rows: int, seed: int = 1) -> tuple[Any, Any]:
    """X (rows x columns, standard normal, means 5) and y = X b + noise, generated per block
    whenever a pass reads them (nothing is stored)."""
    import dask.array as da

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, columns), chunks=(block_rows, columns)) + 5.0
    beta = np.zeros(columns)
    beta[: min(10, columns)] = np.linspace(1.0, 0.1, min(10, columns))
    y = X @ beta + rng.standard_normal(rows, chunks=block_rows)
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--block-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--folds", type=int, default=10)
    args = parser.parse_args()

    from distributed import Client, LocalCluster
    from tqdm import tqdm

    import statlab as sl
    from statlab.glmnet._dask import counting_passes

    print(f"load average before: {os.getloadavg()}")
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            memory_limit=args.memory_limit,
            processes=True,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_import_statlab)  # the workers' imports are not part of a pass
        X, y = _problem(args.rows, args.columns, args.block_rows)
        X[: args.block_rows].sum().compute()  # warm the workers up
        started = time.perf_counter()
        X.sum().compute()
        generate_x = time.perf_counter() - started
        started = time.perf_counter()
        (X.sum() + y.sum()).compute()
        generate_xy = time.perf_counter() - started

        bar = tqdm(desc="passes over the data", unit="pass")
        with counting_passes(lambda description: bar.update(1)) as passes:
            started = time.perf_counter()
            fit = sl.cv_glmnet(X, y, nfolds=args.folds, seed=1)
            wall = time.perf_counter() - started
        bar.close()
        worker_rss = client.run(_peak_rss_mb)

    print(f"load average after: {os.getloadavg()}")
    n_blocks = len(X.chunks[0])
    gigabytes = args.rows * args.columns * 8 / 1e9
    print(
        f"\nrows {args.rows:,}  columns {args.columns}  ({gigabytes:.1f} GB)  blocks {n_blocks}  "
        f"workers {args.workers} x {args.memory_limit}  folds {args.folds}"
    )
    print(f"one pass generating X:      {generate_x:8.1f} s")
    print(f"one pass generating X and y: {generate_xy:7.1f} s")
    print(f"cv_glmnet:                  {wall:8.1f} s  passes {len(passes)}")
    print(f"ratio to one pass (X, y) per sweep: {wall / (generate_xy * len(passes)):.2f}")
    print(f"peak RSS driver: {_peak_rss_mb():.0f} MB")
    for address, rss in sorted(worker_rss.items()):
        print(f"peak RSS worker {address}: {rss:.0f} MB")
    print(
        f"lambda_min {fit.lambda_min:.4g}, non-zero at lambda_1se {int(fit.nzero[fit.index_1se])}"
    )


if __name__ == "__main__":
    main()
