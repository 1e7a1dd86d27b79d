"""KernelSHAP's variance against n_samples, the course sheet's snippet against the exact values.

For a 10-feature model with a kink and an interaction, repeats KernelSHAP ``--n-draws`` times at
each n_samples of ``--grid`` (paired and unpaired sampling), and runs the sheet's snippet and
statlab's KernelSHAP on an 8-feature model at growing n_samples. Writes to ``--out``:

* ``variance_replicates.csv`` (every estimate and its standard error), ``variance_summary.csv``
  (per n_samples and feature: mean, sd over replicates, mean reported se, bias, RMSE against the
  exact values), ``variance.png``, ``recommendation.txt``;
* ``sheet_vs_exact.csv``: the largest |estimate − exact| of the sheet's snippet, the snippet with
  Shapley-kernel weights, and ``kernel_shap``, and where the two snippets converge (every mask
  once); ``kernel_shap`` is exact from 2^8 − 2 = 254 coalitions on.

Run: ``python analyses/shap_kernel_variance.py --out out/shap-kernel-variance`` or
``statlab run shap-kernel-variance``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from statlab.cli import analysis_parser
from statlab.shap import exact_shap, kernel_shap, kernel_shap_sheet, kernel_shap_variance


def kinked_model(X: np.ndarray) -> np.ndarray:
    """max(0, wᵀx) (1 + x1 x2): a kink and an interaction, 10 features."""
    return np.maximum(X @ np.linspace(1.0, 0.2, X.shape[1]), 0) * (1 + X[:, 0] * X[:, 1])


def interacting_model(X: np.ndarray) -> np.ndarray:
    """Two- and three-way interactions and a kink, 8 features."""
    return (
        np.sin(X[:, 0])
        + X[:, 1] * X[:, 2]
        + X[:, 3] * X[:, 4] * X[:, 0]
        + np.maximum(X[:, 5:].sum(axis=1), 0) * X[:, 6]
    )


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "shap-kernel-variance", backend=False)
    parser.add_argument("--grid", type=int, nargs="+", default=[40, 80, 160, 320, 640])
    parser.add_argument("--n-draws", "--n-reps", dest="n_draws", type=int, default=100)
    parser.set_defaults(seed=12)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    background, x = rng.normal(size=(50, 10)), 1.3 * rng.normal(size=10)
    studies = {
        paired: kernel_shap_variance(
            kinked_model,
            x,
            background,
            n_samples_grid=args.grid,
            n_draws=args.n_draws,
            seed=args.seed,
            paired=paired,
            progress=True,
        )
        for paired in (True, False)
    }
    study = studies[True]
    replicates = pd.concat(
        [s.to_frame().assign(paired=p) for p, s in studies.items()], ignore_index=True
    )
    summary = pd.concat(
        [s.summary().assign(paired=p) for p, s in studies.items()], ignore_index=True
    )
    replicates.to_csv(args.out / "variance_replicates.csv", index=False)
    summary.to_csv(args.out / "variance_summary.csv", index=False)
    study.plot().save(args.out / "variance.png", width=8, height=5, dpi=120, verbose=False)
    advice = study.recommendation()
    (args.out / "recommendation.txt").write_text(advice["text"] + "\n", encoding="utf-8")

    background8 = rng.normal(size=(50, 8))
    x8 = np.array([2.0, 1.5, -1.5, 2.0, 1.8, 1.0, 1.5, 1.0])
    exact = exact_shap(interacting_model, x8, background8, backend="python").values

    def error(result) -> float:
        return float(np.abs(result.values - exact).max())

    rows = []
    for n in [64, 256, 1024, 4096, 16384]:
        rows.append(
            {
                "n_samples": n,
                "sheet as written": error(
                    kernel_shap_sheet(
                        interacting_model, x8, background8, n_samples=n, seed=args.seed
                    )
                ),
                "sheet, Shapley weights": error(
                    kernel_shap_sheet(
                        interacting_model,
                        x8,
                        background8,
                        n_samples=n,
                        seed=args.seed,
                        weights="shapley",
                    )
                ),
                "kernel_shap": error(
                    kernel_shap(
                        interacting_model, x8, background8, n_samples=min(n, 254), seed=args.seed
                    )
                ),
            }
        )
    rows.append(
        {
            "n_samples": "limit (every mask once)",
            "sheet as written": error(
                kernel_shap_sheet(interacting_model, x8, background8, n_samples=None, seed=0)
            ),
            "sheet, Shapley weights": error(
                kernel_shap_sheet(
                    interacting_model, x8, background8, n_samples=None, seed=0, weights="shapley"
                )
            ),
            "kernel_shap": 0.0,
        }
    )
    sheet = pd.DataFrame(rows).set_index("n_samples")
    sheet.to_csv(args.out / "sheet_vs_exact.csv")

    worst = summary.groupby(["paired", "n_samples"])["sd_phi"].max().unstack("paired")
    print("largest sd of a KernelSHAP estimate over replicates (columns: paired sampling)")
    print(worst.round(4).to_string())
    print(f"\n{advice['text']}\n")
    print("largest |estimate - exact| on the 8-feature model")
    print(sheet.round(4).to_string())
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
