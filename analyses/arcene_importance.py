"""Importance in Arcene: lasso coefficients vs CART MDI under bootstrap (exercise 14).

Tunes a binomial lasso (cv_glmnet) and a CART tree (cp by CV) on Arcene's 200 training features of
largest variance, reports holdout accuracy on the valid split, refits both on ``--n-draws``
bootstrap samples at the tuned lambda and cp, and writes to ``--out``: ``summary.csv``,
``zero_fraction.csv``, ``rho.csv``, ``bootstrap_values.csv``, ``mdi_plus.csv`` (of the tuned tree),
``mdi_plus_bootstrap.csv`` (MDI+ gain of every bootstrap tree), ``importances.png`` (as the sheet's
Figure 7, with an MDI+ panel) and ``correlation.png``. Progress bars on stderr.

Run: ``python analyses/arcene_importance.py --out out/arcene`` or ``statlab run arcene-importance``.
"""

from __future__ import annotations

import statlab as sl
from statlab.cli import analysis_parser


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "arcene-importance")
    parser.add_argument("--n-draws", type=int, default=50, help="bootstrap refits (the sheet's B)")
    parser.add_argument("--n-jobs", type=int, default=1, help="workers (-1: all cores)")
    parser.set_defaults(seed=1)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    train, valid = sl.data.load("arcene"), sl.data.load("arcene", split="valid")
    print(f"tuning lasso and CART, then {args.n_draws} bootstrap refits ...", flush=True)
    result = sl.trees.importance_stability(
        train.drop(columns="y"),
        train["y"],
        X_holdout=valid.drop(columns="y"),
        y_holdout=valid["y"],
        n_draws=args.n_draws,
        seed=args.seed,
        backend=args.backend,
        n_jobs=args.n_jobs,
        progress=True,
    )
    result.summary().to_csv(args.out / "summary.csv")
    result.zero_fraction().to_csv(args.out / "zero_fraction.csv", index=False)
    result.rho().to_csv(args.out / "rho.csv", index=False)
    result.to_frame().to_csv(args.out / "bootstrap_values.csv", index=False)
    result.mdi_plus().to_csv(args.out / "mdi_plus.csv")
    print("MDI+ (imodels) of every bootstrap tree ...", flush=True)
    mdi_plus = result.mdi_plus_bootstrap(n_jobs=args.n_jobs, progress=True)
    mdi_plus.to_csv(args.out / "mdi_plus_bootstrap.csv", index_label="replicate")
    save = {"dpi": 120, "verbose": False}
    result.plot(mdi_plus).save(args.out / "importances.png", width=10, height=6, **save)
    result.plot_correlation().save(args.out / "correlation.png", width=6, height=6, **save)
    print(result)
    print(result.summary().to_string())
    print(result.zero_fraction().to_string(index=False))
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
