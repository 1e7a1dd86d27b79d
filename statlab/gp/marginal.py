r"""Marginal likelihood of a GP with an RBF kernel, its surface, its local maxima and the posterior.

The model is :math:`y_i = f(x_i) + \varepsilon_i` with :math:`f \sim GP(0, k)`,
:math:`\varepsilon_i \sim N(0, \sigma^2)` and

.. math:: k(x, x') = A^2 \exp\!\left(-\frac{(x - x')^2}{2 \ell^2}\right),

so that :math:`y \sim N(0, K)` with :math:`K = k(X, X) + \sigma^2 I` and

.. math::

    \log p(y \mid \ell, \sigma, A) =
    -\tfrac12 y^\top K^{-1} y - \tfrac12 \log\lvert K \rvert - \tfrac{n}{2} \log 2\pi.

In statlab's vocabulary :math:`\ell` is ``length_scale``, :math:`\sigma` ``noise_sd`` (the
exercise's :math:`\sigma_y`) and :math:`A` ``amplitude`` (the exercise's :math:`\sigma_f`, 1
unless given). The kernel is :class:`statlab.gp.kernels.RBF` and the maths is the GP core's
(:mod:`statlab.gp._core`); ``backend="r"`` runs the course's own ``compute_ll`` from ``r/gp.R``
for comparison. The optimiser and linear algebra are scipy's.

Example
-------
>>> from statlab.gp import marginal
>>> x, y = marginal.EXERCISE_X, marginal.EXERCISE_Y
>>> round(marginal.log_marginal_likelihood(x, y, length_scale=12.4, noise_sd=0.62,
...                                        backend="python"), 4)
-8.7634
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.optimize

from statlab import _rbridge
from statlab import _validation as check
from statlab.gp import _backend_python, _backend_r
from statlab.gp._core import conditional
from statlab.gp._linalg import cholesky_with_jitter
from statlab.gp.kernels import RBF

__all__ = [
    "EXERCISE_PARAMS",
    "EXERCISE_X",
    "EXERCISE_Y",
    "LikelihoodSurface",
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

#: The exercise's two named hyperparameter settings, (length_scale, noise_sd).
EXERCISE_PARAMS = {"A": (12.4, 0.62), "B": (1.2, 0.23)}


@check.renamed(sigma_y="noise_sd", sigma_f="amplitude")
def log_marginal_likelihood(
    x: Any,
    y: Any,
    *,
    length_scale: float,
    noise_sd: float,
    amplitude: float = 1.0,
    backend: str = "auto",
) -> float:
    """Log marginal likelihood of ``y`` under the RBF-kernel GP (formula in the module docstring).

    ``backend="r"`` runs ``compute_ll`` from ``r/gp.R``; ``"python"`` the same maths with scipy's
    Cholesky; ``"auto"`` uses R when it is usable. ``sigma_y=`` and ``sigma_f=`` are the
    deprecated names of ``noise_sd`` and ``amplitude``.

    >>> round(log_marginal_likelihood(EXERCISE_X, EXERCISE_Y, length_scale=1.2, noise_sd=0.23,
    ...                               backend="python"), 4)
    -8.2529
    """
    x, y = _xy(x, y)
    kernel = RBF(amplitude=amplitude, length_scale=length_scale)
    noise_sd = check.positive(noise_sd, "noise_sd")
    engine = _engine(_rbridge.resolve_backend(check.backend(backend), _backend_r.PACKAGES))
    return engine.log_marginal_likelihood(x, y, kernel.length_scale, noise_sd, kernel.amplitude)


@dataclass(frozen=True, repr=False)
class LikelihoodSurface:
    """The log marginal likelihood on a grid of (length scale, noise sd) pairs.

    Attributes: ``length_scales`` and ``noise_sds`` (the grid's axes), ``log_likelihood``
    (length scales x noise sds), ``amplitude``, ``x`` and ``y`` (the data), ``backend``.
    """

    length_scales: np.ndarray
    noise_sds: np.ndarray
    log_likelihood: np.ndarray
    amplitude: float
    x: np.ndarray
    y: np.ndarray
    backend: str

    def to_frame(self) -> pd.DataFrame:
        """Columns ``length_scale``, ``noise_sd``, ``log_likelihood``; one row per pair, length
        scale varying slowest."""
        return pd.DataFrame(
            {
                "length_scale": np.repeat(self.length_scales, self.noise_sds.size),
                "noise_sd": np.tile(self.noise_sds, self.length_scales.size),
                "log_likelihood": self.log_likelihood.reshape(-1),
            }
        )

    def summary(self) -> pd.DataFrame:
        """The grid's local maxima (cells above all their neighbours, edges excluded), best first:
        ``length_scale``, ``noise_sd``, ``log_likelihood``. :func:`find_local_maxima` refines
        them off the grid."""
        values = self.log_likelihood
        padded = np.pad(values, 1, constant_values=np.inf)
        interior = np.ones_like(values, dtype=bool)
        rows, columns = values.shape
        for shift_row in (-1, 0, 1):
            for shift_column in (-1, 0, 1):
                if shift_row == shift_column == 0:
                    continue
                neighbour = padded[
                    1 + shift_row : 1 + shift_row + rows,
                    1 + shift_column : 1 + shift_column + columns,
                ]
                interior &= values > neighbour
        i, j = np.nonzero(interior)
        table = pd.DataFrame(
            {
                "length_scale": self.length_scales[i],
                "noise_sd": self.noise_sds[j],
                "log_likelihood": values[i, j],
            }
        )
        return table.sort_values("log_likelihood", ascending=False).reset_index(drop=True)

    def plot(self, maxima: pd.DataFrame | None = None, levels: int = 30) -> Any:
        """Contours over log-scaled axes, ``maxima`` marked (see
        :func:`statlab.plots.gp.plot_marginal_surface`)."""
        from statlab.plots.gp import plot_marginal_surface

        return plot_marginal_surface(self.to_frame(), maxima, levels=levels)

    def __repr__(self) -> str:
        return (
            f"LikelihoodSurface({self.length_scales.size} length scales x {self.noise_sds.size} "
            f"noise sds, amplitude={self.amplitude:g}, backend={self.backend!r})"
        )


@check.renamed(sigma_ys="noise_sds", sigma_f="amplitude")
def marginal_likelihood_surface(
    x: Any,
    y: Any,
    *,
    length_scales: Sequence[float] | np.ndarray,
    noise_sds: Sequence[float] | np.ndarray,
    amplitude: float = 1.0,
    backend: str = "auto",
) -> LikelihoodSurface:
    r"""Log marginal likelihood on every (length scale, noise sd) pair of two grids.

    The Python backend eigendecomposes the unit kernel matrix once per length scale, so every
    noise sd costs :math:`O(n)` (:class:`statlab.gp._core.EigenRBF`); the R backend calls
    ``compute_ll_surface`` in ``r/gp.R``.

    >>> surface = marginal_likelihood_surface(EXERCISE_X, EXERCISE_Y, length_scales=[1.2, 12.4],
    ...                                       noise_sds=[0.23, 0.62], backend="python")
    >>> surface.to_frame().round(3).to_numpy().tolist()[0]
    [1.2, 0.23, -8.253]
    """
    x, y = _xy(x, y)
    scales = _positive_grid(length_scales, "length_scales")
    noises = _positive_grid(noise_sds, "noise_sds")
    amplitude = check.positive(amplitude, "amplitude")
    ran = _rbridge.resolve_backend(check.backend(backend), _backend_r.PACKAGES)
    values = _engine(ran).likelihood_surface(x, y, scales, noises, amplitude)
    return LikelihoodSurface(scales, noises, values, amplitude, x, y, ran)


@check.renamed(sigma_f="amplitude", sigma_y_bounds="noise_sd_bounds")
def find_local_maxima(
    x: Any,
    y: Any,
    *,
    amplitude: float = 1.0,
    length_scale_bounds: tuple[float, float] = (0.1, 100.0),
    noise_sd_bounds: tuple[float, float] = (0.01, 10.0),
    n_starts: int = 5,
) -> pd.DataFrame:
    """Local maxima of the log marginal likelihood over (length scale, noise sd).

    L-BFGS-B is started from an ``n_starts`` x ``n_starts`` log-spaced grid inside the bounds and
    works on the log scale; optima closer than 0.05 in log space are merged, optima on a bound are
    dropped, and so are points where the likelihood is flat in some direction (not a maximum: with
    too few data the length scale is not identified). Deterministic: no random starts.

    Returns
    -------
    DataFrame
        Columns ``length_scale``, ``noise_sd``, ``log_likelihood``, best first.

    >>> find_local_maxima(EXERCISE_X, EXERCISE_Y).round(2)
       length_scale  noise_sd  log_likelihood
    0          1.31      0.24           -8.24
    1         12.58      0.61           -8.76
    """
    x, y = _xy(x, y)
    if np.unique(x).size < 2:
        raise check.InvalidArgumentError(
            f"x must hold at least 2 distinct values to identify a length scale, got {x.tolist()}"
        )
    amplitude = check.positive(amplitude, "amplitude")
    n_starts = check.integer(n_starts, "n_starts", low=1)
    log_bounds = [
        _log_bounds(length_scale_bounds, "length_scale_bounds"),
        _log_bounds(noise_sd_bounds, "noise_sd_bounds"),
    ]

    starts = [np.linspace(low, high, n_starts + 2)[1:-1] for low, high in log_bounds]
    optima: list[tuple[float, np.ndarray]] = []
    for start in np.array(np.meshgrid(*starts)).reshape(2, -1).T:
        result = scipy.optimize.minimize(
            _negative_ll_and_gradient,
            start,
            args=(x, y, amplitude),
            jac=True,
            method="L-BFGS-B",
            bounds=log_bounds,
        )
        on_bound = any(
            min(abs(value - low), abs(value - high)) < 1e-3
            for value, (low, high) in zip(result.x, log_bounds, strict=True)
        )
        if not on_bound and _is_strict_maximum(result.x, -float(result.fun), x, y, amplitude):
            optima.append((float(-result.fun), result.x))
    optima.sort(key=lambda item: -item[0])
    distinct: list[tuple[float, np.ndarray]] = []
    for value, point in optima:
        if all(np.max(np.abs(point - kept)) > 0.05 for _, kept in distinct):
            distinct.append((value, point))
    return pd.DataFrame(
        {
            "length_scale": [float(np.exp(point[0])) for _, point in distinct],
            "noise_sd": [float(np.exp(point[1])) for _, point in distinct],
            "log_likelihood": [value for value, _ in distinct],
        }
    )


@check.renamed(sigma_y="noise_sd", sigma_f="amplitude")
def posterior(
    x: Any,
    y: Any,
    x_test: Any,
    *,
    length_scale: float,
    noise_sd: float,
    amplitude: float = 1.0,
) -> pd.DataFrame:
    r"""Closed-form GP posterior of :math:`f` at ``x_test`` given fixed hyperparameters.

    .. math::

        \mu_* = K_{*}^\top K^{-1} y, \qquad
        \sigma_*^2 = \operatorname{diag}\left(K_{**} - K_{*}^\top K^{-1} K_{*}\right),

    with :math:`K = k(X, X) + \sigma^2 I`, :math:`K_* = k(X, X_*)`, :math:`K_{**} = k(X_*, X_*)`.
    ``sd`` is the sd of the latent :math:`f`; add ``noise_sd**2`` for a new observation.

    Returns
    -------
    DataFrame
        Columns ``x``, ``mean``, ``sd``.

    >>> posterior(EXERCISE_X, EXERCISE_Y, [0.0], length_scale=12.4, noise_sd=0.62).round(3)
         x   mean     sd
    0  0.0  0.953  0.255
    """
    x, y = _xy(x, y)
    x_new = check.vector(x_test, "x_test")
    kernel = RBF(amplitude=amplitude, length_scale=length_scale)
    mean, variance = conditional(kernel, check.positive(noise_sd, "noise_sd"), x, y, x_new)
    return pd.DataFrame({"x": x_new, "mean": mean, "sd": np.sqrt(variance)})


@check.renamed(sigma_f="amplitude")
def posterior_fits(
    x: Any,
    y: Any,
    x_test: Any,
    *,
    params: dict[str, tuple[float, float]] | None = None,
    amplitude: float = 1.0,
) -> pd.DataFrame:
    """:func:`posterior` at several named (length_scale, noise_sd) settings, for plotting.

    Each setting's panel label states its name, hyperparameters and log marginal likelihood, and
    whether it explains the data by a long, smooth trend with large noise or by short wiggles with
    small noise. ``params`` defaults to the exercise's settings A and B.

    Returns
    -------
    DataFrame
        Columns ``fit`` (label, ordered categorical), ``x``, ``mean``, ``sd``.

    >>> fits = posterior_fits(EXERCISE_X, EXERCISE_Y, [0.0])
    >>> fits["fit"].tolist()[0]
    'A: ℓ = 12.4, σ = 0.62, log-lik = -8.76 (smooth trend, large noise)'
    """
    x, y = _xy(x, y)
    named = _named_settings(params)
    median_scale = float(np.median([scale for scale, _ in named.values()]))
    frames = []
    for name, (length_scale, noise_sd) in named.items():
        log_lik = log_marginal_likelihood(
            x,
            y,
            length_scale=length_scale,
            noise_sd=noise_sd,
            amplitude=amplitude,
            backend="python",
        )
        style = (
            "smooth trend, large noise"
            if length_scale >= median_scale and len(named) > 1
            else "wiggly fit, small noise"
        )
        label = f"{name}: ℓ = {length_scale:g}, σ = {noise_sd:g}, log-lik = {log_lik:.2f} ({style})"
        fit = posterior(
            x, y, x_test, length_scale=length_scale, noise_sd=noise_sd, amplitude=amplitude
        )
        frames.append(fit.assign(fit=label))
    fits = pd.concat(frames, ignore_index=True)[["fit", "x", "mean", "sd"]]
    fits["fit"] = pd.Categorical(fits["fit"], categories=list(dict.fromkeys(fits["fit"])))
    return fits


def label_maxima(
    maxima: pd.DataFrame, *, params: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Add a ``label`` column to :func:`find_local_maxima` output: the name of the nearest named
    setting (on the log scale), by default the exercise's A and B.

    >>> label_maxima(find_local_maxima(EXERCISE_X, EXERCISE_Y))["label"].tolist()
    ['B', 'A']
    """
    named = _named_settings(params)
    if not isinstance(maxima, pd.DataFrame) or not {"length_scale", "noise_sd"} <= set(maxima):
        raise check.InvalidArgumentError(
            "maxima must be a DataFrame with columns length_scale and noise_sd "
            "(from find_local_maxima)"
        )
    names = list(named)
    targets = np.log(np.array([named[n] for n in names], dtype=float))
    points = np.log(maxima[["length_scale", "noise_sd"]].to_numpy(dtype=float))
    nearest = np.argmin(np.linalg.norm(points[:, None, :] - targets[None, :, :], axis=2), axis=1)
    return maxima.assign(label=[names[i] for i in nearest])


def _negative_ll_and_gradient(
    log_params: np.ndarray, x: np.ndarray, y: np.ndarray, amplitude: float
) -> tuple[float, np.ndarray]:
    r"""Minus the log marginal likelihood and its gradient in (log length scale, log noise sd):
    :math:`\partial_\theta \log p = \tfrac12 \operatorname{tr}((\alpha\alpha^\top - K^{-1})
    \partial_\theta K)`, :math:`\alpha = K^{-1} y`."""
    length_scale, noise_sd = np.exp(log_params)
    kernel = RBF(amplitude=amplitude, length_scale=length_scale)
    factor = cholesky_with_jitter(
        kernel._matrix(x, x) + noise_sd**2 * np.eye(x.size), "marginal covariance K"
    )
    alpha = scipy.linalg.cho_solve((factor, True), y)
    inner = np.outer(alpha, alpha) - scipy.linalg.cho_solve((factor, True), np.eye(x.size))
    log_lik = -0.5 * y @ alpha - np.sum(np.log(np.diag(factor))) - 0.5 * x.size * np.log(2 * np.pi)
    gradient = np.array(
        [
            0.5 * np.sum(inner * kernel.d_log_length_scale(x, x)),
            0.5 * np.trace(inner) * 2 * noise_sd**2,
        ]
    )
    return -float(log_lik), -gradient


def _is_strict_maximum(
    point: np.ndarray, value: float, x: np.ndarray, y: np.ndarray, amplitude: float
) -> bool:
    """Whether moving 0.05 in log space along either axis lowers the likelihood both ways."""
    for axis in range(2):
        for step in (-0.05, 0.05):
            moved = point.copy()
            moved[axis] += step
            if -_negative_ll_and_gradient(moved, x, y, amplitude)[0] >= value - 1e-9:
                return False
    return True


def _engine(ran: str) -> ModuleType:
    """The backend module that runs a resolved backend's computations."""
    return _backend_r if ran == "r" else _backend_python


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x_values, y_values = check.vector(x, "x"), check.vector(y, "y")
    if x_values.size != y_values.size:
        raise check.InvalidArgumentError(
            f"y has {y_values.size} values but x has {x_values.size}: they must pair up"
        )
    return x_values, y_values


def _named_settings(params: Any) -> dict[str, tuple[float, float]]:
    named = EXERCISE_PARAMS if params is None else params
    if not isinstance(named, dict) or not named:
        raise check.InvalidArgumentError(
            f"params must name at least one (length_scale, noise_sd) setting, got {params!r}"
        )
    checked = {}
    for name, setting in named.items():
        if not isinstance(setting, tuple | list) or len(setting) != 2:
            raise check.InvalidArgumentError(
                f"params[{name!r}] must be a (length_scale, noise_sd) pair, got {setting!r}"
            )
        checked[str(name)] = (
            check.positive(setting[0], f"params[{name!r}] length_scale"),
            check.positive(setting[1], f"params[{name!r}] noise_sd"),
        )
    return checked


def _positive_grid(values: Any, name: str) -> np.ndarray:
    grid = check.vector(values, name)
    if np.any(grid <= 0):
        raise check.InvalidArgumentError(f"{name} must all be positive, got {grid.min()!r}")
    return grid


def _log_bounds(bounds: Any, name: str) -> tuple[float, float]:
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        raise check.InvalidArgumentError(
            f"{name} must be a (low, high) pair of positive numbers, got {bounds!r}"
        )
    low, high = (check.positive(value, name) for value in bounds)
    if not low < high:
        raise check.InvalidArgumentError(f"{name} must satisfy low < high, got {bounds!r}")
    return float(np.log(low)), float(np.log(high))
