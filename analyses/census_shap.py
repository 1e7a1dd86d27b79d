"""Comparing models with SHAP on the census data: a random forest and a lasso-logistic model.

Draws ``--n-rows`` census rows (4,000 by default, for speed; 32,561 for all), holds out a quarter,
fits a random forest and ``cv_glmnet`` (binomial, lambda.1se) on the rest, scores both on the
held-out rows, computes exact SHAP values (5 features, all 32 coalitions) for ``--n-explain``
held-out people, and refits both models on ``--n-draws`` bootstrap samples of the training rows
(or, with ``--subsample 0.5``, on half-samples drawn without replacement) to see how the
explanations move. Writes to ``--out``:

* ``accuracy.csv``; ``stability_summary.csv`` (per model and feature: importance in the full fit,
  mean, sd, 2.5-97.5% range, mean rank); ``stability_replicates.csv``;
* ``waterfall.png`` (the forest, one person), ``beeswarm_random_forest.png``,
  ``beeswarm_lasso_logistic.png``, ``stability.png``.

Run: ``python analyses/census_shap.py --out out/census-shap`` or ``statlab run census-shap``.
"""

from __future__ import annotations

import numpy as np

from statlab.cli import analysis_parser
from statlab.plots.shap import plot_beeswarm, plot_waterfall
from statlab.shap import compare_models_shap
from statlab.shap.census import census_finding, census_models, census_split


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "census-shap")
    parser.add_argument("--n-rows", type=int, default=4000, help="census rows used (of 32,561)")
    parser.add_argument("--n-draws", type=int, default=30, help="bootstrap refits per model")
    parser.add_argument(
        "--subsample",
        type=float,
        default=None,
        help="refit on this fraction of the training rows, drawn without replacement "
        "(default: bootstrap samples)",
    )
    parser.add_argument("--n-explain", type=int, default=200, help="held-out people explained")
    parser.add_argument("--n-background", type=int, default=50, help="background rows")
    parser.add_argument("--n-jobs", type=int, default=1, help="joblib workers for the refits")
    parser.set_defaults(seed=12)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    X_train, X_test, y_train, y_test = census_split(n_rows=args.n_rows, seed=args.seed)
    finding = census_finding(X_train, y_train)
    print(
        f"{len(X_train)} training and {len(X_test)} test rows. Training data: "
        f"{finding['overall']:.1%} earn > 50K; {finding['capital_gain_share']:.1%} report a "
        f"capital gain, and {finding['any_capital_gain']:.1%} of those earn > 50K."
    )
    comparison = compare_models_shap(
        census_models(seed=args.seed, backend=args.backend),
        X_train,
        y_train,
        X_test,
        y_test,
        n_draws=args.n_draws,
        seed=args.seed,
        subsample=args.subsample,
        n_explain=args.n_explain,
        n_background=args.n_background,
        n_jobs=args.n_jobs,
        progress=True,
    )
    comparison.accuracy.to_csv(args.out / "accuracy.csv")
    comparison.summary().to_csv(args.out / "stability_summary.csv")
    comparison.to_frame().to_csv(args.out / "stability_replicates.csv", index=False)

    save = {"dpi": 120, "verbose": False}
    forest = comparison.shap["random forest"]
    person = int(np.argmax(forest.prediction))
    plot_waterfall(forest, row=person).save(args.out / "waterfall.png", width=8, height=5, **save)
    for name, result in comparison.shap.items():
        plot_beeswarm(result).save(
            args.out / f"beeswarm_{name.replace(' ', '_')}.png", width=8, height=5, **save
        )
    comparison.plot().save(args.out / "stability.png", width=10, height=5, **save)

    print(comparison)
    print(comparison.summary().round(4).to_string())
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
