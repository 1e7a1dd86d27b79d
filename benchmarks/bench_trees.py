"""Benchmark of the tree analyses, Python against R: the Efron forest and the Arcene B = 50 loop.

1. Efron simulation (``simulate_redundant``: 300 rows, 100 predictors): one random forest of
   ``--n-trees`` trees (mtry 33) with randomForest's OOB permutation importance. Python: scikit-learn
   plus statlab's importance, ``n_jobs`` 1 and 2; R: ``randomForest(importance = TRUE)`` timed with
   ``system.time`` inside R. Also the whole experiment (mtry CV over 4 values x 5 folds, full and
   trimmed) on each backend, wall-clock from Python.
2. Arcene: the bootstrap loop of ``importance_stability`` (binomial lasso at a fixed lambda and a
   CART tree at a fixed cp, on ``--n-draws`` bootstrap samples, the same rows for both). Python:
   statlab's glmnet engine and scikit-learn, ``n_jobs`` 1 and 2 (processes); R: ``arcene_bootstrap``
   (glmnet + rpart) timed inside R.
3. MDI+ (imodels, Python only) of the ``--n-draws`` bootstrap trees of ``importance_stability``,
   ``n_jobs`` 1 and 2 (processes); no R counterpart.

Goal: Python <= R. Python times are the best of ``--repeat`` runs after a warm-up; R's are the best
of ``--repeat`` runs too. Times are wall-clock: the load average is printed next to them.

Run: ``python benchmarks/bench_trees.py [--n-trees 500] [--n-draws 50] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

import statlab as sl
from statlab import _rbridge
from statlab.trees import _backend_python
from statlab.trees import importance as importance_module

LAMBDA = 0.008129  # the tuned lambda.min and cp of importance_stability(seed=1) on Arcene
CP = 0.0909


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-trees", type=int, default=500)
    parser.add_argument("--n-draws", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-experiment", action="store_true")
    parser.add_argument("--skip-mdi-plus", action="store_true")
    args = parser.parse_args(argv)
    r_ok = _rbridge.status().usable
    rows: dict[str, float] = {}

    data = sl.trees.simulate_redundant(seed=1)
    X, y = data.drop(columns="y").to_numpy(), data["y"].to_numpy()
    for n_jobs in (1, 2):
        sl.trees.random_forest(X, y, n_trees=20, mtry=33, backend="python", n_jobs=n_jobs)
        rows[f"efron forest: python, n_jobs={n_jobs}"] = best_of(
            args.repeat,
            lambda n_jobs=n_jobs: sl.trees.random_forest(
                X, y, n_trees=args.n_trees, mtry=33, seed=1, backend="python", n_jobs=n_jobs
            ),
        )
    if r_ok:
        _rbridge.call("time_rf", X, y, ntree=20, mtry=33)
        rows["efron forest: R (inside R)"] = min(
            float(np.asarray(_rbridge.call("time_rf", X, y, ntree=args.n_trees, mtry=33))[0])
            for _ in range(args.repeat)
        )
    if not args.skip_experiment:
        settings = {"n_trees": args.n_trees, "mtry_grid": [3, 10, 33, 100], "seed": 1}
        for backend in ("python", "r") if r_ok else ("python",):
            start = time.perf_counter()
            sl.trees.efron_experiment(
                data.drop(columns="y"), data["y"], backend=backend, n_jobs=2, **settings
            )
            rows[f"efron experiment: {backend} (n_jobs=2 for python)"] = time.perf_counter() - start

    train = sl.data.load("arcene")
    Xa = train.drop(columns="y").to_numpy(dtype=float)
    labels = train["y"].to_numpy()
    binary = (labels == 1).astype(float)
    draws = importance_module.bootstrap_rows(len(labels), args.n_draws, seed=1)
    settings = {"cp": CP, "min_split": 20, "min_bucket": 7}
    codes = binary.astype(np.int64)
    for n_jobs in (1, 2):
        refit = {"seed": 1, "n_jobs": n_jobs, "progress": False}
        _backend_python.bootstrap_refits(Xa, codes, draws[:4], LAMBDA, settings, **refit)
        rows[f"arcene loop: python, n_jobs={n_jobs}"] = best_of(
            args.repeat,
            lambda refit=refit: _backend_python.bootstrap_refits(
                Xa, codes, draws, LAMBDA, settings, **refit
            ),
        )
    if r_ok:
        from statlab.trees import _backend_r

        _rbridge.require(_backend_r.LASSO_AND_CART)

        def r_loop(rows_: np.ndarray) -> float:
            out = _rbridge.call(
                "arcene_bootstrap",
                Xa,
                binary.astype(np.int64),
                (rows_ + 1).astype(np.int64),
                LAMBDA,
                CP,
                min_split=20,
                min_bucket=7,
            )
            return float(np.asarray(out["elapsed"])[0])

        r_loop(draws[:4])
        rows["arcene loop: R (inside R)"] = min(r_loop(draws) for _ in range(args.repeat))

    if not args.skip_mdi_plus:
        result = sl.trees.importance_stability(
            train.drop(columns="y"), train["y"], n_draws=args.n_draws, seed=1, backend="python"
        )
        result.mdi_plus_bootstrap(2)  # imports imodels
        for n_jobs in (1, 2):
            rows[f"arcene MDI+ of the bootstrap trees: python, n_jobs={n_jobs}"] = best_of(
                args.repeat, lambda n_jobs=n_jobs: result.mdi_plus_bootstrap(n_jobs=n_jobs)
            )

    table = pd.DataFrame({"seconds": rows}).round(2)
    print(table.to_string())
    print(f"load average (1, 5, 15 min): {os.getloadavg()}; cores: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
