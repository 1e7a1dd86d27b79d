"""Exact Shapley values by enumerating every coalition, and LinearSHAP in closed form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from statlab import _rbridge
from statlab import _validation as check
from statlab.shap import _backend_python, _backend_r, _checks, _coalitions
from statlab.shap.result import ShapResult


def exact_shap(
    f: Callable[[np.ndarray], Any],
    x: Any,
    background: Any,
    *,
    value: str = "marginal",
    feature_names: Sequence[str] | None = None,
    backend: str = "auto",
) -> ShapResult:
    """Shapley values of ``f`` at each row of ``x`` from all 2^p coalitions (p ≤ 15).

    ``f`` takes an (n, p) float array and returns n numbers (for a classifier, one probability
    column), or is a fitted scikit-learn estimator (a regressor's ``predict``, a two-class
    classifier's probability of ``classes_[1]``). The value of a coalition S is

    * ``"marginal"``: v(S) = mean over background rows b of f(x_S, b_S̄) (interventional SHAP);
    * ``"baseline"``: the same with a single background row, the baseline x⁰: v(S) = f(x_S, x⁰_S̄);
    * ``"conditional_gaussian"``: v(S) = E[f(x_S, X_S̄) | X_S = x_S] under the Gaussian fitted to
      the background by maximum likelihood (its mean and covariance), computed from the background
      rows moved onto the conditional's mean and covariance: exact for f linear or quadratic,
      deterministic always, an approximation for other f.

    ``backend="r"`` runs the same enumeration in base R (``r/shap.R``), R calling ``f`` back.

    >>> import numpy as np
    >>> background = np.array([[0.0, 0.0], [2.0, 2.0]])
    >>> res = exact_shap(lambda X: X[:, 0] * X[:, 1], [3.0, 1.0], background, backend="python")
    >>> res.values.round(6).tolist(), res.base_value, res.efficiency_gap.round(12).tolist()
    ([[1.5, -0.5]], 2.0, [0.0])
    """
    f = _checks.model_function(f)
    value = _checks.value_function(value)
    backend = check.backend(backend)
    x_rows = _checks.rows(x, "x")
    n_features = x_rows.shape[1]
    background = _checks.aligned_to(x, background, "background")
    background_rows = _checks.rows(background, "background", n_features)
    _checks.exact_size(n_features)
    if value == "baseline" and background_rows.shape[0] != 1:
        raise check.InvalidArgumentError(
            f'background must be a single row (the baseline) for value="baseline", got '
            f'{background_rows.shape[0]} rows; use value="marginal" to average over rows'
        )
    names = _checks.feature_names(x, background, feature_names, n_features)
    prediction = _checks.evaluate(f, x_rows)
    masks = _coalitions.all_masks(n_features)
    transforms = (
        _coalitions.conditional_transforms(masks, background_rows)
        if value == "conditional_gaussian"
        else None
    )
    ran = _rbridge.resolve_backend(backend, _backend_r.PACKAGES)
    engine = _backend_r if ran == "r" else _backend_python
    values, base_value = engine.exact_values(f, x_rows, background_rows, value, masks, transforms)
    return ShapResult(
        values=values,
        base_value=base_value,
        prediction=prediction,
        data=x_rows,
        feature_names=names,
        method="exact",
        value=value,
        backend=ran,
    )


def linear_shap(
    beta: Any,
    x: Any,
    *,
    background: Any = None,
    baseline: Any = None,
    intercept: float = 0.0,
    feature_names: Sequence[str] | None = None,
    backend: str = "auto",
) -> ShapResult:
    """LinearSHAP of f(x) = intercept + βᵀx: φ_j = β_j (x_j − r_j), in closed form.

    The reference r is ``baseline`` (one row: v(S) = f(x_S, x⁰_S̄)), else the mean of
    ``background`` (the marginal value function), else the mean of the rows of ``x``. Moving the
    baseline from x′ to x″ shifts φ_j by exactly −β_j (x″_j − x′_j).

    >>> res = linear_shap([1.0, -2.0], [[3.0, 1.0]], baseline=[1.0, 2.0], backend="python")
    >>> res.values.tolist(), res.base_value, res.prediction.tolist()
    ([[2.0, 2.0]], -3.0, [1.0])
    """
    backend = check.backend(backend)
    coefficients = _checks.rows(_checks.aligned_to(x, beta, "beta"), "beta")
    if coefficients.shape[0] != 1:
        raise check.InvalidArgumentError(
            f"beta must be one coefficient per feature, got shape {np.shape(beta)}"
        )
    coefficients = coefficients[0]
    n_features = coefficients.size
    x_rows = _checks.rows(x, "x", n_features)
    if baseline is not None and background is not None:
        raise check.InvalidArgumentError("give baseline or background, not both")
    if baseline is not None:
        baseline = _checks.aligned_to(x, baseline, "baseline")
        reference_rows, value = _checks.rows(baseline, "baseline", n_features), "baseline"
        if reference_rows.shape[0] != 1:
            raise check.InvalidArgumentError(
                f"baseline must be a single row, got {reference_rows.shape[0]} rows"
            )
    elif background is not None:
        background = _checks.aligned_to(x, background, "background")
        reference_rows, value = _checks.rows(background, "background", n_features), "marginal"
    else:
        reference_rows, value = x_rows, "marginal"
    if not np.isfinite(intercept):
        raise check.InvalidArgumentError(f"intercept must be a finite number, got {intercept!r}")
    names = _checks.feature_names(
        x, background if baseline is None else baseline, feature_names, n_features
    )
    ran = _rbridge.resolve_backend(backend, _backend_r.PACKAGES)
    engine = _backend_r if ran == "r" else _backend_python
    values, reference = engine.linear_values(coefficients, x_rows, reference_rows)
    return ShapResult(
        values=values,
        base_value=float(intercept + reference @ coefficients),
        prediction=intercept + x_rows @ coefficients,
        data=x_rows,
        feature_names=names,
        method="linear",
        value=value,
        backend=ran,
    )


def conditional_linear_shap(
    beta: Any,
    x: Any,
    *,
    mean: Any,
    cov: Any,
    feature_names: Sequence[str] | None = None,
) -> ShapResult:
    """Conditional SHAP of a linear f(x) = βᵀx when X ~ N(mean, cov), in closed form.

    v(S) = β_Sᵀ x_S + β_S̄ᵀ (μ_S̄ + Σ_S̄S Σ_SS⁻¹ (x_S − μ_S)), enumerated over all coalitions. A
    feature with a small β_j gets a large φ_j when it is correlated with a feature of large
    coefficient: knowing x_j moves the conditional expectation of the other. For two standardised
    features with correlation ρ, φ_1 = β_1 x_1 + ρ (β_2 x_1 − β_1 x_2) / 2.

    >>> res = conditional_linear_shap([1.0, 0.0], [1.0, 1.0], mean=[0, 0], cov=[[1, 0.5], [0.5, 1]])
    >>> res.values.round(6).tolist()
    [[0.75, 0.25]]
    """
    coefficients = _checks.rows(_checks.aligned_to(x, beta, "beta"), "beta")[0]
    n_features = coefficients.size
    _checks.exact_size(n_features, "beta")
    x_rows = _checks.rows(x, "x", n_features)
    mu = _checks.rows(_checks.aligned_to(x, mean, "mean"), "mean", n_features)[0]
    sigma = np.asarray(cov, dtype=np.float64)
    if sigma.shape != (n_features, n_features):
        raise check.InvalidArgumentError(
            f"cov must be {n_features} x {n_features}, got shape {sigma.shape}"
        )
    if not np.allclose(sigma, sigma.T) or np.linalg.eigvalsh(sigma).min() <= 0:
        raise check.InvalidArgumentError("cov must be a symmetric positive definite matrix")
    masks = _coalitions.all_masks(n_features)
    values = np.empty((x_rows.shape[0], masks.shape[0]))
    for k, mask in enumerate(masks):
        inside, outside = np.flatnonzero(mask), np.flatnonzero(~mask)
        expected = np.tile(mu, (x_rows.shape[0], 1))
        expected[:, inside] = x_rows[:, inside]
        if inside.size and outside.size:
            regression = np.linalg.solve(
                sigma[np.ix_(inside, inside)], sigma[np.ix_(inside, outside)]
            )
            expected[:, outside] += (x_rows[:, inside] - mu[inside]) @ regression
        values[:, k] = expected @ coefficients
    names = _checks.feature_names(x, None, feature_names, n_features)
    return ShapResult(
        values=_coalitions.shapley_from_values(values),
        base_value=float(mu @ coefficients),
        prediction=x_rows @ coefficients,
        data=x_rows,
        feature_names=names,
        method="exact",
        value="conditional_gaussian",
        backend="python",
    )
