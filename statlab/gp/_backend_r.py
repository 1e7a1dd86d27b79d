"""The R backend of the RBF marginal likelihood: the course's ``compute_ll`` and
``compute_ll_surface`` (``r/gp.R``, base R) through the R bridge. Each function has the signature
and result of its namesake in ``_backend_python``."""

from __future__ import annotations

import numpy as np

from statlab import _rbridge

PACKAGES: tuple[str, ...] = ()  # r/gp.R is base R


def log_marginal_likelihood(
    x: np.ndarray, y: np.ndarray, length_scale: float, noise_sd: float, amplitude: float
) -> float:
    """R's ``compute_ll(x, y, length_scale, sigma_y = noise_sd, sigma_f = amplitude)``."""
    result = _rbridge.call("compute_ll", x, y, length_scale, noise_sd, amplitude)
    return float(np.asarray(result).reshape(-1)[0])


def likelihood_surface(
    x: np.ndarray,
    y: np.ndarray,
    length_scales: np.ndarray,
    noise_sds: np.ndarray,
    amplitude: float,
) -> np.ndarray:
    """R's ``compute_ll_surface``: length scales x noise sds."""
    values = np.asarray(
        _rbridge.call("compute_ll_surface", x, y, length_scales, noise_sds, amplitude)
    )
    return values.reshape(length_scales.size, noise_sds.size)
