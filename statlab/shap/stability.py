"""SHAP stability: how explanations move when the model is refitted on resampled training data,
and "comparing models with SHAP" (accuracy, one run's SHAP values, and their stability).

Each replicate draws training rows (a bootstrap sample, or a subsample without replacement), refits
the model with the caller's ``model_fn`` and computes SHAP values of the same explained rows
against the same background rows, so that only the fitted model changes between replicates. The
overall importance of feature j in a replicate is mean_i |φ_ij| over the explained rows.
Replicates run through joblib (``n_jobs``, :func:`statlab._replicates.map_replicates`); replicate
b's rows come from (seed, b) alone, so the result does not depend on ``n_jobs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab._replicates import map_replicates
from statlab.shap import _checks
from statlab.shap.result import ShapResult

ModelFn = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], Any]]


@dataclass(frozen=True, repr=False)
class ShapStabilityResult:
    """Overall SHAP importance of each feature in every refit, and in the fit on all rows.

    Attributes
    ----------
    importance : DataFrame
        ``replicate, feature, mean_abs_phi, mean_phi``: one row per refit and feature.
    reference : ShapResult
        SHAP values of the model fitted on all training rows.
    model : str
        The model's label.
    n_draws, subsample, seed, n_explain, n_background, method
        How the run was made (``seed`` drawn afresh when the call gave None); ``backend`` is
        "python" (the model is the caller's).
    fitted : callable
        The prediction function of the fit on all training rows.
    """

    importance: pd.DataFrame
    reference: ShapResult
    model: str
    n_draws: int
    subsample: float | None
    seed: int
    n_explain: int
    n_background: int
    method: str
    fitted: Callable[[np.ndarray], Any] | None = None
    backend: str = "python"

    def to_frame(self) -> pd.DataFrame:
        """The per-replicate importance table with a ``model`` column."""
        return self.importance.assign(model=self.model)

    def summary(self) -> pd.DataFrame:
        """Per feature: ``full_fit`` (importance in the fit on all rows), ``mean``, ``sd``,
        ``lower``/``upper`` (2.5% and 97.5% quantiles over refits), ``mean_rank`` (1 = most
        important) and ``top_share`` (share of refits where the feature ranks first); ordered by
        ``full_fit``, largest first, with a ``model`` column."""
        ranked = self.importance.assign(
            rank=self.importance.groupby("replicate")["mean_abs_phi"].rank(ascending=False)
        )
        grouped = ranked.groupby("feature", observed=True, sort=False)
        table = grouped.agg(
            mean=("mean_abs_phi", "mean"),
            sd=("mean_abs_phi", "std"),
            lower=("mean_abs_phi", lambda v: v.quantile(0.025)),
            upper=("mean_abs_phi", lambda v: v.quantile(0.975)),
            mean_rank=("rank", "mean"),
            top_share=("rank", lambda r: float((r == 1).mean())),
        )
        full = pd.Series(
            np.abs(self.reference.values).mean(axis=0), index=list(self.reference.feature_names)
        )
        table.insert(0, "full_fit", full.reindex(table.index.astype(str)).to_numpy())
        table.index = pd.Index(table.index.astype(str), name="feature")
        return table.sort_values("full_fit", ascending=False).assign(model=self.model)

    def plot(self) -> Any:
        """Each feature's importance across refits: the 2.5–97.5% interval, the refits as points,
        the full fit as a cross (see :func:`statlab.plots.shap.plot_shap_stability`)."""
        from statlab.plots.shap import plot_shap_stability

        return plot_shap_stability([self])

    def __repr__(self) -> str:
        return (
            f"ShapStabilityResult(model={self.model!r}, n_draws={self.n_draws}, subsample={self.subsample}, "
            f"seed={self.seed})\n" + self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        )


def shap_stability(
    model_fn: ModelFn | Any,
    X: Any,
    y: Any,
    *,
    n_draws: int,
    subsample: float | None = None,
    seed: int | None = None,
    explain: Any = None,
    n_explain: int = 200,
    n_background: int = 50,
    method: str = "exact",
    n_samples: int = 1000,
    model: str = "model",
    feature_names: Sequence[str] | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> ShapStabilityResult:
    """Refit a model on ``n_draws`` resamples of (X, y) (the course's B) and follow its overall SHAP
    importance.

    ``model_fn(X_train, y_train)`` fits the model and returns its prediction function (an (n, p)
    array to n numbers; for a classifier, one probability column); a scikit-learn estimator,
    fitted or not, may stand in for it (a clone is fitted each time; a two-class classifier is
    explained by its probability of ``classes_[1]``). ``subsample=None`` draws
    bootstrap samples (n rows with replacement); a fraction in (0, 1) draws that share of the rows
    without replacement. The explained rows (``explain``, else ``n_explain`` rows of X) and the
    ``n_background`` background rows are drawn once from ``seed`` and kept for every refit;
    ``seed=None`` draws a fresh seed, recorded in the result's ``seed``.
    ``method`` is "exact" (marginal, p ≤ 15) or "kernel" (``n_samples`` coalitions).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(80, 3)); y = 2 * X[:, 0] + X[:, 1] + rng.normal(size=80)
    >>> def ols(X, y):
    ...     beta = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
    ...     return lambda Z: beta[0] + Z @ beta[1:]
    >>> res = shap_stability(ols, X, y, n_draws=5, seed=1, n_explain=20, n_background=20)
    >>> res.summary().index.tolist()
    ['x1', 'x2', 'x3']
    """
    model_fn = _checks.model_refit(model_fn)
    if not callable(model_fn):
        raise check.ArgumentTypeError(
            "model_fn must be a function (X_train, y_train) -> prediction function"
        )
    x_all = _checks.rows(X, "X")
    n_rows, n_features = x_all.shape
    y_all = np.asarray(y)
    if y_all.ndim != 1 or y_all.shape[0] != n_rows:
        raise check.InvalidArgumentError(
            f"y must have one value per row of X ({n_rows}), got shape {y_all.shape}"
        )
    n_draws = check.integer(n_draws, "n_draws", low=2)
    seed = resolved_seed(seed)
    if subsample is not None and not (
        isinstance(subsample, float | int) and not isinstance(subsample, bool) and 0 < subsample < 1
    ):
        raise check.InvalidArgumentError(
            f"subsample must be None (bootstrap) or a fraction in (0, 1), got {subsample!r}"
        )
    if method not in ("exact", "kernel"):
        raise check.InvalidArgumentError(f"method must be 'exact' or 'kernel', got {method!r}")
    if method == "exact":
        _checks.exact_size(n_features, "X")
    n_background = check.integer(n_background, "n_background", low=1)
    names = _checks.feature_names(X, None, feature_names, n_features)
    rng = np.random.default_rng(seed)
    if explain is None:
        n_explain = check.integer(n_explain, "n_explain", low=1)
        explained = x_all[rng.choice(n_rows, size=min(n_explain, n_rows), replace=False)]
    else:
        explained = _checks.rows(explain, "explain", n_features)
    background = x_all[rng.choice(n_rows, size=min(n_background, n_rows), replace=False)]

    def refit_importance(replicate: int, rng: np.random.Generator) -> np.ndarray:
        """mean |phi| and mean phi per feature of the refit on replicate's resampled rows."""
        rows = _draw(rng, n_rows, subsample)
        refit = model_fn(x_all[rows], y_all[rows])
        values = _explain(refit, explained, background, names, method, n_samples, seed).values
        return np.stack([np.abs(values).mean(axis=0), values.mean(axis=0)])

    fitted = model_fn(x_all, y_all)
    reference = _explain(fitted, explained, background, names, method, n_samples, seed)
    importance = map_replicates(
        refit_importance,
        n_draws,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
        description=f"SHAP refits ({model})",
    )
    stacked = np.stack(importance)  # (n_draws, 2, p): mean |phi|, mean phi
    table = pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(n_draws), n_features),
            "feature": pd.Categorical(np.tile(names, n_draws), categories=list(names)),
            "mean_abs_phi": stacked[:, 0, :].ravel(),
            "mean_phi": stacked[:, 1, :].ravel(),
        }
    )
    return ShapStabilityResult(
        importance=table,
        reference=reference,
        model=model,
        n_draws=n_draws,
        subsample=subsample,
        seed=seed,
        n_explain=explained.shape[0],
        n_background=background.shape[0],
        method=method,
        fitted=fitted,
    )


