r"""Covariance kernels on the real line that compose with ``+`` and ``*``.

Written by hand (rather than taken from PyMC or scikit-learn) because the course asks for the kernel
maths in plain numpy: a kernel is a small frozen object whose call returns its Gram matrix, and sums
and products of kernels are kernels again, exactly as in the definitions

.. math::

    k_{\mathrm{sum}}(x, x') = k_1(x, x') + k_2(x, x'), \qquad
    k_{\mathrm{prod}}(x, x') = k_1(x, x')\, k_2(x, x').

Example
-------
>>> import numpy as np
>>> from statlab.gp.kernels import Linear, RBF, Periodic
>>> k = Linear() + RBF(length_scale=1.0) * Periodic(period=3.0)
>>> k(np.array([0.0, 1.0])).round(3)
array([[1.   , 0.135],
       [0.135, 2.   ]])
>>> str(k)
'Linear + RBF x Periodic'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.gp._linalg import psd_square_root

__all__ = [
    "RBF",
    "Kernel",
    "Linear",
    "Periodic",
    "Product",
    "Sum",
    "kernel_sections",
    "sample_paths",
]


def _amplitude_from_variance(variance: Any) -> float:
    """The deprecated ``variance=`` argument as the amplitude (sd) it stands for."""
    return float(np.sqrt(check.positive(variance, "variance")))


class Kernel(ABC):
    """A positive semi-definite covariance function :math:`k(x, x')` of one real input.

    Calling ``k(x, x2)`` returns the matrix ``K[i, j] = k(x[i], x2[j])``; ``k(x)`` is ``k(x, x)``.
    """

    def __call__(self, x: Any, x2: Any = None) -> np.ndarray:
        x1 = check.vector(x, "x")
        x2_array = x1 if x2 is None else check.vector(x2, "x2")
        return self._matrix(x1, x2_array)

    @abstractmethod
    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray: ...

    def __add__(self, other: Kernel) -> Kernel:
        if not isinstance(other, Kernel):
            return NotImplemented
        return Sum(self, other)

    def __mul__(self, other: Kernel) -> Kernel:
        if not isinstance(other, Kernel):
            return NotImplemented
        return Product(self, other)

    def __str__(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, init=False)
class Linear(Kernel):
    r"""Linear (dot-product) kernel

    .. math:: k(x, x') = A^2 (x - c)(x' - c).

    Its GP draws are straight lines :math:`f(x) = \beta (x - c)` with :math:`\beta \sim N(0,
    A^2)`: ``amplitude`` :math:`A` is the sd of the slope, and ``center`` :math:`c` is the point
    every line passes through (where the prior variance is zero). ``variance=`` (:math:`A^2`)
    still works for one release, deprecated.

    >>> Linear(amplitude=2.0)(np.array([1.0, 3.0]))
    array([[ 4., 12.],
           [12., 36.]])
    """

    amplitude: float = 1.0
    center: float = 0.0

    @check.renamed(variance=("amplitude", _amplitude_from_variance))
    def __init__(self, *, amplitude: float = 1.0, center: float = 0.0) -> None:
        object.__setattr__(self, "amplitude", check.positive(amplitude, "amplitude"))
        object.__setattr__(self, "center", check.real(center, "center"))

    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return self.amplitude**2 * np.multiply.outer(x1 - self.center, x2 - self.center)


@dataclass(frozen=True, init=False)
class RBF(Kernel):
    r"""Squared-exponential (radial basis function) kernel

    .. math:: k(x, x') = A^2 \exp\!\left(-\frac{(x - x')^2}{2 \ell^2}\right).

    ``amplitude`` :math:`A` is the sd of :math:`f(x)` (draws wander about :math:`\pm 2A`);
    ``length_scale`` :math:`\ell` is the distance over which values stay correlated (correlation
    :math:`e^{-1/2} \approx 0.61` at :math:`|x - x'| = \ell`). Draws are infinitely smooth.
    ``variance=`` (:math:`A^2`) and ``lengthscale=`` still work for one release, deprecated.

    This is the kernel of every GP model in statlab: the marginal likelihood, its surface, the
    closed-form posterior and the hierarchical model all compute with it.

    >>> RBF(length_scale=2.0)(np.array([0.0]), np.array([2.0])).round(4)
    array([[0.6065]])
    """

    amplitude: float = 1.0
    length_scale: float = 1.0

    @check.renamed(variance=("amplitude", _amplitude_from_variance), lengthscale="length_scale")
    def __init__(self, *, amplitude: float = 1.0, length_scale: float = 1.0) -> None:
        object.__setattr__(self, "amplitude", check.positive(amplitude, "amplitude"))
        object.__setattr__(self, "length_scale", check.positive(length_scale, "length_scale"))

    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return self.amplitude**2 * self.correlation(x1, x2)

    def correlation(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        r"""The unit-amplitude kernel :math:`\exp(-(x - x')^2 / (2\ell^2))` on checked arrays."""
        return np.exp(-0.5 * np.subtract.outer(x1, x2) ** 2 / self.length_scale**2)

    def d_log_length_scale(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        r""":math:`\partial k / \partial \log \ell = k \cdot (x - x')^2 / \ell^2`, for gradients."""
        return self._matrix(x1, x2) * np.subtract.outer(x1, x2) ** 2 / self.length_scale**2


@dataclass(frozen=True, init=False)
class Periodic(Kernel):
    r"""Periodic (exp-sine-squared) kernel

    .. math:: k(x, x') = A^2 \exp\!\left(-\frac{2 \sin^2(\pi |x - x'| / p)}{\ell^2}\right).

    Draws repeat exactly with ``period`` :math:`p`; ``length_scale`` :math:`\ell` sets how wiggly
    one period is (small :math:`\ell`: many bumps per period); ``amplitude`` :math:`A` is the sd
    of :math:`f(x)`. :math:`k(x, x')` oscillates between :math:`A^2` (when :math:`x - x'` is a
    multiple of :math:`p`) and :math:`A^2 e^{-2/\ell^2}` (half a period apart). ``variance=``
    and ``lengthscale=`` still work for one release, deprecated.

    >>> Periodic(period=2.0)(np.array([0.0]), np.array([2.0, 1.0])).round(4)
    array([[1.    , 0.1353]])
    """

    amplitude: float = 1.0
    length_scale: float = 1.0
    period: float = 1.0

    @check.renamed(variance=("amplitude", _amplitude_from_variance), lengthscale="length_scale")
    def __init__(
        self, *, amplitude: float = 1.0, length_scale: float = 1.0, period: float = 1.0
    ) -> None:
        object.__setattr__(self, "amplitude", check.positive(amplitude, "amplitude"))
        object.__setattr__(self, "length_scale", check.positive(length_scale, "length_scale"))
        object.__setattr__(self, "period", check.positive(period, "period"))

    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        distance = np.abs(np.subtract.outer(x1, x2))
        return self.amplitude**2 * np.exp(
            -2.0 * np.sin(np.pi * distance / self.period) ** 2 / self.length_scale**2
        )


@dataclass(frozen=True)
class Sum(Kernel):
    r"""Sum of two kernels, :math:`k(x, x') = k_1(x, x') + k_2(x, x')` (usually written ``k1 + k2``).

    A draw is the sum of independent draws from the two GPs.

    >>> str(Sum(Linear(), RBF()))
    'Linear + RBF'
    """

    left: Kernel
    right: Kernel

    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return self.left._matrix(x1, x2) + self.right._matrix(x1, x2)

    def __str__(self) -> str:
        return f"{self.left} + {self.right}"


@dataclass(frozen=True)
class Product(Kernel):
    r"""Product of two kernels, :math:`k(x, x') = k_1(x, x')\, k_2(x, x')` (written ``k1 * k2``).

    Each factor modulates the other: ``Linear() * Periodic()`` is a periodic pattern whose
    amplitude grows linearly away from the linear kernel's center.

    >>> str(Product(Linear(), Periodic()))
    'Linear x Periodic'
    """

    left: Kernel
    right: Kernel

    def _matrix(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return self.left._matrix(x1, x2) * self.right._matrix(x1, x2)

    def __str__(self) -> str:
        return f"{_bracket_sum(self.left)} x {_bracket_sum(self.right)}"


def _bracket_sum(kernel: Kernel) -> str:
    return f"({kernel})" if isinstance(kernel, Sum) else str(kernel)


@check.renamed(n="n_draws")
def sample_paths(
    kernel: Kernel, x: Any, *, n_draws: int = 3, seed: int | None = None
) -> pd.DataFrame:
    r"""Draw ``n_draws`` paths of the zero-mean GP with covariance ``kernel`` at the points ``x``.

    Each path is :math:`f = R z` with :math:`z \sim N(0, I)` and :math:`R R^\top = K`, the
    symmetric square root of the Gram matrix (exact also for rank-deficient kernels such as
    :class:`Linear`).

    Returns
    -------
    DataFrame
        Long format with columns ``draw`` (0 .. n_draws-1), ``x`` and ``f``; ``attrs["seed"]`` is
        the seed used (fresh when ``seed`` is None).

    >>> paths = sample_paths(RBF(), np.linspace(0, 1, 5), n_draws=3, seed=1)
    >>> paths.shape, list(paths.columns)
    ((15, 3), ['draw', 'x', 'f'])
    """
    if not isinstance(kernel, Kernel):
        raise check.ArgumentTypeError(
            f"kernel must be a statlab.gp.kernels.Kernel, got {type(kernel).__name__}"
        )
    grid = check.vector(x, "x")
    n_draws = check.integer(n_draws, "n_draws", low=1)
    root = psd_square_root(kernel(grid), what=f"Gram matrix of {kernel}")
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    values = root @ rng.standard_normal((grid.size, n_draws))
    frame = pd.DataFrame(
        {
            "draw": np.repeat(np.arange(n_draws), grid.size),
            "x": np.tile(grid, n_draws),
            "f": values.T.reshape(-1),
        }
    )
    frame.attrs["seed"] = seed
    return frame


def kernel_sections(kernels: dict[str, Kernel], x: Any, *, x0: float = 1.0) -> pd.DataFrame:
    r"""Cross-sections :math:`x \mapsto k(x, x_0)` of several kernels: how strongly the GP's value
    at each x covaries with its value at :math:`x_0`.

    Returns
    -------
    DataFrame
        Long format with columns ``kernel`` (the dict's keys, as an ordered categorical), ``x``
        and ``k``.

    >>> kernel_sections({"Linear": Linear()}, [0.0, 2.0], x0=1.0)["k"].tolist()
    [0.0, 2.0]
    """
    grid = check.vector(x, "x")
    if not isinstance(kernels, dict) or not kernels:
        raise check.InvalidArgumentError(
            f"kernels must be a non-empty dict of name -> Kernel, got {kernels!r}"
        )
    x0 = check.real(x0, "x0")
    frames = []
    for name, kernel in kernels.items():
        if not isinstance(kernel, Kernel):
            raise check.ArgumentTypeError(
                f"kernels[{name!r}] must be a Kernel, got {type(kernel).__name__}"
            )
        frames.append(pd.DataFrame({"kernel": name, "x": grid, "k": kernel(grid, [x0])[:, 0]}))
    sections = pd.concat(frames, ignore_index=True)
    sections["kernel"] = pd.Categorical(sections["kernel"], categories=list(kernels))
    return sections
