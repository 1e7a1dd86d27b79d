"""Linear, RBF and periodic kernels, their sums and products: cross-sections k(x, 1) and GP draws.

Writes to ``--out``:

* ``kernel_sections.png`` and ``kernel_sections.csv``: x ↦ k(x, 1) for the three base kernels,
  Linear + RBF, Linear + Periodic, Linear x RBF and Linear x Periodic;
* ``sample_paths.png`` and ``sample_paths.csv``: three GP draws per kernel on [-5, 5];
* ``kernels.csv``: each kernel's hyperparameters and the smallest eigenvalue of its Gram matrix
  on the grid (>= 0 up to rounding: every kernel, composed ones included, is positive
  semi-definite).

Everything is numpy: ``--backend r`` is refused.

Run: ``python analyses/gp_kernels.py --out out/gp-kernels`` or ``statlab run gp-kernels``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from statlab import gp
from statlab.cli import analysis_parser
from statlab.gp.kernels import RBF, Linear, Periodic
from statlab.plots.gp import plot_kernel_sections, plot_sample_paths


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "gp-kernels")
    parser.add_argument("--paths", type=int, default=3, help="draws per kernel (3-5)")
    args = parser.parse_args(argv)
    if args.backend == "r":
        parser.error("gp-kernels has no R implementation; use --backend python or auto")
    args.out.mkdir(parents=True, exist_ok=True)

    linear = Linear(amplitude=1.0, center=0.0)
    rbf = RBF(amplitude=1.0, length_scale=1.0)
    periodic = Periodic(amplitude=1.0, length_scale=2.0, period=2.4)
    kernels = {
        "Linear": linear,
        "RBF": rbf,
        "Periodic": periodic,
        "Linear + RBF": linear + rbf,
        "Linear + Periodic": linear + periodic,
        "Linear x RBF": linear * rbf,
        "Linear x Periodic": linear * periodic,
    }
    x_grid = np.linspace(-5.0, 5.0, 200)

    sections = gp.kernel_sections(kernels, x_grid, x0=1.0)
    sections.to_csv(args.out / "kernel_sections.csv", index=False)
    plot_kernel_sections(sections, x0=1.0).save(
        args.out / "kernel_sections.png", dpi=120, verbose=False
    )

    paths = pd.concat(
        [
            gp.sample_paths(kernel, x_grid, n_draws=args.paths, seed=args.seed + i).assign(
                kernel=name
            )
            for i, (name, kernel) in enumerate(kernels.items())
        ],
        ignore_index=True,
    )
    paths["kernel"] = pd.Categorical(paths["kernel"], categories=list(kernels))
    paths.to_csv(args.out / "sample_paths.csv", index=False)
    plot_sample_paths(paths).save(args.out / "sample_paths.png", dpi=120, verbose=False)

    summary = pd.DataFrame(
        {
            "kernel": list(kernels),
            "definition": [repr(kernel) for kernel in kernels.values()],
            "min_gram_eigenvalue": [
                float(np.linalg.eigvalsh(kernel(x_grid)).min()) for kernel in kernels.values()
            ],
        }
    )
    summary.to_csv(args.out / "kernels.csv", index=False)
    print(summary.to_string(index=False))
    print(f"\nwritten to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