def _draw(rng: np.random.Generator, n_rows: int, subsample: float | None) -> np.ndarray:
    """A bootstrap sample of the row indices, or a share ``subsample`` of them without
    replacement."""
    if subsample is None:
        return rng.integers(0, n_rows, size=n_rows)
    return rng.choice(n_rows, size=max(2, round(subsample * n_rows)), replace=False)


def _explain(
    f: Any,
    explained: np.ndarray,
    background: np.ndarray,
    names: Sequence[str],
    method: str,
    n_samples: int,
    seed: int,
) -> ShapResult:
    from statlab.shap.exact import exact_shap
    from statlab.shap.kernel import kernel_shap

    if not callable(f):
        raise check.ArgumentTypeError(
            f"model_fn must return a prediction function, got {type(f).__name__}"
        )
    if method == "exact":
        return exact_shap(f, explained, background, feature_names=names, backend="python")
    return kernel_shap(
        f, explained, background, n_samples=n_samples, seed=seed, feature_names=names
    )


@dataclass(frozen=True, repr=False)
class ShapModelComparison:
    """Several models compared on held-out accuracy, SHAP values of one run, and SHAP stability
    under bootstrap refits (see :func:`compare_models_shap`); ``seed`` is the seed of the run
    (drawn afresh when the call gave None)."""

    accuracy: pd.DataFrame
    shap: dict[str, ShapResult]
    stability: dict[str, ShapStabilityResult]
    seed: int
    backend: str = "python"

    def to_frame(self) -> pd.DataFrame:
        """Per-replicate importance of every model (long)."""
        return pd.concat([s.to_frame() for s in self.stability.values()], ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Per model and feature: the stability summary (full fit, mean, sd, interval, ranks)."""
        return pd.concat([s.summary() for s in self.stability.values()])

    def plot(self) -> Any:
        """Importance intervals of every model side by side."""
        from statlab.plots.shap import plot_shap_stability

        return plot_shap_stability(list(self.stability.values()))

    def __repr__(self) -> str:
        return "ShapModelComparison\n" + self.accuracy.to_string(float_format=lambda v: f"{v:.4g}")


def compare_models_shap(
    models: Mapping[str, ModelFn | Any],
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    n_draws: int,
    seed: int | None = None,
    subsample: float | None = None,
    n_explain: int = 200,
    n_background: int = 50,
    n_jobs: int | None = None,
    progress: bool = False,
) -> ShapModelComparison:
    """Fit each model on the training rows (a ``model_fn`` as in :func:`shap_stability`, or a
    scikit-learn classifier), score it on the test rows (accuracy at 0.5 and log loss, for 0/1
    outcomes and probability predictions), explain ``n_explain`` test rows with exact
    SHAP against ``n_background`` training rows, and refit on ``n_draws`` bootstrap samples of the
    training rows (the course's B; :func:`shap_stability`; ``subsample``, a fraction, refits on
    subsamples without replacement instead) to see how the explanations move.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> def logistic_ols(X, y):
    ...     beta = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
    ...     return lambda Z: np.clip(beta[0] + Z @ beta[1:], 0.01, 0.99)
    >>> cmp = compare_models_shap({"lpm": logistic_ols}, X[:150], y[:150], X[150:], y[150:],
    ...                           n_draws=3, seed=1, n_explain=10, n_background=10)
    >>> list(cmp.accuracy.columns)
    ['accuracy', 'log_loss']
    """
    if not models:
        raise check.InvalidArgumentError("models must name at least one model")
    x_train = _checks.rows(X_train, "X_train")
    x_test = _checks.rows(X_test, "X_test", x_train.shape[1])
    observed = np.asarray(y_test, dtype=np.float64)
    if observed.shape != (x_test.shape[0],) or not np.isin(observed, [0.0, 1.0]).all():
        raise check.InvalidArgumentError("y_test must hold one 0/1 outcome per row of X_test")
    names = _checks.feature_names(X_train, None, None, x_train.shape[1])
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    explained = x_test[
        rng.choice(x_test.shape[0], size=min(n_explain, x_test.shape[0]), replace=False)
    ]
    accuracy, shap_values, stability = {}, {}, {}
    for label, model in models.items():
        model_fn = _checks.model_refit(model, f"models[{label!r}]")
        result = shap_stability(
            model_fn,
            x_train,
            y_train,
            n_draws=n_draws,
            seed=seed,
            subsample=subsample,
            explain=explained,
            n_background=n_background,
            model=label,
            feature_names=names,
            n_jobs=n_jobs,
            progress=progress,
        )
        predict = model_fn(x_train, np.asarray(y_train))
        probability = np.clip(
            _checks.evaluate(predict, x_test, "model_fn's prediction"), 1e-15, 1 - 1e-15
        )
        accuracy[label] = {
            "accuracy": float(np.mean((probability > 0.5) == (observed == 1))),
            "log_loss": float(
                -np.mean(observed * np.log(probability) + (1 - observed) * np.log(1 - probability))
            ),
        }
        shap_values[label] = result.reference
        stability[label] = result
    table = pd.DataFrame(accuracy).T
    table.index.name = "model"
    return ShapModelComparison(accuracy=table, shap=shap_values, stability=stability, seed=seed)
