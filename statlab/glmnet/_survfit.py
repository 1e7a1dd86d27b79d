"""Survival curves from a Cox glmnet fit at one lambda, as R's ``survfit`` on a coxnet fit
(``survfit.coxnet``): the fit's linear predictor enters ``coxph`` as the one covariate with its
coefficient held at 1, and ``survfit.coxph`` gives Efron's estimate of the baseline cumulative
hazard (its default for ``coxph``'s default Efron ties), ``S(t) = exp(-H(t))``. R's survival
package computes this; here it is a few lines of NumPy (no Python package takes a fixed linear
predictor), checked against R in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.glmnet import _inputs
from statlab.glmnet.result import GlmnetPath


def survfit(
    path: GlmnetPath,
    X: Any,
    y: Any,
    s: float,
    *,
    weights: Sequence[float] | np.ndarray | None = None,
    offset: Sequence[float] | np.ndarray | None = None,
    strata: Sequence[Any] | np.ndarray | None = None,
    new_X: Any = None,
    new_offset: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """The survival curve of a Cox ``path`` at lambda ``s``, as R's ``survfit(fit, s, x, y,
    weights, offset)``: pass the data the path was fitted on. Without ``new_X``, one curve for
    the "average" subject (linear predictor at its weighted mean, offset at its weighted mean)
    per stratum: a frame with ``time`` (each distinct time), ``n_risk`` and ``n_event``
    (weighted), ``surv`` and, with ``strata``, the ``stratum`` label first (strata sorted, as R's
    factor levels). With ``new_X`` (and ``new_offset`` if the fit has an offset; not with
    strata), one curve per new row: a frame indexed by time, one column per row.

    >>> import numpy as np, statlab as sl
    >>> veteran = sl.data.load("veteran")
    >>> X = sl.model_matrix("~ karno + age + diagtime + prior + celltype", veteran)
    >>> y = veteran[["time", "status"]]
    >>> path = sl.glmnet(X, y, family="cox", backend="python")
    >>> curve = sl.survfit(path, X, y, s=0.05)
    >>> curve.columns.tolist(), bool(curve["surv"].is_monotonic_decreasing)
    (['time', 'n_risk', 'n_event', 'surv'], True)
    """
    if path.family != "cox":
        raise check.InvalidArgumentError(
            f"path must be a Cox fit (family='cox'), not {path.family}"
        )
    s = check.real(s, "s", low=0.0)
    matrix = path._new_design(X)
    n = matrix.shape[0]
    response = _inputs.survival_response(y, n)
    w = _inputs.observation_weights(weights, n)
    fit_offset = _inputs.offsets(offset, n)
    if path.has_offset and fit_offset is None:
        raise check.InvalidArgumentError(
            "offset is needed: the path was fitted with one (R's survfit.coxnet asks for it too)"
        )
    zeros = np.zeros(n) if path.has_offset else None
    eta = path.predict(matrix, s=s, new_offset=zeros)
    centre = float(w @ eta / w.sum())
    score = eta - centre if fit_offset is None else eta - centre + fit_offset
    labels = _inputs.strata_labels(strata, n, "cox")
    if new_X is not None:
        if labels is not None:
            raise check.InvalidArgumentError(
                "new_X: curves for new rows of a stratified fit are not available"
            )
        new_eta = path.predict(
            new_X, s=s, new_offset=None if not path.has_offset else np.zeros(len(new_X))
        )
        shift = 0.0
        if path.has_offset:
            if new_offset is None:
                raise check.InvalidArgumentError("new_offset is needed: the path has an offset")
            shift = _inputs.offsets(new_offset, new_eta.shape[0], "new_offset")
        times, _, _, hazard = _cumulative_hazard(response, w, score, np.arange(n))
        risk = np.exp(new_eta - centre + shift)
        return pd.DataFrame(np.exp(-np.outer(hazard, risk)), index=pd.Index(times, name="time"))
    mean_offset = 0.0 if fit_offset is None else float(w @ fit_offset / w.sum())
    values = None if labels is None else np.asarray(strata)
    # strata in sorted order, as the levels of R's strata() factor
    groups = [np.arange(n)] if values is None else [
        np.flatnonzero(values == label) for label in np.unique(values)
    ]  # fmt: skip
    frames = []
    for rows in groups:
        times, at_risk, events, hazard = _cumulative_hazard(response, w, score, rows)
        frame = pd.DataFrame(
            {"time": times, "n_risk": at_risk, "n_event": events,
             "surv": np.exp(-hazard * np.exp(mean_offset))}
        )  # fmt: skip
        if labels is not None:
            frame.insert(0, "stratum", values[rows[0]])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _cumulative_hazard(
    y: np.ndarray, w: np.ndarray, score: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Efron's baseline cumulative hazard over the rows ``rows`` at each distinct (stop) time:
    (times, weight at risk, weight of events, hazard). At a time with d events of total weight
    D, risk-set sum R of w exp(score) and events' share E, the hazard grows by
    ``sum_{k<d} (D/d) / (R - k/d E)``; (start, stop] rows are at risk where start < t <= stop."""
    stop, status = y[rows, -2], y[rows, -1]
    start = y[rows, 0] if y.shape[1] == 3 else np.full(rows.shape[0], -np.inf)
    weight, risk = w[rows], w[rows] * np.exp(score[rows])
    times = np.unique(stop)
    at_risk, events = np.empty(times.shape[0]), np.empty(times.shape[0])
    increments = np.zeros(times.shape[0])
    for m, t in enumerate(times):
        risk_set = (stop >= t) & (start < t)
        dead = (stop == t) & (status == 1)
        at_risk[m], events[m] = weight[risk_set].sum(), weight[dead].sum()
        d = int(dead.sum())
        if d:
            total, dying = risk[risk_set].sum(), risk[dead].sum()
            increments[m] = sum(events[m] / d / (total - k / d * dying) for k in range(d))
    return times, at_risk, events, np.cumsum(increments)
