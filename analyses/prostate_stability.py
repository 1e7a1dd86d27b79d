"""Prediction stability of the lasso and ridge on faraway's prostate data.

Holds out 20 rows (drawn from ``--seed``), refits ``cv.glmnet`` (lambda.1se) for the lasso
(alpha = 1) and ridge (alpha = 0) on ``--n-draws`` bootstrap samples of the other 77 rows, predicts the
held-out rows, and writes to ``--out``:

* ``prediction_stability.png``: the prediction stability plot, one panel per model;
* ``coefficient_stability.png``: bootstrap coefficients and selection frequency per term;
* ``bias_variance_sketch.png``: the same plot for a low-variance/high-bias and a high-variance/
  low-bias model on simulated data;
* ``summary.csv``: accuracy, stability and sparsity per model; ``selection_frequency.csv``;
* ``comparison.md``: a short written comparison computed from those numbers.

Run: ``python analyses/prostate_stability.py --out out/prostate-stability`` or
``statlab run prostate-stability``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from plotnine import ggplot

import statlab as sl
from statlab.cli import analysis_parser
from statlab.plots.stability import plot_prediction_stability
from statlab.stability import StabilityResult

MODELS = {"lasso": 1.0, "ridge": 0.0}
SKETCH_CAPTION = (
    "Simulated data: n = 120, 40 features, 5 of them active. Left: ridge at a fixed heavy penalty\n"
    "(lambda = 40). Right: lasso at the end of its path (almost least squares)."
)


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "prostate-stability")
    parser.add_argument(
        "--n-draws", "--B", dest="n_draws", type=int, default=100, help="bootstrap replicates"
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="joblib workers (-1: all cores)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    prostate = sl.data.load("prostate")
    X = sl.model_matrix("lpsa ~ .", prostate)
    result = sl.prediction_stability(
        X,
        prostate["lpsa"],
        alphas=MODELS,
        n_test=20,
        n_draws=args.n_draws,
        s="lambda.1se",
        seed=args.seed,
        backend=args.backend,
        n_jobs=args.n_jobs,
        progress=True,
    )
    summary = result.summary()
    frequency = result.selection_frequency()
    summary.to_csv(args.out / "summary.csv")
    frequency.to_csv(args.out / "selection_frequency.csv", index=False)
    (args.out / "comparison.md").write_text(comparison_text(result), encoding="utf-8")

    save = {"dpi": 120, "verbose": False}
    result.plot().save(args.out / "prediction_stability.png", width=9, height=5.5, **save)
    result.plot_coefficients().save(
        args.out / "coefficient_stability.png", width=9, height=6.5, **save
    )
    sketch = bias_variance_sketch(seed=args.seed, n_draws=min(args.n_draws, 50), n_jobs=args.n_jobs)
    sketch.save(args.out / "bias_variance_sketch.png", width=9, height=5.5, **save)

    print(result)
    print(f"\n{comparison_text(result)}")
    print(f"written to {args.out}/")
    return 0


def bias_variance_sketch(seed: int, n_draws: int, n_jobs: int) -> ggplot:
    """Prediction stability plots of a low-variance/high-bias model (ridge at a fixed heavy
    penalty) and a high-variance/low-bias one (nearly unpenalised lasso) on simulated data."""
    rng = np.random.default_rng(seed)
    n_rows, n_features = 120, 40
    X = rng.normal(size=(n_rows, n_features))
    beta = np.zeros(n_features)
    beta[:5] = [3.0, -2.0, 2.0, 1.5, -1.0]
    y = X @ beta + 1.5 * rng.normal(size=n_rows)
    runs = {
        "low variance, high bias: ridge, heavy penalty": (0.0, 40.0),
        "high variance, low bias: (almost) least squares": (1.0, 0.0),
    }
    with warnings.catch_warnings():
        # s = 0 asks for the end of each lasso path (glmnet stops short of lambda = 0): clamped
        warnings.filterwarnings("ignore", message="s = 0.0 lay outside the lambda path")
        points = [
            sl.prediction_stability(
                X,
                y,
                alphas={name: alpha},
                n_test=20,
                n_draws=n_draws,
                s=penalty,
                seed=seed,
                backend="python",
                n_jobs=n_jobs,
            ).test_points()
            for name, (alpha, penalty) in runs.items()
        ]
    return plot_prediction_stability(pd.concat(points, ignore_index=True), caption=SKETCH_CAPTION)


def comparison_text(result: StabilityResult) -> str:
    """A short markdown comparison of the lasso and ridge built from the run's numbers."""
    summary = result.summary()
    lasso, ridge = summary.loc["lasso"], summary.loc["ridge"]
    frequency = result.selection_frequency()
    lasso_terms = frequency[frequency["model"] == "lasso"].set_index("term")["selected"]
    stable = lasso_terms[lasso_terms >= 0.9].index.tolist()
    rare = lasso_terms[lasso_terms < 0.5].index.tolist()
    n_terms = len(lasso_terms)

    def better(column: str) -> str:
        return "the lasso" if lasso[column] < ridge[column] else "ridge"

    def gap(column: str) -> str:
        low, high = sorted([lasso[column], ridge[column]])
        return f"{100 * (high - low) / high:.1f}%"

    return "\n".join(
        [
            "# Prediction stability on prostate: lasso vs ridge",
            "",
            f"{result.n_draws} bootstrap samples of the {result.n_train} training rows, "
            f"{len(result.test_index)} held-out rows (seed {result.seed}), lambda chosen by "
            f"10-fold CV ({result.s}) in every replicate, backend {result.backend}.",
            "",
            "## Accuracy",
            f"RMSE of the mean bootstrap prediction: lasso {lasso['rmse']:.3f}, ridge "
            f"{ridge['rmse']:.3f}; {better('rmse')} is lower by {gap('rmse')}. Averaged over "
            f"replicates the test RMSE is {lasso['mean_replicate_rmse']:.3f} (lasso) and "
            f"{ridge['mean_replicate_rmse']:.3f} (ridge).",
            "",
            "## Stability",
            f"Mean sd of a test point's predictions: lasso {lasso['mean_sd']:.3f}, ridge "
            f"{ridge['mean_sd']:.3f}; mean range (max - min): lasso {lasso['mean_width']:.3f}, "
            f"ridge {ridge['mean_width']:.3f}. {better('mean_sd').capitalize()} predicts more "
            f"stably (sd lower by {gap('mean_sd')}). The observed value lies inside the range of "
            f"predictions for {lasso['coverage']:.0%} (lasso) and {ridge['coverage']:.0%} (ridge) "
            "of the test points: the ranges reflect the models' variance, not the noise of a new "
            "observation, so short ranges often miss.",
            "",
            "## Sparsity",
            f"The lasso keeps {lasso['mean_nonzero']:.2f} of {n_terms} terms on average, ridge "
            f"keeps {ridge['mean_nonzero']:.2f}. Lasso terms selected in at least 90% of the "
            f"replicates: {', '.join(stable) or 'none'}; in fewer than half: "
            f"{', '.join(rare) or 'none'}. The median chosen lambda is "
            f"{lasso['lambda_median']:.3g} (lasso) and {ridge['lambda_median']:.3g} (ridge).",
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
