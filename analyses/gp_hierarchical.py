"""Prior and posterior predictive draws of the hierarchical GP on the course's 100 observations.

Model: amplitude A ~ LogNormal(-1, 1), length_scale l ~ LogNormal(0, 1), noise_sd s ~
LogNormal(0, 1), f ~ GP(0, A^2 exp(-(x - x')^2 / (2 l^2))), y = f(x) + N(0, s^2). The posterior is
computed exactly on a grid and, with ``--method nuts`` or ``both``, sampled with NUTS (nutpie).
Writes to ``--out``:

* ``prior_posterior.png``: 50 prior and 50 posterior predictive draws of f, with the data;
* ``hyperparameters.csv``: posterior mean, sd, 5/50/95% quantiles of amplitude, length_scale, noise_sd per
  method (NUTS rows add R-hat, bulk ESS and the Monte Carlo error of the mean);
* ``nuts_diagnostics.csv``: divergences, largest R-hat, smallest bulk ESS (NUTS only);
* ``uncertainty_by_density.csv`` and ``uncertainty.png``: posterior sd of f along x next to the
  local density of observations, and ``uncertainty_by_region.csv``: the same averaged over
  stretches of x with dense, medium, sparse and no data.

There is no R implementation (the course used greta): ``--backend r`` is refused.

Run: ``python analyses/gp_hierarchical.py --out out/gp-hierarchical`` or
``statlab run gp-hierarchical``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import statlab as sl
from statlab import gp
from statlab.cli import analysis_parser
from statlab.plots.gp import plot_prior_posterior, plot_uncertainty_by_density

REGIONS = {
    "medium (-1, 1)": (-1.0, 1.0),
    "dense (1, 3)": (1.0, 3.0),
    "gap (3, 7)": (3.0, 7.0),
    "sparse (7, 12)": (7.0, 12.0),
}


def main(argv: list[str] | None = None) -> int:
    parser = analysis_parser(__doc__, "gp-hierarchical")
    parser.add_argument("--method", choices=["grid", "nuts", "both"], default="both")
    parser.add_argument(
        "--n-draws", "--draws", dest="n_draws", type=int, default=1000, help="NUTS draws per chain"
    )
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument(
        "--compile-dir", help=f"PyTensor cache (or ${gp.CACHE_ENVIRONMENT_VARIABLE})"
    )
    args = parser.parse_args(argv)
    if args.backend == "r":
        parser.error("gp-hierarchical has no R implementation; use --backend python or auto")
    args.out.mkdir(parents=True, exist_ok=True)

    observed = sl.data.load("gp_observed")
    x_grid = np.linspace(-2.0, 12.0, 200)
    model = gp.HierarchicalGP()
    prior_draws = model.prior_predictive(x_grid, n_draws=50, seed=args.seed)

    posteriors = {"grid": model.fit(observed["x"], observed["y"], method="grid")}
    if args.method in ("nuts", "both"):
        posteriors["nuts"] = model.fit(
            observed["x"],
            observed["y"],
            method="nuts",
            seed=args.seed,
            n_draws=args.n_draws,
            tune=args.n_draws,
            chains=args.chains,
            progress=True,
            compile_dir=args.compile_dir,
        )
        diagnostics = posteriors["nuts"].diagnostics()
        pd.DataFrame([diagnostics]).to_csv(args.out / "nuts_diagnostics.csv", index=False)
    if args.method == "nuts":
        del posteriors["grid"]
    shown = posteriors["nuts" if "nuts" in posteriors else "grid"]

    posterior_draws = shown.posterior_predictive(x_grid, n_draws=50, seed=args.seed)
    plot_prior_posterior(prior_draws, posterior_draws, observed).save(
        args.out / "prior_posterior.png", dpi=120, verbose=False
    )
    table = pd.concat(
        {method: post.hyperparameters() for method, post in posteriors.items()},
        names=["method", "parameter"],
    )
    table.to_csv(args.out / "hyperparameters.csv")

    uncertainty = gp.uncertainty_by_density(shown, x_grid, bandwidth=0.5)
    uncertainty.to_csv(args.out / "uncertainty_by_density.csv", index=False)
    plot_uncertainty_by_density(uncertainty, observed).save(
        args.out / "uncertainty.png", dpi=120, verbose=False
    )
    by_region = pd.DataFrame(
        {
            name: {
                "observations": int(observed["x"].between(low, high).sum()),
                "mean_posterior_sd": uncertainty.loc[
                    uncertainty["x"].between(low, high), "sd"
                ].mean(),
            }
            for name, (low, high) in REGIONS.items()
        }
    ).T
    by_region.to_csv(args.out / "uncertainty_by_region.csv", index_label="region")
    rank_correlation = uncertainty[["sd", "density"]].corr(method="spearman").iloc[0, 1]

    print(
        f"posterior of the hyperparameters ({', '.join(posteriors)}):\n{table.round(4).to_string()}"
    )
    if "nuts" in posteriors:
        print(f"\nNUTS diagnostics: {diagnostics}")
    print(f"\nposterior sd of f by region ({shown.method} posterior):\n{by_region.round(3)}")
    print(f"Spearman correlation of posterior sd with observation density: {rank_correlation:.2f}")
    print(f"\nwritten to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
