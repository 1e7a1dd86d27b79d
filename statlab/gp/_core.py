r"""The GP core every model in :mod:`statlab.gp` computes with: the marginal likelihood and the
posterior of :math:`f` for a zero-mean GP with kernel :math:`k` and Gaussian noise of sd
:math:`\sigma`,

.. math::

    y \sim N(0, K), \quad K = k(X, X) + \sigma^2 I, \qquad
    \log p(y) = -\tfrac12 y^\top K^{-1} y - \tfrac12 \log\lvert K \rvert - \tfrac{n}{2}\log 2\pi,

    \mu_* = K_*^\top K^{-1} y, \qquad \Sigma_* = K_{**} - K_*^\top K^{-1} K_*.

Each appears once, in two forms:

* for one kernel, through a Cholesky factor of :math:`K` (:func:`log_likelihood`,
  :func:`conditional`);
* for an RBF kernel at one length scale and *many* (amplitude, noise sd) pairs, through one
  eigendecomposition of the unit-amplitude kernel matrix :math:`C_\ell = U \Lambda U^\top`: then
  :math:`K = U (A^2 \Lambda + \sigma^2 I) U^\top`, and every pair costs :math:`O(n)`
  (:class:`EigenRBF`). No library offers this; it makes likelihood surfaces and the hierarchical
  model's grid posterior fast. Tests check the two forms agree.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from statlab.gp._linalg import cholesky_with_jitter
from statlab.gp.kernels import RBF, Kernel

LOG_2PI = float(np.log(2 * np.pi))


def log_likelihood(kernel: Kernel, noise_sd: float, x: np.ndarray, y: np.ndarray) -> float:
    """Log marginal likelihood of ``y`` at ``x`` (checked 1-d arrays) under ``kernel`` + noise.

    >>> x, y = np.array([0.0, 1.0]), np.array([1.0, 0.5])
    >>> round(log_likelihood(RBF(length_scale=1.2), 0.23, x, y), 4)
    -2.0903
    """
    factor = cholesky_with_jitter(
        kernel._matrix(x, x) + noise_sd**2 * np.eye(x.size), "marginal covariance K"
    )
    alpha = scipy.linalg.cho_solve((factor, True), y)
    return float(-0.5 * y @ alpha - np.sum(np.log(np.diag(factor))) - 0.5 * x.size * LOG_2PI)


def conditional(
    kernel: Kernel,
    noise_sd: float,
    x: np.ndarray,
    y: np.ndarray,
    x_new: np.ndarray,
    *,
    full_cov: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean of :math:`f` at ``x_new`` and its variances (or, with ``full_cov``, its
    covariance matrix), given the observations ``(x, y)``.

    >>> mean, variance = conditional(RBF(), 0.1, np.array([0.0]), np.array([1.0]), np.array([0.0]))
    >>> round(float(mean[0]), 3), round(float(variance[0]), 3)
    (0.99, 0.01)
    """
    factor = (
        cholesky_with_jitter(
            kernel._matrix(x, x) + noise_sd**2 * np.eye(x.size), "marginal covariance K"
        ),
        True,
    )
    cross = kernel._matrix(x, x_new)
    mean = cross.T @ scipy.linalg.cho_solve(factor, y)
    if full_cov:
        return mean, kernel._matrix(x_new, x_new) - cross.T @ scipy.linalg.cho_solve(factor, cross)
    whitened = scipy.linalg.solve_triangular(factor[0], cross, lower=True)
    prior_variance = np.diag(kernel._matrix(x_new, x_new)) if x_new.size else np.empty(0)
    return mean, np.clip(prior_variance - np.sum(whitened**2, axis=0), 0.0, None)


class EigenRBF:
    """The eigendecomposition of the unit-amplitude RBF kernel matrix at one length scale, and the
    likelihood and posterior moments it gives for many (amplitude, noise sd) pairs at once.

    >>> x, y = np.array([0.0, 1.0]), np.array([1.0, 0.5])
    >>> eigen = EigenRBF(x, y, length_scale=1.2)
    >>> round(float(eigen.log_likelihood(np.array([1.0]), np.array([0.23]))[0, 0]), 4)
    -2.0903
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, length_scale: float) -> None:
        self.x, self.y, self.kernel = x, y, RBF(length_scale=length_scale)
        eigenvalues, self.eigenvectors = scipy.linalg.eigh(self.kernel.correlation(x, x))
        self.eigenvalues = np.clip(eigenvalues, 0.0, None)
        self.projected_y = self.eigenvectors.T @ y

    def log_likelihood(
        self, amplitudes: np.ndarray, noise_sds: np.ndarray, *, work: np.ndarray | None = None
    ) -> np.ndarray:
        """Log marginal likelihood, indexed [amplitude, noise sd].

        The inverse eigenvalues of K, :math:`1 / (A^2 \\lambda_i + \\sigma^2)`, fill one
        (amplitudes x noise sds x n) array, reused across calls when passed as ``work``: allocating
        a fresh one per length scale costs more in page faults than the arithmetic.
        """
        shape = (amplitudes.size, noise_sds.size, self.eigenvalues.size)
        inverse = work if work is not None and work.shape == shape else np.empty(shape)
        scaled = np.multiply.outer(amplitudes**2, self.eigenvalues)[:, None, :]
        np.add(scaled, (noise_sds**2)[None, :, None], out=inverse)
        np.reciprocal(inverse, out=inverse)
        quadratic = inverse @ self.projected_y**2
        log_determinant = -np.sum(np.log(inverse, out=inverse), axis=2)
        return -0.5 * (quadratic + log_determinant + self.x.size * LOG_2PI)

    def conditional_moments(
        self, x_new: np.ndarray, amplitudes: np.ndarray, noise_sds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Posterior means and variances of :math:`f` at ``x_new`` for paired ``amplitudes[k]``,
        ``noise_sds[k]``: arrays indexed [k, point]. With :math:`V = U^\\top C(X, X_*)` and
        :math:`D = A^2 \\Lambda + \\sigma^2 I`, mean :math:`= A^2 V^\\top D^{-1} U^\\top y` and
        variance :math:`= A^2 - A^4 \\operatorname{diag}(V^\\top D^{-1} V)`."""
        projected = self.eigenvectors.T @ self.kernel.correlation(self.x, x_new)
        amplitude_sq = amplitudes[:, None] ** 2
        inverse = 1.0 / (amplitude_sq * self.eigenvalues + noise_sds[:, None] ** 2)
        means = amplitude_sq * ((inverse * self.projected_y) @ projected)
        variances = amplitude_sq - amplitude_sq**2 * (inverse @ projected**2)
        return means, np.clip(variances, 0.0, None)
