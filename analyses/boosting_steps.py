"""Boosting, step by step, on the sheet's sine data (exercise 15).

Fits depth-2 regression trees to the residuals for ``--steps`` steps (learning rate 1) and writes to
``--out``: ``boosting_steps.png`` (the first three steps: ensemble and data, residuals and the new
tree, as the sheet's Figure 8), ``boosting_100.png`` (the ensemble after 1, 3, 10 and 100 steps),
``training_mse.csv`` (per step) and ``steps.csv`` (the long table of fits).

Run: ``python analyses/boosting_steps.py --out out/boosting-steps`` or ``statlab run boosting-steps``.
"""

from __future__ import annotations

import plotnine as p9

import statlab as sl
from statlab.cli import analysis_parser
from statlab.plots.theme import theme_statlab


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "boosting-steps")
    parser.add_argument("--steps", type=int, default=100, help="boosting steps")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    save = {"dpi": 120, "verbose": False}

    sine = sl.data.load("sine_boosting")
    steps = sl.trees.boosting_steps(sine["X"], sine["y"], n_steps=args.steps, backend=args.backend)
    steps.plot().save(args.out / "boosting_steps.png", width=8, height=7, **save)
    shown = [b for b in (1, 3, 10, 100) if b <= steps.n_steps]
    curves = steps.curves(steps=shown)
    figure = (
        p9.ggplot(sine, p9.aes("X", "y"))
        + p9.geom_point(size=0.9, alpha=0.6)
        + p9.geom_step(p9.aes("x", "ensemble"), data=curves, color="#d6604d")
        + p9.facet_wrap("step", labeller=lambda b: f"after {b} steps")
        + theme_statlab()
    )
    figure.save(args.out / "boosting_100.png", width=8, height=6, **save)
    steps.summary().to_csv(args.out / "training_mse.csv", index=False)
    steps.to_frame().to_csv(args.out / "steps.csv", index=False)
    print(steps)
    print(steps.summary().head(5).to_string(index=False))
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
