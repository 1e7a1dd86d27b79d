"""Efron's experiment: important but not indispensable (exercise 13).

On data where several predictors carry each signal (``sl.trees.simulate_redundant``): tune mtry by
K-fold CV, fit a random forest, remove the 10 features of largest OOB permutation importance, retune
and refit; report the test RMSEs and their relative change. Then Efron's own data, ``singh2002``:
test errors on a held-out half after removing the top 1, 5, ..., 160 genes.

Writes ``summary.csv``, ``importance.csv``, ``importance.png``, ``singh2002.csv`` and
``singh2002.png`` to ``--out``; progress bars on stderr.
Run: ``python analyses/efron_experiment.py --out out/efron`` or ``statlab run efron-experiment``.
"""

from __future__ import annotations

import statlab as sl
from statlab.cli import analysis_parser


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "efron-experiment")
    parser.add_argument("--n-trees", type=int, default=500)
    parser.add_argument("--n-jobs", type=int, default=2, help="workers (-1: all cores)")
    parser.add_argument("--skip-singh", action="store_true", help="only the simulation")
    parser.set_defaults(seed=1)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    common = {
        "n_trees": args.n_trees,
        "seed": args.seed,
        "backend": args.backend,
        "n_jobs": args.n_jobs,
    }

    print("[1/2] simulation: tuning mtry, fitting, removing the top 10, refitting ...", flush=True)
    data = sl.trees.simulate_redundant(seed=args.seed)
    result = sl.trees.efron_experiment(data.drop(columns="y"), data["y"], **common, progress=True)
    summary = result.summary()
    summary.to_csv(args.out / "summary.csv")
    table = result.to_frame().assign(signal=lambda f: f["feature"].map(data.attrs["signal"]))
    table.to_csv(args.out / "importance.csv", index=False)
    result.plot().save(args.out / "importance.png", width=7, height=6, dpi=120, verbose=False)
    print(result)
    print(summary.to_string())
    if not args.skip_singh:
        print("[2/2] singh2002: ranking genes, refitting without the top k ...", flush=True)
        singh = sl.trees.efron_singh2002(**common, progress=True)
        singh.to_frame().to_csv(args.out / "singh2002.csv", index=False)
        singh.plot().save(args.out / "singh2002.png", width=6, height=4, dpi=120, verbose=False)
        print(singh)
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
