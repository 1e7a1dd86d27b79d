"""Benchmark of statlab's SHAP estimators against the ``shap`` package.

* ``kernel_shap`` vs ``shap.KernelExplainer`` at equal n_samples (goal: time ratio <= 1), on a
  model with interactions, p features, 100 background rows, a few explained rows;
* ``exact_shap`` at p = 12 with 100 background rows (goal: seconds, not minutes), marginal and
  Gaussian-conditional, Python and (when R is usable) the base-R enumeration.

Each time is the best of ``--repeat`` runs, interleaved so that a burst of load hits both sides
alike; times are wall-clock, so the load average is printed next to them.

Run: ``python benchmarks/bench_shap.py [--p 10] [--n-samples 256 1000] [--rows 5] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab.shap import exact_shap, kernel_shap


def model(X: np.ndarray) -> np.ndarray:
    """A smooth model with pairwise and three-way interactions."""
    weights = np.linspace(1.0, 0.2, X.shape[1])
    return np.tanh(X @ weights / 3) + X[:, 0] * X[:, 1] - 0.5 * X[:, 2] * X[:, 3] * X[:, 4]


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_of(repeat: int, run: Callable[[], object]) -> float:
    return min(seconds(run) for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", type=int, default=10)
    parser.add_argument("--n-samples", type=int, nargs="+", default=[256, 1000])
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    import shap

    rng = np.random.default_rng(args.seed)
    background = rng.normal(size=(100, args.p))
    x = rng.normal(size=(args.rows, args.p))
    explainer = shap.KernelExplainer(model, background)
    kernel_rows = []
    for n_samples in args.n_samples:
        kernel_shap(model, x[:1], background, n_samples=n_samples, seed=0)  # warm-up
        ours, theirs = [], []
        for _ in range(args.repeat):  # interleaved
            ours.append(
                seconds(lambda n=n_samples: kernel_shap(model, x, background, n_samples=n, seed=1))
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs.append(
                    seconds(lambda n=n_samples: explainer.shap_values(x, nsamples=n, silent=True))
                )
        kernel_rows.append(
            {
                "n_samples": n_samples,
                "statlab kernel_shap (s)": min(ours),
                "shap.KernelExplainer (s)": min(theirs),
                "ratio statlab / shap": min(ours) / min(theirs),
            }
        )
    print(
        f"KernelSHAP, p = {args.p}, 100 background rows, {args.rows} explained rows "
        f"(goal: ratio <= 1)"
    )
    print(pd.DataFrame(kernel_rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))

    wide_background = rng.normal(size=(100, 12))
    wide_x = rng.normal(size=12)
    exact_rows = {}
    for value in ("marginal", "conditional_gaussian"):
        exact_rows[f"python, {value}"] = best_of(
            args.repeat,
            lambda v=value: exact_shap(model, wide_x, wide_background, value=v, backend="python"),
        )
        if _rbridge.status().usable:
            exact_rows[f"R, {value}"] = best_of(
                args.repeat,
                lambda v=value: exact_shap(model, wide_x, wide_background, value=v, backend="r"),
            )
    print("\nexact_shap, p = 12 (4096 coalitions), 100 background rows, one explained row")
    print(pd.Series(exact_rows, name="seconds").to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"\nload average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
