"""KernelSHAP: Shapley values estimated from sampled coalitions, with standard errors.

The estimator is Lundberg & Lee's (2017) constrained weighted least squares in the form of Covert &
Lee (2021): with coalitions z drawn from the Shapley kernel's distribution over sizes 1..p−1
(P(|z| = s) ∝ (p − 1) / (s (p − s)), members uniform given the size), and v(z) the marginal value,

    Â = mean zzᵀ,   b̂ = mean z (v(z) − v(∅)),   φ = argmin φᵀÂφ − 2φᵀb̂  subject to  Σφ = v(1) − v(∅).

Paired sampling draws z with its complement 1 − z; a pair is then one sampling unit. φ is a smooth
function of the unit means (Â, b̂), so its covariance follows from the delta method: unit k's
influence is C (g_k − G_k φ), C the Â-block of the inverse of the KKT matrix [[Â, 1], [1ᵀ, 0]]
(Â⁻¹ − Â⁻¹11ᵀÂ⁻¹ / 1ᵀÂ⁻¹1 when Â is invertible), and the standard errors are the
sample sd of the influences over √K (the sandwich estimator of the weighted regression). Once
``n_samples`` reaches 2^p − 2 every coalition is used with its exact probability, and φ equals the
exact Shapley values. The coalition values are computed in large vectorised batches
(:mod:`statlab.shap._coalitions`); written here rather than wrapping ``shap.KernelExplainer``, which
gives no standard errors and evaluates coalitions one at a time.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from math import comb
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab._replicates import map_replicates
from statlab.shap import _checks, _coalitions
from statlab.shap.result import KernelVarianceResult, ShapResult


def kernel_shap(
    f: Callable[[np.ndarray], Any],
    x: Any,
    background: Any,
    *,
    n_samples: int,
    seed: int | None = None,
    paired: bool = True,
    feature_names: Sequence[str] | None = None,
) -> ShapResult:
    """KernelSHAP estimates of the marginal Shapley values of ``f`` at each row of ``x``.

    ``n_samples`` coalitions are evaluated per row (each against every background row); with
    ``paired`` they come in complementary pairs (an odd ``n_samples`` loses one). Each row gets its
    own draws. The result carries ``standard_errors`` (0 when ``n_samples >= 2^p − 2`` and every
    coalition is enumerated: then φ is exact) and the number of coalitions used, ``n_samples``.
    For a single baseline row, pass it as a one-row ``background``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> background = rng.normal(size=(20, 5))
    >>> f = lambda X: X[:, 0] * X[:, 1] + X[:, 2]
    >>> est = kernel_shap(f, np.ones(5), background, n_samples=200, seed=1)
    >>> bool(abs(est.efficiency_gap[0]) < 1e-10), est.standard_errors.shape
    (True, (1, 5))
    """
    f = _checks.model_function(f)
    x_rows = _checks.rows(x, "x")
    n_features = x_rows.shape[1]
    background = _checks.aligned_to(x, background, "background")
    background_rows = _checks.rows(background, "background", n_features)
    n_samples = check.integer(n_samples, "n_samples", low=n_features + 1)
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    if not isinstance(paired, bool):
        raise check.ArgumentTypeError(f"paired must be True or False, got {paired!r}")
    names = _checks.feature_names(x, background, feature_names, n_features)
    prediction = _checks.evaluate(f, x_rows)
    base_value = float(_checks.evaluate(f, background_rows, "f").mean())
    gain = prediction - base_value
    n_rows = x_rows.shape[0]
    if n_features == 1:
        values, errors, used = gain[:, None], np.zeros((n_rows, 1)), 0
    elif n_samples >= 2**n_features - 2:
        masks, probabilities = _all_proper_coalitions(n_features)
        centred = _coalitions.coalition_values(f, x_rows, background_rows, masks) - base_value
        z = masks.astype(np.float64)
        a_matrix = (z * probabilities[:, None]).T @ z
        b_vectors = centred @ (z * probabilities[:, None])
        values = np.stack(
            [_constrained_solve(a_matrix, b, g)[0] for b, g in zip(b_vectors, gain, strict=True)]
        )
        errors, used = np.zeros_like(values), masks.shape[0]
    else:
        n_units = n_samples // 2 if paired else n_samples
        drawn = _sample_coalitions(rng, n_features, n_rows * n_units).reshape(
            n_rows, n_units, n_features
        )
        masks = np.concatenate([drawn, ~drawn], axis=1) if paired else drawn
        centred = _coalitions.coalition_values(f, x_rows, background_rows, masks) - base_value
        values = np.empty((n_rows, n_features))
        errors = np.empty((n_rows, n_features))
        for i in range(n_rows):
            values[i], errors[i] = _sampled_estimate(
                masks[i].astype(np.float64), centred[i], gain[i], n_units
            )
        used = masks.shape[1]
    return ShapResult(
        values=values,
        base_value=base_value,
        prediction=prediction,
        data=x_rows,
        feature_names=names,
        method="kernel",
        value="marginal",
        backend="python",
        standard_errors=errors,
        n_samples=used,
        seed=seed,
    )


def kernel_shap_sheet(
    f: Callable[[np.ndarray], Any],
    x: Any,
    background: Any,
    *,
    n_samples: int | None,
    seed: int | None = None,
    weights: str = "sheet",
    feature_names: Sequence[str] | None = None,
) -> ShapResult:
    """The course sheet's KernelSHAP snippet, as it computes, for comparison with the real thing.

    ``n_samples=None`` gives the value the snippet converges to as n_samples grows: the same
    regression over every mask in {0, 1}^p once (uniform sampling's expectation; p ≤ 15).

    Per row: masks drawn uniformly from {0, 1}^p, each weighted by (p − |z|)|z| (``weights="sheet"``;
    the Shapley kernel is (p − 1) / (C(p, |z|) |z| (p − |z|)), which ``weights="shapley"`` uses
    instead), the last feature eliminated through the efficiency constraint, and an ordinary
    weighted regression without intercept. Its weight is the first bug: for a model with
    interactions the estimate converges, as n_samples grows, to a weighted regression's answer that
    is not the Shapley value. The second, ``mean(axis=-1)`` averaging over model outputs instead of
    background rows, leaves one response per synthetic row, so the snippet's shapes only line up
    for a single background row; read as one regression row per synthetic row (mask and weight
    repeated), weighted least squares averages over the background anyway, so it does not move the
    estimate, but it counts every coalition N times (regression standard errors √N too small).

    >>> import numpy as np
    >>> background = np.random.default_rng(0).normal(size=(10, 3))
    >>> f = lambda X: X[:, 0] * X[:, 1] + X[:, 2]
    >>> est = kernel_shap_sheet(f, [1.0, 2.0, 3.0], background, n_samples=500, seed=2)
    >>> bool(abs(est.efficiency_gap[0]) < 1e-10)
    True
    """
    f = _checks.model_function(f)
    x_rows = _checks.rows(x, "x")
    n_features = x_rows.shape[1]
    background_rows = _checks.rows(background, "background", n_features)
    if n_samples is not None:
        n_samples = check.integer(n_samples, "n_samples", low=n_features + 1)
    else:
        _checks.exact_size(n_features)
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    if weights not in ("sheet", "shapley"):
        raise check.InvalidArgumentError(f"weights must be 'sheet' or 'shapley', got {weights!r}")
    if n_features < 2:
        raise check.InvalidArgumentError("x needs at least 2 features for the sheet's regression")
    names = _checks.feature_names(x, background, feature_names, n_features)
    prediction = _checks.evaluate(f, x_rows)
    base_value = float(_checks.evaluate(f, background_rows, "f").mean())
    n_rows = x_rows.shape[0]
    if n_samples is None:
        every = _coalitions.all_masks(n_features)
        masks = np.broadcast_to(every, (n_rows, *every.shape))
    else:
        masks = rng.integers(0, 2, size=(n_rows, n_samples, n_features)).astype(bool)
    averaged = _coalitions.coalition_values(f, x_rows, background_rows, masks) - base_value
    sizes = masks.sum(axis=2)
    if weights == "sheet":
        kernel = (n_features - sizes) * sizes.astype(np.float64)
    else:
        proper = (sizes > 0) & (sizes < n_features)
        kernel = np.zeros(sizes.shape)
        kernel[proper] = (n_features - 1) / (
            np.array([comb(n_features, s) for s in sizes[proper]])
            * sizes[proper]
            * (n_features - sizes[proper])
        )
    values = np.empty((n_rows, n_features))
    for i in range(n_rows):
        z = masks[i].astype(np.float64)
        gain = prediction[i] - base_value
        design = z[:, :-1] - z[:, -1:]
        response = averaged[i] - z[:, -1] * gain
        root = np.sqrt(kernel[i])
        coefficients = np.linalg.lstsq(design * root[:, None], response * root, rcond=None)[0]
        values[i, :-1] = coefficients
        values[i, -1] = gain - coefficients.sum()
    return ShapResult(
        values=values,
        base_value=base_value,
        prediction=prediction,
        data=x_rows,
        feature_names=names,
        method="kernel_sheet" if weights == "sheet" else "kernel_sheet_shapley_weights",
        value="marginal",
        backend="python",
        n_samples=masks.shape[1],
        seed=seed,
    )


def size_distribution(n_features: int) -> np.ndarray:
    """P(|z| = s), s = 1..p−1, under the Shapley kernel: ∝ (p − 1) / (s (p − s)).

    >>> size_distribution(4).round(4).tolist()
    [0.3636, 0.2727, 0.3636]
    """
    sizes = np.arange(1, n_features)
    mass = (n_features - 1) / (sizes * (n_features - sizes))
    return mass / mass.sum()


def _all_proper_coalitions(n_features: int) -> tuple[np.ndarray, np.ndarray]:
    masks = _coalitions.all_masks(n_features)[1:-1]
    sizes = masks.sum(axis=1)
    by_size = size_distribution(n_features)
    probabilities = by_size[sizes - 1] / np.array([comb(n_features, s) for s in sizes])
    return masks, probabilities


def _sample_coalitions(rng: np.random.Generator, n_features: int, n_draws: int) -> np.ndarray:
    sizes = rng.choice(np.arange(1, n_features), size=n_draws, p=size_distribution(n_features))
    ranks = rng.random((n_draws, n_features)).argsort(axis=1).argsort(axis=1)
    return ranks < sizes[:, None]


def _constrained_solve(
    a_matrix: np.ndarray, b_vector: np.ndarray, gain: float
) -> tuple[np.ndarray, np.ndarray]:
    """φ minimising φᵀAφ − 2φᵀb with Σφ = gain (the KKT system), and the block C of the KKT
    inverse that maps a change in b (or in A, through −dA φ) to the change in φ."""
    n_features = a_matrix.shape[0]
    kkt = np.zeros((n_features + 1, n_features + 1))
    kkt[:n_features, :n_features] = a_matrix
    kkt[:n_features, n_features] = kkt[n_features, :n_features] = 1.0
    if np.linalg.matrix_rank(kkt) <= n_features:
        warnings.warn(
            "n_samples is too small: the sampled coalitions do not separate every pair of features "
            "(singular regression), so the minimum-norm solution shares credit between them and "
            "the standard errors are too small; increase n_samples",
            RuntimeWarning,
            stacklevel=4,
        )
        kkt_inverse = np.linalg.pinv(kkt)
    else:
        kkt_inverse = np.linalg.inv(kkt)
    projection = kkt_inverse[:n_features, :n_features]
    phi = projection @ b_vector + kkt_inverse[:n_features, n_features] * gain
    return phi, projection


def _sampled_estimate(
    z: np.ndarray, centred: np.ndarray, gain: float, n_units: int
) -> tuple[np.ndarray, np.ndarray]:
    """φ and its standard errors from the sampled masks of one row (paired when 2 per unit)."""
    per_unit = z.shape[0] // n_units
    outer = z[:, :, None] * z[:, None, :]
    scored = z * centred[:, None]
    unit_outer = outer.reshape(per_unit, n_units, *outer.shape[1:]).mean(axis=0)
    unit_scored = scored.reshape(per_unit, n_units, -1).mean(axis=0)
    phi, projection = _constrained_solve(unit_outer.mean(axis=0), unit_scored.mean(axis=0), gain)
    influence = (unit_scored - unit_outer @ phi) @ projection.T
    errors = influence.std(axis=0, ddof=1) / np.sqrt(n_units)
    return phi, errors


@check.renamed(n_reps="n_draws")
def kernel_shap_variance(
    f: Callable[[np.ndarray], Any],
    x: Any,
    background: Any,
    *,
    n_samples_grid: Sequence[int],
    n_draws: int,
    seed: int | None = None,
    paired: bool = True,
    feature_names: Sequence[str] | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> KernelVarianceResult:
    """KernelSHAP repeated ``n_draws`` times at each n_samples in ``n_samples_grid`` for one row
    ``x``: the spread of each φ_j against n_samples, next to the exact values (p ≤ 15).

    Replicate r at grid point g uses its own seed, drawn from ``seed``, so the result is the same
    run to run, whatever ``n_jobs`` (joblib workers sharing the replicates). See :class:`KernelVarianceResult` for the table, the fitted rate and the
    recommendation.

    >>> import numpy as np
    >>> background = np.random.default_rng(0).normal(size=(20, 5))
    >>> f = lambda X: X[:, 0] * X[:, 1] + np.sin(X[:, 2] + X[:, 3] * X[:, 4])
    >>> study = kernel_shap_variance(f, np.ones(5), background, n_samples_grid=[16, 24],
    ...                              n_draws=5, seed=1)
    >>> study.summary().shape
    (10, 7)
    """
    x_row = _checks.rows(x, "x")
    if x_row.shape[0] != 1:
        raise check.InvalidArgumentError(
            f"x must be a single row for kernel_shap_variance, got {x_row.shape[0]}"
        )
    n_features = x_row.shape[1]
    background_rows = _checks.rows(background, "background", n_features)
    grid = np.asarray(n_samples_grid)
    if grid.ndim != 1 or grid.size == 0 or grid.dtype.kind not in "iu":
        raise check.ArgumentTypeError("n_samples_grid must be a non-empty list of integers")
    for n in grid:
        check.integer(int(n), "n_samples_grid", low=n_features + 1)
    n_draws = check.integer(n_draws, "n_draws", low=2)
    n_jobs = check.n_jobs(n_jobs)
    seed = resolved_seed(seed)
    seeds = np.random.SeedSequence(seed).generate_state(grid.size * n_draws)
    names = _checks.feature_names(x, background, feature_names, n_features)
    exact = None
    if n_features <= _checks.MAX_EXACT_FEATURES:
        from statlab.shap.exact import exact_shap

        exact = exact_shap(f, x_row, background_rows, backend="python").values[0]

    def estimate(replicate: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, bool]:
        """KernelSHAP at grid point replicate // n_draws with that replicate's seed (``rng`` is
        not used: kernel_shap takes an integer seed), and whether its regression was singular."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            result = kernel_shap(
                f,
                x_row,
                background_rows,
                n_samples=int(grid[replicate // n_draws]),
                seed=int(seeds[replicate]),
                paired=paired,
            )
        singular = any("singular regression" in str(w.message) for w in caught)
        return result.values[0], result.standard_errors[0], singular

    estimates = map_replicates(
        estimate,
        grid.size * n_draws,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
        description="KernelSHAP replicates",
    )
    grid_points = np.repeat(grid.astype(np.int64), n_draws)
    singular: dict[int, int] = {}
    for n, (_, _, was_singular) in zip(grid_points.tolist(), estimates, strict=True):
        if was_singular:
            singular[n] = singular.get(n, 0) + 1
    if singular:
        counts = ", ".join(f"{k} of {n_draws} at n_samples={n}" for n, k in singular.items())
        warnings.warn(
            f"some replicates drew coalitions that do not separate every pair of features "
            f"({counts}); their standard errors are too small",
            RuntimeWarning,
            stacklevel=2,
        )
    phi = np.stack([values for values, _, _ in estimates])
    errors = np.stack([se for _, se, _ in estimates])
    table = pd.DataFrame(
        {
            "n_samples": np.repeat(grid_points, n_features),
            "replicate": np.repeat(np.tile(np.arange(n_draws), grid.size), n_features),
            "feature": pd.Categorical(np.tile(names, len(estimates)), categories=list(names)),
            "phi": phi.ravel(),
            "se": errors.ravel(),
        }
    )
    return KernelVarianceResult(
        replicates=table,
        exact=pd.Series(exact, index=pd.Index(names, name="feature"), name="exact")
        if exact is not None
        else None,
        n_features=n_features,
        paired=paired,
        seed=int(seed),
    )
