"""The Python backend of the RBF marginal likelihood: the GP core's Cholesky
(:func:`statlab.gp._core.log_likelihood`) for one setting and one eigendecomposition per length
scale (:class:`statlab.gp._core.EigenRBF`) for a grid. Each function has the signature and result
of its namesake in ``_backend_r``."""

from __future__ import annotations

import numpy as np

from statlab.gp._core import EigenRBF, log_likelihood
from statlab.gp.kernels import RBF


def log_marginal_likelihood(
    x: np.ndarray, y: np.ndarray, length_scale: float, noise_sd: float, amplitude: float
) -> float:
    """log p(y | length_scale, noise_sd, amplitude) under the RBF-kernel GP.

    >>> round(log_marginal_likelihood(np.array([0.0, 1.0]), np.array([0.5, -0.5]), 1.0, 0.5, 1.0), 4)
    -2.3153
    """
    kernel = RBF(amplitude=amplitude, length_scale=length_scale)
    return log_likelihood(kernel, noise_sd, x, y)


def likelihood_surface(
    x: np.ndarray,
    y: np.ndarray,
    length_scales: np.ndarray,
    noise_sds: np.ndarray,
    amplitude: float,
) -> np.ndarray:
    """The log marginal likelihood on the grid: length scales x noise sds.

    >>> likelihood_surface(np.array([0.0, 1.0]), np.array([0.5, -0.5]), np.array([1.0]),
    ...                    np.array([0.5, 1.0]), 1.0).round(4).tolist()
    [[-2.3153, -2.6622]]
    """
    return np.vstack(
        [
            EigenRBF(x, y, float(scale)).log_likelihood(np.array([amplitude]), noise_sds)[0]
            for scale in length_scales
        ]
    )
