r"""Marginal likelihood of a GP with an RBF kernel, its surface, its local maxima and the posterior.

The model is :math:`y_i = f(x_i) + \varepsilon_i` with :math:`f \sim GP(0, k)`,
:math:`\varepsilon_i \sim N(0, \sigma_y^2)` and

.. math:: k(x, x') = \sigma_f^2 \exp\!\left(-\frac{(x - x')^2}{2 \ell^2}\right),

so that :math:`y \sim N(0, K)` with :math:`K = k(X, X) + \sigma_y^2 I` and

.. math::

    \log p(y \mid \ell, \sigma_y, \sigma_f) =
    -\tfrac12 y^\top K^{-1} y - \tfrac12 \log\lvert K \rvert - \tfrac{n}{2} \log 2\pi.

The Python code is written out (a Cholesky factor, or one eigendecomposition per lengthscale for a
whole surface) because these few lines are the exercise; ``backend="r"`` runs the course's own
``compute_ll`` from ``r/gp.R`` for comparison. The optimiser and linear algebra are scipy's.

Example
-------
>>> from statlab.gp import marginal
>>> x, y = marginal.EXERCISE_X, marginal.EXERCISE_Y
>>> round(marginal.log_marginal_likelihood(x, y, 12.4, 0.62, backend="python"), 4)
-8.7634
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.optimize

from statlab import _rbridge
from statlab.gp._checks import as_vector, as_xy, cholesky_with_jitter, positive, squared_distances

__all__ = [
    "EXERCISE_PARAMS",
    "EXERCISE_X",
    "EXERCISE_Y",
    "find_local_maxima",
    "label_maxima",
    "log_marginal_likelihood",
    "marginal_likelihood_surface",
    "posterior",
    "posterior_fits",
]

#: The exercise's seven observations, whose marginal likelihood has two local maxima.
EXERCISE_X = np.array([-1.3089, 6.7612, 1.0553, -1.1734, -2.9339, 7.2530, -6.5843])
EXERCISE_Y = np.array([1.6218, 1.8558, 0.4102, 1.2526, -0.0133, 1.6380, 0.2189])

#: The exercise's two named hyperparameter settings, (length_scale, sigma_y).
EXERCISE_PARAMS = {"A": (12.4, 0.62), "B": (1.2, 0.23)}

_LOG_2PI = float(np.log(2 * np.pi))


def log_marginal_likelihood(
    x: Any,
    y: Any,
    length_scale: float,
    sigma_y: float,
    sigma_f: float = 1.0,
    backend: str = "auto",
) -> float:
    """Log marginal likelihood of ``y`` under the RBF-kernel GP (formula in the module docstring).

    ``backend="r"`` runs ``compute_ll`` from ``r/gp.R``; ``"python"`` the same maths with scipy's
    Cholesky; ``"auto"`` uses R when it is usable.

    >>> round(log_marginal_likelihood(EXERCISE_X, EXERCISE_Y, 1.2, 0.23, backend="python"), 4)
    -8.2529
    """
    x, y = as_xy(x, y)
    length_scale = positive(length_scale, "length_scale")
    sigma_y = positive(sigma_y, "sigma_y")
    sigma_f = positive(sigma_f, "sigma_f")
    if _rbridge.resolve_backend(backend) == "r":
        result = _rbridge.call("compute_ll", x, y, length_scale, sigma_y, sigma_f)
        return float(np.asarray(result).reshape(-1)[0])
    covariance = _rbf(x, x, length_scale, sigma_f) + sigma_y**2 * np.eye(x.size)
    factor = cholesky_with_jitter(covariance, "marginal covariance K")
    alpha = scipy.linalg.cho_solve((factor, True), y)
    return float(-0.5 * y @ alpha - np.sum(np.log(np.diag(factor))) - 0.5 * x.size * _LOG_2PI)


def marginal_likelihood_surface(
    x: Any,
    y: Any,
    length_scales: Sequence[float] | np.ndarray,
    sigma_ys: Sequence[float] | np.ndarray,
    sigma_f: float = 1.0,
    backend: str = "auto",
) -> pd.DataFrame:
    r"""Log marginal likelihood on every (length scale, noise sd) pair of two grids.

    The Python backend eigendecomposes the unit kernel matrix :math:`C_\ell = U \Lambda U^\top`
    once per length scale; then :math:`K = U(\sigma_f^2\Lambda + \sigma_y^2 I)U^\top` gives every
    :math:`\sigma_y` in :math:`O(n)`. The R backend calls ``compute_ll_surface`` in ``r/gp.R``.

    Returns
    -------
    DataFrame
        Columns ``length_scale``, ``sigma_y``, ``log_likelihood``; one row per pair, length scale
        varying slowest.

    >>> surface = marginal_likelihood_surface(EXERCISE_X, EXERCISE_Y, [1.2, 12.4], [0.23, 0.62],
    ...                                       backend="python")
    >>> surface.round(3).to_numpy().tolist()[0]
    [1.2, 0.23, -8.253]
    """
    x, y = as_xy(x, y)
    scales = _positive_grid(length_scales, "length_scales")
    noises = _positive_grid(sigma_ys, "sigma_ys")
    sigma_f = positive(sigma_f, "sigma_f")
    if _rbridge.resolve_backend(backend) == "r":
        values = np.asarray(_rbridge.call("compute_ll_surface", x, y, scales, noises, sigma_f))
    else:
        values = np.empty((scales.size, noises.size))
        for row, length_scale in enumerate(scales):
            eigenvalues, eigenvectors = scipy.linalg.eigh(_rbf(x, x, length_scale, 1.0))
            projected_sq = (eigenvectors.T @ y) ** 2
            total = sigma_f**2 * np.clip(eigenvalues, 0.0, None) + noises[:, None] ** 2
            values[row] = (
                -0.5 * np.sum(projected_sq / total, axis=1)
                - 0.5 * np.sum(np.log(total), axis=1)
                - 0.5 * x.size * _LOG_2PI
            )
    return pd.DataFrame(
        {
            "length_scale": np.repeat(scales, noises.size),
            "sigma_y": np.tile(noises, scales.size),
            "log_likelihood": values.reshape(-1),
        }
    )


def find_local_maxima(
    x: Any,
    y: Any,
    sigma_f: float = 1.0,
    length_scale_bounds: tuple[float, float] = (0.1, 100.0),
    sigma_y_bounds: tuple[float, float] = (0.01, 10.0),
    n_starts: int = 5,
) -> pd.DataFrame:
    """Local maxima of the log marginal likelihood over (length scale, noise sd).

    L-BFGS-B is started from an ``n_starts`` x ``n_starts`` log-spaced grid inside the bounds and
    works on the log scale; optima closer than 0.05 in log space are merged, and optima on a bound
    (not interior maxima) are dropped. Deterministic: no random starts.

    Returns
    -------
    DataFrame
        Columns ``length_scale``, ``sigma_y``, ``log_likelihood``, best first.

    >>> find_local_maxima(EXERCISE_X, EXERCISE_Y).round(2)
       length_scale  sigma_y  log_likelihood
    0          1.31     0.24           -8.24
    1         12.58     0.61           -8.76
    """
    x, y = as_xy(x, y)
    sigma_f = positive(sigma_f, "sigma_f")
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise ValueError(f"n_starts must be an integer >= 1, got {n_starts!r}")
    log_bounds = [
        _log_bounds(length_scale_bounds, "length_scale_bounds"),
        _log_bounds(sigma_y_bounds, "sigma_y_bounds"),
    ]

    starts = [np.linspace(low, high, n_starts + 2)[1:-1] for low, high in log_bounds]
    optima: list[tuple[float, np.ndarray]] = []
    for start in np.array(np.meshgrid(*starts)).reshape(2, -1).T:
        result = scipy.optimize.minimize(
            _negative_ll_and_gradient,
            start,
            args=(x, y, sigma_f),
            jac=True,
            method="L-BFGS-B",
            bounds=log_bounds,
        )
        on_bound = any(
            min(abs(value - low), abs(value - high)) < 1e-3
            for value, (low, high) in zip(result.x, log_bounds, strict=True)
        )
        if not on_bound:
            optima.append((float(-result.fun), result.x))
    optima.sort(key=lambda item: -item[0])
    distinct: list[tuple[float, np.ndarray]] = []
    for value, point in optima:
        if all(np.max(np.abs(point - kept)) > 0.05 for _, kept in distinct):
            distinct.append((value, point))
    return pd.DataFrame(
        {
            "length_scale": [float(np.exp(point[0])) for _, point in distinct],
            "sigma_y": [float(np.exp(point[1])) for _, point in distinct],
            "log_likelihood": [value for value, _ in distinct],
        }
    )


def posterior(
    x: Any,
    y: Any,
    x_test: Any,
    length_scale: float,
    sigma_y: float,
    sigma_f: float = 1.0,
) -> pd.DataFrame:
    r"""Closed-form GP posterior of :math:`f` at ``x_test`` given fixed hyperparameters.

    .. math::

        \mu_* = K_{*}^\top K^{-1} y, \qquad
        \sigma_*^2 = \operatorname{diag}\left(K_{**} - K_{*}^\top K^{-1} K_{*}\right),

    with :math:`K = k(X, X) + \sigma_y^2 I`, :math:`K_* = k(X, X_*)`, :math:`K_{**} = k(X_*, X_*)`.
    ``sd`` is the sd of the latent :math:`f`; add :math:`\sigma_y^2` for a new observation.

    Returns
    -------
    DataFrame
        Columns ``x``, ``mean``, ``sd``.

    >>> posterior(EXERCISE_X, EXERCISE_Y, [0.0], 12.4, 0.62).round(3).to_numpy().tolist()
    [[0.0, 0.953, 0.255]]
    """
    x, y = as_xy(x, y)
    x_new = as_vector(x_test, "x_test")
    length_scale = positive(length_scale, "length_scale")
    sigma_y = positive(sigma_y, "sigma_y")
    sigma_f = positive(sigma_f, "sigma_f")
    covariance = _rbf(x, x, length_scale, sigma_f) + sigma_y**2 * np.eye(x.size)
    factor = cholesky_with_jitter(covariance, "marginal covariance K")
    cross = _rbf(x, x_new, length_scale, sigma_f)
    mean = cross.T @ scipy.linalg.cho_solve((factor, True), y)
    whitened = scipy.linalg.solve_triangular(factor, cross, lower=True)
    variance = np.clip(sigma_f**2 - np.sum(whitened**2, axis=0), 0.0, None)
    return pd.DataFrame({"x": x_new, "mean": mean, "sd": np.sqrt(variance)})


def posterior_fits(
    x: Any,
    y: Any,
    x_test: Any,
    params: dict[str, tuple[float, float]] | None = None,
    sigma_f: float = 1.0,
) -> pd.DataFrame:
    """:func:`posterior` at several named (length_scale, sigma_y) settings, for plotting.

    Each setting's panel label states its name, hyperparameters and log marginal likelihood, and
    whether it explains the data by a long, smooth trend with large noise or by short wiggles with
    small noise. ``params`` defaults to the exercise's settings A and B.

    Returns
    -------
    DataFrame
        Columns ``fit`` (label, ordered categorical), ``x``, ``mean``, ``sd``.

    >>> fits = posterior_fits(EXERCISE_X, EXERCISE_Y, [0.0])
    >>> fits["fit"].tolist()[0]
    'A: ℓ = 12.4, σ_y = 0.62, log-lik = -8.76 (smooth trend, large noise)'
    """
    x, y = as_xy(x, y)
    named = EXERCISE_PARAMS if params is None else params
    if not named:
        raise ValueError("params must name at least one (length_scale, sigma_y) setting")
    median_scale = float(np.median([scale for scale, _ in named.values()]))
    frames = []
    for name, (length_scale, sigma_y) in named.items():
        log_lik = log_marginal_likelihood(x, y, length_scale, sigma_y, sigma_f, backend="python")
        style = (
            "smooth trend, large noise"
            if length_scale >= median_scale and len(named) > 1
            else "wiggly fit, small noise"
        )
        label = (
            f"{name}: ℓ = {length_scale:g}, σ_y = {sigma_y:g}, log-lik = {log_lik:.2f} ({style})"
        )
        frames.append(posterior(x, y, x_test, length_scale, sigma_y, sigma_f).assign(fit=label))
    fits = pd.concat(frames, ignore_index=True)[["fit", "x", "mean", "sd"]]
    fits["fit"] = pd.Categorical(fits["fit"], categories=list(dict.fromkeys(fits["fit"])))
    return fits


def label_maxima(
    maxima: pd.DataFrame, params: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Add a ``label`` column to :func:`find_local_maxima` output: the name of the nearest named
    setting (on the log scale), by default the exercise's A and B.

    >>> label_maxima(find_local_maxima(EXERCISE_X, EXERCISE_Y))["label"].tolist()
    ['B', 'A']
    """
    named = EXERCISE_PARAMS if params is None else params
    if not named:
        raise ValueError("params must name at least one (length_scale, sigma_y) setting")
    names = list(named)
    targets = np.log(np.array([named[n] for n in names], dtype=float))
    points = np.log(maxima[["length_scale", "sigma_y"]].to_numpy(dtype=float))
    nearest = np.argmin(np.linalg.norm(points[:, None, :] - targets[None, :, :], axis=2), axis=1)
    return maxima.assign(label=[names[i] for i in nearest])


