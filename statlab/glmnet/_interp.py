"""Coefficients between path points: glmnet's ``lambda.interp`` (linear in lambda, clamped)."""

from __future__ import annotations

from typing import Any

import numpy as np


def lambda_weights(
    path_lambdas: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each ``s``, the neighbouring path columns (left, right) and the weight of the left one.

    The coefficient at ``s`` is ``frac * B[:, left] + (1 - frac) * B[:, right]``; an ``s`` outside the
    path is clamped to its nearest end, as in R.

    >>> left, right, frac = lambda_weights(np.array([4.0, 2.0, 1.0]), np.array([3.0, 0.5]))
    >>> left.tolist(), right.tolist(), frac.tolist()
    ([0, 2], [1, 2], [0.5, 1.0])
    """
    s = np.atleast_1d(np.asarray(s, dtype=np.float64))
    k = path_lambdas.shape[0]
    if k == 1:
        zeros = np.zeros(s.shape[0], dtype=np.int64)
        return zeros, zeros, np.ones(s.shape[0])
    span = path_lambdas[0] - path_lambdas[-1]
    position = (path_lambdas[0] - path_lambdas) / span  # increasing from 0 to 1
    target = np.clip((path_lambdas[0] - s) / span, position.min(), position.max())
    coordinate = np.interp(target, position, np.arange(k, dtype=np.float64))
    left = np.floor(coordinate).astype(np.int64)
    right = np.ceil(coordinate).astype(np.int64)
    gap = position[left] - position[right]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (target - position[right]) / gap
    frac[(left == right) | (np.abs(gap) < np.finfo(float).eps)] = 1.0
    return left, right, frac


def interpolate(
    a0: np.ndarray, beta: np.ndarray, path_lambdas: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Intercepts (len(s)) and coefficients (p x len(s)) at lambdas ``s``; for a multinomial path
    (intercepts K x L, coefficients p x K x L) the same along the last axis."""
    left, right, frac = lambda_weights(path_lambdas, s)
    a0_s = frac * a0[..., left] + (1 - frac) * a0[..., right]
    beta_s = beta[..., left] * frac + beta[..., right] * (1 - frac)
    return a0_s, beta_s


def linear_part(rows: Any, beta: np.ndarray) -> np.ndarray:
    """``rows @ beta`` for dense or ``scipy.sparse`` rows: n x L, or n x K x L for a multinomial
    ``beta`` (p x K x L).

    >>> linear_part(np.eye(2), np.arange(8.0).reshape(2, 2, 2))[1].tolist()
    [[4.0, 5.0], [6.0, 7.0]]
    """
    if beta.ndim == 2:
        return np.asarray(rows @ beta)
    flat = np.asarray(rows @ beta.reshape(beta.shape[0], -1))
    return flat.reshape(rows.shape[0], *beta.shape[1:])
