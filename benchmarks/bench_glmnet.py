"""Python glmnet backend against R glmnet on ozone (``O3 ~ .^2``): cv_glmnet wall time.

R is timed inside R (``system.time`` around ``cv.glmnet``), Python with ``time.perf_counter`` around
``statlab.cv_glmnet(..., backend="python")``, both on the same folds, median of ``--repeats`` warm
runs. Goal: ratio Python / R <= 1.0 for lasso and ridge.

Run: ``python benchmarks/bench_glmnet.py [--repeats 20]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import statlab as sl
from statlab import _rbridge


def time_python(X, y, foldid, alpha: float, repeats: int) -> float:
    sl.cv_glmnet(X, y, alpha=alpha, foldid=foldid, backend="python")  # compile / load the cache
    elapsed = []
    for _ in range(repeats):
        start = time.perf_counter()
        sl.cv_glmnet(X, y, alpha=alpha, foldid=foldid, backend="python")
        elapsed.append(time.perf_counter() - start)
    return statistics.median(elapsed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    ozone = sl.data.load("ozone")
    X = sl.model_matrix("O3 ~ .^2", ozone)
    y = np.log(ozone["O3"])
    foldid = sl.cv_glmnet(X, y, seed=479, backend="python").foldid
    print(f"ozone O3 ~ .^2 ({X.shape[0]} x {X.shape[1]}), 10 folds, median of {args.repeats} runs")
    print(f"{'model':<8}{'R (s)':>10}{'Python (s)':>12}{'ratio':>8}{'goal':>8}")
    for name, alpha in (("lasso", 1.0), ("ridge", 0.0)):
        python_seconds = time_python(X, y, foldid, alpha, args.repeats)
        if _rbridge.status().usable:
            r_seconds = float(
                _rbridge.call(
                    "time_cv_glmnet",
                    X.to_numpy(),
                    y.to_numpy(),
                    foldid,
                    alpha=alpha,
                    repeats=args.repeats,
                )[0]
            )
            ratio = f"{python_seconds / r_seconds:8.2f}"
            r_text = f"{r_seconds:10.4f}"
        else:
            r_text, ratio = f"{'no R':>10}", f"{'-':>8}"
        print(f"{name:<8}{r_text}{python_seconds:12.4f}{ratio}{'<= 1.0':>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