def _negative_ll_and_gradient(
    log_params: np.ndarray, x: np.ndarray, y: np.ndarray, sigma_f: float
) -> tuple[float, np.ndarray]:
    r"""Minus the log marginal likelihood and its gradient in (log length scale, log sigma_y):
    :math:`\partial_\theta \log p = \tfrac12 \operatorname{tr}((\alpha\alpha^\top - K^{-1})
    \partial_\theta K)`, :math:`\alpha = K^{-1} y`."""
    length_scale, sigma_y = np.exp(log_params)
    signal = _rbf(x, x, length_scale, sigma_f)
    factor = cholesky_with_jitter(signal + sigma_y**2 * np.eye(x.size), "marginal covariance K")
    alpha = scipy.linalg.cho_solve((factor, True), y)
    inner = np.outer(alpha, alpha) - scipy.linalg.cho_solve((factor, True), np.eye(x.size))
    d_length = signal * squared_distances(x, x) / length_scale**2
    log_likelihood = -0.5 * y @ alpha - np.sum(np.log(np.diag(factor))) - 0.5 * x.size * _LOG_2PI
    gradient = np.array([0.5 * np.sum(inner * d_length), 0.5 * np.trace(inner) * 2 * sigma_y**2])
    return -float(log_likelihood), -gradient


def _rbf(x1: np.ndarray, x2: np.ndarray, length_scale: float, sigma_f: float) -> np.ndarray:
    return sigma_f**2 * np.exp(-0.5 * squared_distances(x1, x2) / length_scale**2)


def _positive_grid(values: Any, name: str) -> np.ndarray:
    grid = as_vector(values, name)
    if np.any(grid <= 0):
        raise ValueError(f"{name} must all be positive")
    return grid


def _log_bounds(bounds: tuple[float, float], name: str) -> tuple[float, float]:
    try:
        low, high = (positive(value, name) for value in bounds)
    except TypeError:
        raise ValueError(f"{name} must be a (low, high) pair of positive numbers") from None
    if not low < high:
        raise ValueError(f"{name} must satisfy low < high, got {bounds!r}")
    return float(np.log(low)), float(np.log(high))
