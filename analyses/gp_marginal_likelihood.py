"""The GP log marginal likelihood of the exercise's seven points: its surface, its two local
maxima, and the posterior fits at the exercise's settings A and B.

Writes to ``--out``:

* ``surface.png`` and ``surface.csv``: log marginal likelihood over log-spaced length scale and
  noise sd (sigma_f = 1), with the local maxima marked A and B;
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

from statlab import _rbridge, gp
from statlab.cli import analysis_parser


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "gp-marginal-likelihood")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    backend = _rbridge.resolve_backend(args.backend)

    x, y = gp.EXERCISE_X, gp.EXERCISE_Y
    length_scales, sigma_ys = np.geomspace(0.5, 20.0, 120), np.geomspace(0.1, 1.0, 100)
    surface = gp.marginal_likelihood_surface(x, y, length_scales, sigma_ys, backend=backend)
    surface.to_csv(args.out / "surface.csv", index=False)
    maxima = gp.label_maxima(gp.find_local_maxima(x, y))
    maxima.to_csv(args.out / "maxima.csv", index=False)
    gp.plot_marginal_surface(surface, maxima).save(args.out / "surface.png", dpi=120, verbose=False)

    fits = gp.posterior_fits(x, y, np.linspace(-7.5, 7.5, 201))
    fits.to_csv(args.out / "fits.csv", index=False)
    data = pd.DataFrame({"x": x, "y": y})
    gp.plot_marginal_fits(fits, data).save(args.out / "fits.png", dpi=120, verbose=False)

    print(f"surface computed with backend={backend!r}")
    print(f"local maxima of the log marginal likelihood:\n{maxima.round(4).to_string(index=False)}")
    if _rbridge.status().usable:
        r_surface = gp.marginal_likelihood_surface(x, y, length_scales, sigma_ys, backend="r")
        python_surface = gp.marginal_likelihood_surface(
            x, y, length_scales, sigma_ys, backend="python"
        )
        difference = np.abs(r_surface["log_likelihood"] - python_surface["log_likelihood"])
        parity = pd.DataFrame(
            {"points": [len(difference)], "max_abs_difference": [difference.max()]}
        )
        parity.to_csv(args.out / "backend_parity.csv", index=False)
        print(f"R compute_ll vs Python: max |difference| = {difference.max():.2e}")
    print(f"\nwritten to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
