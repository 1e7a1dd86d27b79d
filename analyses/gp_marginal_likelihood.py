"""The GP log marginal likelihood of the exercise's seven points: its surface, its two local
maxima, and the posterior fits at the exercise's settings A and B.

Writes to ``--out``:

* ``surface.png`` and ``surface.csv``: log marginal likelihood over log-spaced length scale and
  noise sd (amplitude 1), with the local maxima marked A and B;
* ``maxima.csv``: the local maxima found by multi-start optimisation (best first);
* ``fits.png`` and ``fits.csv``: posterior mean and ±2 sd of f at A (12.4, 0.62) and B (1.2, 0.23);
* ``backend_parity.csv``: the surface from R's ``compute_ll`` against statlab's Python (when R is
  usable).

Run: ``python analyses/gp_marginal_likelihood.py --out out/gp-marginal-likelihood`` or
``statlab run gp-marginal-likelihood``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import statlab as sl
from statlab import gp
from statlab.cli import analysis_parser
from statlab.plots.gp import plot_marginal_fits


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "gp-marginal-likelihood")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    x, y = gp.EXERCISE_X, gp.EXERCISE_Y
    grids = {
        "length_scales": np.geomspace(0.5, 20.0, 120),
        "noise_sds": np.geomspace(0.1, 1.0, 100),
    }
    surface = gp.marginal_likelihood_surface(x, y, **grids, backend=args.backend)
    surface.to_frame().to_csv(args.out / "surface.csv", index=False)
    maxima = gp.label_maxima(gp.find_local_maxima(x, y))
    maxima.to_csv(args.out / "maxima.csv", index=False)
    surface.plot(maxima).save(args.out / "surface.png", dpi=120, verbose=False)

    fits = gp.posterior_fits(x, y, np.linspace(-7.5, 7.5, 201))
    fits.to_csv(args.out / "fits.csv", index=False)
    data = pd.DataFrame({"x": x, "y": y})
    plot_marginal_fits(fits, data).save(args.out / "fits.png", dpi=120, verbose=False)

    print(f"surface computed with backend={surface.backend!r}")
    print(f"local maxima of the log marginal likelihood:\n{maxima.round(4).to_string(index=False)}")
    try:
        r_surface = gp.marginal_likelihood_surface(x, y, **grids, backend="r")
    except sl.RUnavailableError as why:
        print(f"R parity not computed: {why}")
    else:
        python_surface = gp.marginal_likelihood_surface(x, y, **grids, backend="python")
        difference = np.abs(r_surface.log_likelihood - python_surface.log_likelihood)
        parity = pd.DataFrame(
            {"points": [difference.size], "max_abs_difference": [difference.max()]}
        )
        parity.to_csv(args.out / "backend_parity.csv", index=False)
        print(f"R compute_ll vs Python: max |difference| = {difference.max():.2e}")
    print(f"\nwritten to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
