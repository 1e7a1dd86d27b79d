"""Lasso paths and cross-validation for the lasso on faraway's ozone data.

Fits ``cv.glmnet`` on log(O3) against the weather variables and all their pairwise interactions
(``O3 ~ .^2``, 45 columns), then writes to ``--out``:

* ``cv_curve.png`` and ``coef_path.png``: the two panels of the course figure;
* ``summary.csv``: lambda.min and lambda.1se with their nonzero counts and CV errors;
* ``coefficients_1se.csv``: the nonzero coefficients at lambda.1se;
* ``non_monotone.csv``: coefficients whose magnitude rises and then falls along the path;
* ``cv_designs.csv``: the leaky ("fit on all data") versus the correct K-fold CV design.

Run: ``python analyses/ozone_lasso.py --out out/ozone-lasso`` or ``statlab run ozone-lasso``.
"""

from __future__ import annotations

import numpy as np

import statlab as sl
from statlab import cv
from statlab.cli import analysis_parser


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "ozone-lasso")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    ozone = sl.data.load("ozone")
    X = sl.model_matrix("O3 ~ .^2", ozone)
    y = np.log(ozone["O3"])
    fit = sl.cv_glmnet(X, y, alpha=1, seed=args.seed, trace_it=True, backend=args.backend)

    fit.plot().save(args.out / "cv_curve.png", width=6, height=4.5, dpi=120, verbose=False)
    fit.plot_path().save(args.out / "coef_path.png", width=6, height=4.5, dpi=120, verbose=False)

    summary = fit.summary().assign(backend=fit.backend)
    summary.to_csv(args.out / "summary.csv", index_label="rule")
    coefficients = fit.coef("lambda.1se")
    coefficients[coefficients != 0].to_csv(args.out / "coefficients_1se.csv", header=["coef"])
    non_monotone = fit.path.non_monotone_terms()
    non_monotone.to_csv(args.out / "non_monotone.csv", index=False)
    designs = cv.compare_designs(
        X, y, nfolds=10, lambdas=fit.lambdas, seed=args.seed, backend=args.backend
    )
    designs.to_csv(args.out / "cv_designs.csv", index_label="design")

    print(fit)
    print(f"\nnonzero coefficients at lambda.1se:\n{coefficients[coefficients != 0].to_string()}")
    if not non_monotone.empty:
        top = non_monotone.iloc[0]
        print(
            f"\nnon-monotone path: {top['term']} peaks at |coef| = {top['peak_abs_coef']:.4g} "
            f"near -log(lambda) = {top['neg_log_lambda_at_peak']:.2f}, ends at {top['final_coef']:.3g}"
        )
    print(f"\nleaky vs correct CV design:\n{designs.to_string()}")
    print(f"\nwritten to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
