"""Paired comparisons of models judged on the same held-out rows, with their uncertainty.

Models scored on the same test rows and refitted on the same bootstrap samples differ partly
because of which rows were held out and which samples were drawn. The paired bootstrap resamples
both (the same test rows and the same replicates for every model) and recomputes each model's
statistic, so the interval of a difference reflects the test set's size, the number of replicates
and the correlation between the models' errors. A difference is called clear only when its
interval excludes zero; otherwise the comparison is within noise. scikit-learn and statsmodels
offer no paired bootstrap of derived statistics such as an RMSE of mean predictions, hence this
small module.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> observed = rng.normal(size=10)
>>> predictions = pd.DataFrame([
...     {"model": model, "replicate": b, "row": i, "observed": observed[i],
...      "predicted": observed[i] + shift + rng.normal(0, 0.1)}
...     for model, shift in [("a", 0.0), ("b", 0.5)] for b in range(5) for i in range(10)])
>>> table = paired_differences(predictions, by=["model"], statistic="rmse", seed=1)
>>> b = table.xs("b", level="model").iloc[0]
>>> round(float(b["difference"]), 2), bool(b["clear"])
(0.47, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed

Statistic = Literal["rmse", "mean_sd"]


def paired_differences(
    predictions: pd.DataFrame,
    *,
    by: Sequence[str],
    statistic: Statistic,
    reference: tuple | None = None,
    relative: bool = False,
    n_draws: int = 2000,
    level: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """Each candidate's ``statistic`` and its difference from ``reference``, with a paired
    bootstrap interval over the test rows and the replicates.

    Parameters
    ----------
    predictions : DataFrame
        One row per candidate, replicate and test row: the ``by`` columns, ``replicate``, ``row``,
        ``observed`` and ``predicted``, as :attr:`StabilityResult.predictions` holds them. Every
        candidate must predict every test row in every replicate.
    by : sequence of str
        The columns naming a candidate (``["model"]``, or ``["design", "model"]``).
    statistic : {"rmse", "mean_sd"}
        ``rmse``: the test RMSE of each row's mean prediction; ``mean_sd``: the sd of a row's
        predictions across replicates, averaged over rows. Smaller is better for both.
    reference : tuple, optional
        The candidate the others are compared with; by default the one with the smallest value.
    relative : bool
        Report differences relative to the reference's value ((candidate − reference) /
        reference), each bootstrap draw divided by its own reference value.
    n_draws, level, seed
        Bootstrap resamples, the interval's coverage, and the seed of the resampling (None: a
        fresh seed; the one used is in the result's ``attrs["seed"]``).

    Returns
    -------
    DataFrame indexed by ``by``: ``value``, ``difference`` (candidate − reference, or relative to
    the reference), ``lower`` and
    ``upper`` (percentile interval of the difference), ``clear`` (the interval excludes 0), and
    ``is_reference``.
    """
    statistic = check.option(statistic, "statistic", ("rmse", "mean_sd"))
    n_draws = check.integer(n_draws, "n_draws", low=10)
    level = check.real(level, "level", low=0.5, high=1.0, high_open=True)
    seed = resolved_seed(seed)
    relative = check.flag(relative, "relative")
    by = list(by)
    needed = {*by, "replicate", "row", "observed", "predicted"}
    if not needed <= set(predictions.columns):
        raise check.InvalidArgumentError(
            f"predictions must have the columns {sorted(needed)}, got {list(predictions.columns)}"
        )
    cube, observed, candidates = _prediction_cube(predictions, by)
    n_replicates, n_rows = cube.shape[1], cube.shape[2]
    value = _statistic(cube, observed, statistic)
    if reference is None:
        reference_index = int(np.argmin(value))
    elif tuple(reference) in candidates:
        reference_index = candidates.get_loc(tuple(reference))
    else:
        raise check.InvalidArgumentError(
            f"reference must name a candidate by {by}, got {reference!r}"
        )
    rng = np.random.default_rng(seed)
    differences = np.empty((len(candidates), n_draws))
    for draw in range(n_draws):
        rows = rng.integers(0, n_rows, n_rows)
        replicates = rng.integers(0, n_replicates, n_replicates)
        resampled = cube[:, replicates][:, :, rows]
        drawn = _statistic(resampled, observed[rows], statistic)
        differences[:, draw] = _difference(drawn, reference_index, relative)
    tail = (1.0 - level) / 2.0
    lower, upper = np.quantile(differences, [tail, 1.0 - tail], axis=1)
    table = pd.DataFrame(
        {
            "value": value,
            "difference": _difference(value, reference_index, relative),
            "lower": lower,
            "upper": upper,
        },
        index=candidates,
    )
    table["clear"] = (table["lower"] > 0) | (table["upper"] < 0)
    table["is_reference"] = np.arange(len(table)) == reference_index
    table.attrs["seed"] = seed
    return table


def _prediction_cube(
    predictions: pd.DataFrame, by: list[str]
) -> tuple[np.ndarray, np.ndarray, pd.MultiIndex]:
    """Predictions as candidates x replicates x rows, the observed value per row, and the
    candidates' index."""
    frame = predictions.astype({column: str for column in by})
    candidates = pd.MultiIndex.from_frame(frame[by].drop_duplicates())
    replicates = np.sort(frame["replicate"].unique())
    rows = np.sort(frame["row"].unique())
    wide = frame.pivot_table(
        index=[*by, "replicate"], columns="row", values="predicted", observed=True
    ).reindex(pd.MultiIndex.from_tuples([(*c, r) for c in candidates for r in replicates]))
    wide = wide.reindex(columns=rows)
    if wide.isna().any().any():
        raise check.InvalidArgumentError(
            "predictions must hold every candidate's prediction of every test row in every "
            "replicate"
        )
    cube = wide.to_numpy().reshape(len(candidates), len(replicates), len(rows))
    observed = frame.groupby("row")["observed"].first().reindex(rows).to_numpy()
    return cube, observed, candidates


def _difference(values: np.ndarray, reference_index: int, relative: bool) -> np.ndarray:
    """Each candidate's value less the reference's, divided by it when ``relative``."""
    difference = values - values[reference_index]
    return difference / values[reference_index] if relative else difference


def _statistic(cube: np.ndarray, observed: np.ndarray, statistic: str) -> np.ndarray:
    """Per candidate: the RMSE of the rows' mean predictions, or the rows' mean prediction sd."""
    if statistic == "rmse":
        return np.sqrt(((cube.mean(axis=1) - observed) ** 2).mean(axis=1))
    return cube.std(axis=1, ddof=1).mean(axis=1)
