"""PCS model comparison: unpenalised, lasso, ridge and elastic-net fits on several designs, judged
on the same held-out rows and bootstrap replicates for prediction accuracy, prediction stability and
sparsity (Yu & Barter, *Veridical Data Science*).

Every (design, model) pair runs through :func:`statlab.prediction_stability` with the same ``seed``,
so all pairs share the held-out rows, the bootstrap rows and the CV folds of every replicate: the
differences in the table come from the models and designs, not from the draws.

Example
-------
>>> import statlab as sl
>>> comparison = sl.compare_models(
...     sl.data.load("prostate"), designs={"main": "lpsa ~ ."}, models=["ols", "lasso"],
...     n_draws=3, seed=479, backend="python")
>>> comparison.summary().index.tolist()
[('main', 'ols'), ('main', 'lasso')]
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed

UNPENALISED = "unpenalised"
DEFAULT_MODELS: dict[str, float | str] = {
    "ols": UNPENALISED,
    "lasso": 1.0,
    "ridge": 0.0,
    "enet": 0.5,
}
# criterion -> (summary column, whether smaller is better)
CRITERIA = {
    "accuracy": ("rmse", True),
    "stability": ("mean_sd", True),
    "sparsity": ("mean_nonzero", True),
    "sign_consistency": ("sign_consistency", False),
}


@dataclass(frozen=True, repr=False)
class ModelComparison:
    """The prediction-stability runs of every design, and their comparison.

    Attributes
    ----------
    results : dict of str to StabilityResult
        One run per design (all models inside it), in the order the designs were given.
    designs : dict of str to str
        Design name -> formula.
    models : dict of str to float, str or estimator
        Model name -> glmnet alpha, "unpenalised", or a scikit-learn estimator.
    seed, n_draws, backend
        How the runs were made (shared by every design); ``n_draws`` is the course's B.
    """

    results: dict[str, Any]
    designs: dict[str, str]
    models: dict[str, Any]
    seed: int
    n_draws: int
    backend: str

    def summary(self) -> pd.DataFrame:
        """One row per (design, model): ``n_terms`` (columns of the design), the accuracy,
        stability and sparsity columns of :meth:`StabilityResult.summary` (``rmse``,
        ``mean_replicate_rmse``, ``mean_sd``, ``mean_width``, ``coverage``, ``mean_nonzero``,
        ``lambda_median``), ``selection_frequency`` (share of replicates in which a term is
        nonzero, averaged over terms), ``sign_consistency`` (for each term ever selected, the
        share of its nonzero replicates that have its majority sign; averaged over those terms)
        and ``aliased_replicates`` (replicates in which the unpenalised fit had to leave aliased
        columns out, R's ``NA`` coefficients)."""
        tables = []
        for design, result in self.results.items():
            # prediction_stability lists the glmnet models first: use the order given here
            table = result.summary().loc[list(self.models)]
            selection = result.selection_frequency()
            table["selection_frequency"] = selection.groupby("model", sort=False)["selected"].mean()
            table["sign_consistency"] = _sign_consistency(result.coefficients)
            table["aliased_replicates"] = _aliased_replicates(result.coefficients)
            table.insert(0, "n_terms", selection.groupby("model", sort=False).size())
            table.index = pd.MultiIndex.from_product(
                [[design], table.index], names=["design", "model"]
            )
            tables.append(table)
        return pd.concat(tables)

    def winners(self) -> pd.DataFrame:
        """For each criterion (accuracy: lowest ``rmse``; stability: lowest ``mean_sd``; sparsity:
        fewest ``mean_nonzero``; sign consistency: highest), the best (design, model) and its
        value, and the best model within each design."""
        summary = self.summary()
        rows = []
        for criterion, (column, smaller) in CRITERIA.items():
            values = summary[column]
            best = values.idxmin() if smaller else values.idxmax()
            row = {"criterion": criterion, "column": column, "design": best[0], "model": best[1]}
            row["value"] = float(values.loc[best])
            for design in self.results:
                within = values.xs(design, level="design")
                row[f"best_in_{design}"] = within.idxmin() if smaller else within.idxmax()
            rows.append(row)
        return pd.DataFrame(rows).set_index("criterion")

    def differences(
        self,
        criterion: Literal["accuracy", "stability"] = "accuracy",
        *,
        reference: tuple[str, str] | None = None,
        n_draws: int = 2000,
        level: float = 0.95,
        seed: int | None = None,
    ) -> pd.DataFrame:
        """Every (design, model) against ``reference`` (by default the best) on the criterion's
        column (accuracy: ``rmse``; stability: ``mean_sd``), with a paired bootstrap interval over
        the shared test rows and replicates (:func:`statlab.stability.paired_differences`;
        ``seed`` defaults to the comparison's). A pair whose interval includes 0 is within noise of the reference.

        >>> import statlab as sl
        >>> comparison = sl.compare_models(
        ...     sl.data.load("prostate"), designs={"main": "lpsa ~ ."}, models=["lasso", "ridge"],
        ...     n_draws=3, seed=479, backend="python")
        >>> comparison.differences("accuracy").columns.tolist()
        ['value', 'difference', 'lower', 'upper', 'clear', 'is_reference']
        """
        from statlab.stability import paired_differences

        criterion = check.option(criterion, "criterion", ("accuracy", "stability"))
        column, _ = CRITERIA[criterion]
        predictions = pd.concat(
            [result.predictions.assign(design=design) for design, result in self.results.items()],
            ignore_index=True,
        )
        table = paired_differences(
            predictions,
            by=["design", "model"],
            statistic=column,
            reference=reference,
            n_draws=n_draws,
            level=level,
            seed=self.seed if seed is None else seed,
        )
        order = pd.MultiIndex.from_product(
            [list(self.designs), list(self.models)], names=["design", "model"]
        )
        return table.reindex(order)

    def to_frame(self) -> pd.DataFrame:
        """Per design, model and test point: the bootstrap prediction summary of
        :meth:`StabilityResult.test_points`, with a ``design`` column first."""
        frames = [
            result.test_points().assign(design=design) for design, result in self.results.items()
        ]
        frame = pd.concat(frames, ignore_index=True)
        frame["model"] = pd.Categorical(frame["model"], categories=list(self.models))
        frame["design"] = pd.Categorical(frame["design"], categories=list(self.designs))
        return frame[["design", *[c for c in frame.columns if c != "design"]]]

    def plot(self) -> Any:
        """Accuracy against stability: test RMSE (x) against the mean bootstrap sd of the
        predictions (y), point size the mean number of nonzero coefficients, one colour per
        model and one shape per design."""
        from statlab.plots.comparison import plot_accuracy_stability

        return plot_accuracy_stability(self.summary().reset_index())

    def plot_stability(self) -> Any:
        """The prediction stability plot of every model (columns) and design (rows)."""
        from statlab.plots.comparison import plot_stability_grid

        return plot_stability_grid(self.to_frame())

    def __repr__(self) -> str:
        columns = ["n_terms", "rmse", "mean_sd", "coverage", "mean_nonzero", "sign_consistency"]
        table = self.summary()[columns].to_string(float_format=lambda v: f"{v:.4g}")
        return (
            f"ModelComparison(n_draws={self.n_draws}, seed={self.seed}, backend={self.backend!r}, "
            f"designs={list(self.designs)})\n{table}"
        )


def compare_models(
    data: pd.DataFrame,
    *,
    designs: Mapping[str, str],
    models: Sequence[str] | Mapping[str, Any] | None = None,
    n_test: int = 20,
    n_draws: int = 100,
    seed: int | None = None,
    backend: Literal["auto", "r", "python"] = "auto",
    n_jobs: int | None = None,
    nfolds: int = 10,
    s: str | float = "lambda.1se",
    progress: bool = False,
) -> ModelComparison:
    """Compare unpenalised, lasso, ridge and elastic-net models on several designs for prediction
    accuracy, prediction stability and sparsity.

    Parameters
    ----------
    data
        The data frame the design formulas refer to.
    designs
        Design name -> R-style formula, e.g. ``{"main": "lpsa ~ .", "interactions": "lpsa ~ .^2"}``;
        every formula must have the same response (its left-hand side, e.g. ``log(O3)``).
    models
        Names from ``DEFAULT_MODELS`` ("ols" unpenalised, "lasso" alpha 1, "ridge" alpha 0, "enet"
        alpha 0.5), or a mapping name -> glmnet alpha, "unpenalised" or a scikit-learn estimator
        (fitted or not: a clone is fitted in every replicate, see
        :class:`statlab.stability.EstimatorFit`). Default: all four.
    n_test, n_draws, seed, backend, n_jobs, nfolds, s, progress
        As in :func:`statlab.prediction_stability`; one seed serves every design, so all share
        the held-out rows and the bootstrap replicates. None draws a seed, recorded in the result.

    The unpenalised model needs more training rows (n − n_test) than columns + 1 in every
    design; a bootstrap sample that repeats rows can still leave columns aliased, which the fit
    then leaves out as R's ``lm`` does (counted in the summary's ``aliased_replicates``).

    >>> import statlab as sl
    >>> comparison = compare_models(sl.data.load("prostate"),
    ...                             designs={"main": "lpsa ~ .", "interactions": "lpsa ~ .^2"},
    ...                             models=["ols", "lasso"], n_draws=3, seed=1, backend="python")
    >>> comparison.summary()["n_terms"].tolist()
    [8, 8, 36, 36]
    """
    from statlab import _rbridge
    from statlab.design import model_matrix, model_response
    from statlab.stability import prediction_stability
    from statlab.unpenalised import UnpenalisedFit, check_enough_rows

    if not isinstance(data, pd.DataFrame):
        raise check.ArgumentTypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    checked_designs = _check_designs(designs)
    checked_models = _check_models(models)
    n_test = check.integer(n_test, "n_test", low=1)
    nfolds = check.integer(nfolds, "nfolds", low=3)
    seed = resolved_seed(seed)
    ran = _rbridge.resolve_backend(backend)
    alphas = {name: m for name, m in checked_models.items() if isinstance(m, float)}
    learners = {
        name: UnpenalisedFit(backend=ran) if isinstance(m, str) else m
        for name, m in checked_models.items()
        if not isinstance(m, float)
    }
    unpenalised = [name for name, m in checked_models.items() if isinstance(m, str)]

    response: pd.Series | None = None
    results = {}
    for design, formula in checked_designs.items():
        X = model_matrix(formula, data)
        y = model_response(formula, data)
        if response is None:
            response = y
        elif y.shape != response.shape or not np.array_equal(y.to_numpy(), response.to_numpy()):
            first = next(iter(checked_designs))
            raise check.InvalidArgumentError(
                f"designs must share one response: design {design!r} ({formula!r}) models "
                f"another response than design {first!r} ({checked_designs[first]!r})"
            )
        if len(X) - n_test < nfolds:
            raise check.InvalidArgumentError(
                f"n_test leaves {len(X) - n_test} training rows of the {len(X)} in design "
                f"{design!r}, fewer than nfolds = {nfolds} folds need: choose a smaller n_test"
            )
        if unpenalised:
            try:
                # every bootstrap sample has the n - n_test training rows
                check_enough_rows(len(X) - n_test, X.shape[1])
            except ValueError as error:
                raise check.InvalidArgumentError(
                    f"model {unpenalised[0]!r} (unpenalised) cannot be fitted on design "
                    f"{design!r} ({formula!r}): {error}"
                ) from error
        results[design] = prediction_stability(
            X,
            y,
            alphas=alphas,
            learners=learners,
            n_test=n_test,
            n_draws=n_draws,
            s=s,
            seed=seed,
            backend=ran,
            n_jobs=n_jobs,
            nfolds=nfolds,
            progress=progress,
        )
    return ModelComparison(
        results=results,
        designs=checked_designs,
        models=checked_models,
        seed=int(seed),
        n_draws=n_draws,
        backend=ran,
    )


def _check_designs(designs: Any) -> dict[str, str]:
    if not isinstance(designs, Mapping) or len(designs) == 0:
        raise check.InvalidArgumentError(
            "designs must be a non-empty mapping of design name to formula, e.g. "
            f"{{'main': 'lpsa ~ .', 'interactions': 'lpsa ~ .^2'}}, got {designs!r}"
        )
    for name, formula in designs.items():
        if not isinstance(name, str) or not name:
            raise check.InvalidArgumentError(f"designs keys must be non-empty names, got {name!r}")
        if not isinstance(formula, str) or "~" not in formula or not formula.split("~")[0].strip():
            raise check.InvalidArgumentError(
                f"designs[{name!r}] must be a formula with a response such as 'y ~ .', "
                f"got {formula!r}"
            )
    return dict(designs)


def _check_models(models: Any) -> dict[str, Any]:
    if models is None:
        return dict(DEFAULT_MODELS)
    if isinstance(models, str):
        raise check.InvalidArgumentError(
            f"models must be a list of model names, not a string: got {models!r}"
        )
    if isinstance(models, Mapping):
        checked: dict[str, Any] = {}
        for name, spec in models.items():
            if check.is_estimator(spec):
                checked[str(name)] = spec
            elif isinstance(spec, str) and spec == UNPENALISED:
                checked[str(name)] = UNPENALISED
            elif (
                isinstance(spec, numbers.Real)
                and not isinstance(spec, bool)
                and 0 <= float(spec) <= 1
            ):
                checked[str(name)] = float(spec)
            else:
                raise check.InvalidArgumentError(
                    f"models[{name!r}] must be a glmnet alpha in [0, 1], {UNPENALISED!r} or a "
                    f"scikit-learn estimator, got {spec!r}"
                )
    elif isinstance(models, Sequence):
        unknown = [name for name in models if name not in DEFAULT_MODELS]
        if unknown:
            raise check.InvalidArgumentError(
                f"unknown model name(s) {unknown} in models; known: {', '.join(DEFAULT_MODELS)} "
                "(or pass a mapping of name to glmnet alpha / 'unpenalised')"
            )
        checked = {name: DEFAULT_MODELS[name] for name in models}
    else:
        raise check.InvalidArgumentError(
            f"models must be a list of names or a mapping, got {models!r}"
        )
    if not checked:
        raise check.InvalidArgumentError("models must name at least one model")
    return checked


def _sign_consistency(coefficients: pd.DataFrame) -> pd.Series:
    slopes = coefficients[coefficients["term"] != "(Intercept)"]
    signs = slopes.assign(
        positive=slopes["coef"] > 0,
        negative=slopes["coef"] < 0,
        nonzero=slopes["coef"].fillna(0.0) != 0,
    ).groupby(["model", "term"], sort=False)[["positive", "negative", "nonzero"]]
    counts = signs.sum()
    counts = counts[counts["nonzero"] > 0]
    per_term = counts[["positive", "negative"]].max(axis=1) / counts["nonzero"]
    return per_term.groupby(level="model", sort=False).mean()


def _aliased_replicates(coefficients: pd.DataFrame) -> pd.Series:
    """Per model, the replicates in which some, not all, coefficients are NaN (a column the
    unpenalised fit left out because the bootstrap sample made it a combination of others; a
    model without coefficients, all NaN, has none)."""
    missing = coefficients.assign(missing=coefficients["coef"].isna())
    by_replicate = missing.groupby(["model", "replicate"], sort=False)["missing"]
    aliased = by_replicate.any() & ~by_replicate.all()
    return aliased.groupby(level="model", sort=False).sum().astype(int)
