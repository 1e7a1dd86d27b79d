""":func:`prediction_stability`: check the arguments, split, run the replicates, build the tables."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed
from statlab.stability._estimator_fit import EstimatorFit
from statlab.stability._glmnet_fit import GlmnetFit, ReplicateFit
from statlab.stability._replicates import FitPredict, run_replicates
from statlab.stability._resampling import holdout_rows
from statlab.stability.result import INTERCEPT, StabilityResult

DEFAULT_N_TEST = 20
LAMBDA_RULES = ("lambda.1se", "lambda.min")


@check.renamed(B="n_draws")
def prediction_stability(
    X: Any,
    y: Any,
    *,
    alphas: Mapping[str, float],
    n_test: int | None = None,
    n_draws: int = 100,
    s: str | float = "lambda.1se",
    seed: int | None = None,
    backend: Literal["auto", "r", "python"] = "auto",
    n_jobs: int | None = None,
    test_index: Sequence[int] | np.ndarray | None = None,
    nfolds: int = 10,
    progress: bool = False,
    learners: Mapping[str, Any] | None = None,
) -> StabilityResult:
    """Bootstrap the training rows ``n_draws`` times, refit each cross-validated glmnet model and
    predict the held-out rows: the data of a prediction stability plot (Yu & Barter, *Veridical
    Data Science*).

    Parameters
    ----------
    X, y
        Numeric design matrix (e.g. from :func:`statlab.model_matrix`) and response.
    alphas
        Model name -> glmnet ``alpha`` in [0, 1], e.g. ``{"lasso": 1.0, "ridge": 0.0}``.
    n_test, test_index
        Hold out ``n_test`` rows drawn from ``seed`` (default 20), or exactly the 0-based rows
        ``test_index``; not both.
    n_draws
        Number of bootstrap replicates (the course's B; ``B=`` still works, deprecated); in each,
        every model is fitted with :func:`statlab.cv_glmnet` (``nfolds`` folds) on the same
        bootstrap rows and folds. As when ``cv.glmnet`` is run on a bootstrap sample in R, copies
        of one row may fall in different folds.
    s
        Lambda used for prediction: "lambda.1se", "lambda.min" or a lambda value. A value outside
        a replicate's lambda path is clamped to the path's end, as R does, with one warning saying
        in how many replicates that happened.
    seed
        Fixes the split and, with the replicate number, each replicate's rows and folds, so results
        do not depend on ``n_jobs``, the joblib backend or the glmnet backend. None draws a seed,
        recorded in the result.
    backend
        "python", "r" or "auto" (R when usable).
    n_jobs
        joblib workers (None: 1, or the ``n_jobs`` of an enclosing ``joblib.parallel_config``).
    progress
        Show a progress bar.
    learners
        More models to run on the same replicates: name -> ``fit_predict(x_train, y_train, foldid,
        x_test)`` returning a :class:`ReplicateFit`, e.g. the unpenalised fit
        :class:`statlab.unpenalised.UnpenalisedFit`, or a scikit-learn estimator, fitted or not
        (:class:`statlab.stability.EstimatorFit`: a clone is fitted in every replicate).
        ``alphas`` may then be empty.

    Examples
    --------
    >>> import statlab as sl
    >>> pr = sl.data.load("prostate")
    >>> X = sl.model_matrix("lpsa ~ .", pr)
    >>> res = sl.prediction_stability(X, pr["lpsa"], alphas={"lasso": 1.0, "ridge": 0.0},
    ...                               n_draws=4, seed=479, backend="python")
    >>> list(res.summary().columns)[:3], res.coefficients["term"].iloc[0]
    (['rmse', 'mean_replicate_rmse', 'mean_sd'], '(Intercept)')
    """
    from statlab import _rbridge

    x, names = check.matrix(X, "X")
    y_values = check.response(y, x.shape[0], "y")
    models = _check_alphas(alphas, allow_empty=bool(learners))
    extra = _check_learners(learners, models)
    _check_s(s)
    n_draws = check.integer(n_draws, "n_draws", low=1)
    nfolds = check.integer(nfolds, "nfolds", low=3)
    n_jobs = check.n_jobs(n_jobs)
    progress = check.flag(progress, "progress")
    chosen_seed = resolved_seed(seed)
    ran = _rbridge.resolve_backend(check.backend(backend))
    held_out = _held_out_rows(x.shape[0], n_test, test_index, chosen_seed, nfolds)

    fitters: dict[str, FitPredict] = {
        name: GlmnetFit(alpha=alpha, s=s, backend=ran) for name, alpha in models.items()
    }
    fitters.update(extra)
    fits = run_replicates(
        fitters,
        x,
        y_values,
        held_out,
        n_draws=n_draws,
        seed=chosen_seed,
        nfolds=nfolds,
        n_jobs=n_jobs,
        progress=progress,
    )
    clamped = sum(fit.clamped for by_model in fits for fit in by_model.values())
    if clamped:
        warnings.warn(
            f"s = {s!r} lay outside the lambda path in {clamped} of {n_draws * len(models)} "
            "model fits; those predictions use the path's nearest end, as R's glmnet does",
            UserWarning,
            stacklevel=2,
        )
    return StabilityResult(
        predictions=_predictions_table(fits, held_out, y_values),
        coefficients=_coefficients_table(fits, [INTERCEPT, *names]),
        lambdas=_lambdas_table(fits),
        models=tuple(fitters),
        test_index=held_out,
        n_train=x.shape[0] - held_out.shape[0],
        seed=chosen_seed,
        s=s,
        backend=ran,
        alphas=models,
    )


def _check_alphas(alphas: Any, allow_empty: bool = False) -> dict[str, float]:
    if not isinstance(alphas, Mapping) or (len(alphas) == 0 and not allow_empty):
        raise check.InvalidArgumentError(
            f"alphas must be a non-empty mapping of model name to glmnet alpha, e.g. "
            f"{{'lasso': 1.0, 'ridge': 0.0}}, got {alphas!r}"
        )
    checked = {}
    for name, alpha in alphas.items():
        if not isinstance(name, str) or not name:
            raise check.InvalidArgumentError(
                f"alphas keys must be non-empty model names, got {name!r}"
            )
        checked[name] = check.real(alpha, f"alphas[{name!r}]", low=0.0, high=1.0)
    return checked


def _check_learners(learners: Any, alphas: Mapping[str, float]) -> dict[str, FitPredict]:
    if learners is None:
        return {}
    if not isinstance(learners, Mapping):
        raise check.InvalidArgumentError(
            f"learners must be a mapping of model name to fit_predict callable or scikit-learn "
            f"estimator, got {learners!r}"
        )
    checked: dict[str, FitPredict] = {}
    for name, learner in learners.items():
        if not isinstance(name, str) or not name:
            raise check.InvalidArgumentError(
                f"learners keys must be non-empty model names, got {name!r}"
            )
        if name in alphas:
            raise check.InvalidArgumentError(
                f"learners and alphas both name a model {name!r}: model names must be unique"
            )
        if check.is_estimator(learner):
            checked[name] = EstimatorFit(learner)
        elif callable(learner):
            checked[name] = learner
        else:
            raise check.ArgumentTypeError(
                f"learners[{name!r}] must be a fit_predict callable or a scikit-learn estimator, "
                f"got {learner!r}"
            )
    return checked


def _check_s(s: Any) -> None:
    if isinstance(s, str):
        check.option(s, "s", LAMBDA_RULES)
        return
    if isinstance(s, bool) or not isinstance(s, numbers.Real):
        raise check.ArgumentTypeError(
            f"s must be 'lambda.1se', 'lambda.min' or a lambda value, got {s!r}"
        )
    check.real(s, "s", low=0.0)


def _held_out_rows(
    n_rows: int,
    n_test: Any,
    test_index: Any,
    seed: int,
    nfolds: int,
) -> np.ndarray:
    if test_index is not None and n_test is not None:
        raise check.InvalidArgumentError("n_test and test_index were both given: pass one of them")
    if test_index is None:
        n_test = DEFAULT_N_TEST if n_test is None else n_test
        n_test = check.integer(n_test, "n_test", low=1, high=n_rows - 1)
        held_out = holdout_rows(n_rows, n_test, seed)
        name = "n_test"
    else:
        index = np.asarray(test_index)
        if index.ndim != 1 or index.size == 0 or index.dtype.kind not in "iu":
            raise check.InvalidArgumentError(
                f"test_index must be a non-empty list of integer rows, got {test_index!r}"
            )
        outside = index[(index < 0) | (index >= n_rows)]
        if outside.size:
            raise check.InvalidArgumentError(
                f"test_index has rows outside 0..{n_rows - 1} (0-based): {outside[:5].tolist()}"
            )
        values, counts = np.unique(index, return_counts=True)
        if (counts > 1).any():
            raise check.InvalidArgumentError(
                f"test_index repeats rows {values[counts > 1][:5].tolist()}"
            )
        held_out = values.astype(np.int64)
        name = "test_index"
    n_train = n_rows - held_out.shape[0]
    if n_train < max(nfolds, 3):
        raise check.InvalidArgumentError(
            f"{name} leaves {n_train} training rows, fewer than nfolds = {nfolds} folds need"
        )
    return held_out


def _predictions_table(
    fits: list[dict[str, ReplicateFit]], held_out: np.ndarray, y: np.ndarray
) -> pd.DataFrame:
    predicted = _stacked(fits, lambda fit: fit.predicted)  # model x replicate x test row
    n_models, n_replicates, n_test = predicted.shape
    return pd.DataFrame(
        {
            "model": np.repeat(list(fits[0]), n_replicates * n_test),
            "replicate": np.tile(np.repeat(np.arange(n_replicates), n_test), n_models),
            "row": np.tile(held_out, n_models * n_replicates),
            "observed": np.tile(y[held_out], n_models * n_replicates),
            "predicted": predicted.reshape(-1),
        }
    )


def _coefficients_table(fits: list[dict[str, ReplicateFit]], terms: list[str]) -> pd.DataFrame:
    coefficients = _stacked(fits, lambda fit: fit.coefficients)  # model x replicate x term
    n_models, n_replicates, n_terms = coefficients.shape
    return pd.DataFrame(
        {
            "model": np.repeat(list(fits[0]), n_replicates * n_terms),
            "replicate": np.tile(np.repeat(np.arange(n_replicates), n_terms), n_models),
            "term": np.tile(np.asarray(terms, dtype=object), n_models * n_replicates),
            "coef": coefficients.reshape(-1),
        }
    )


def _lambdas_table(fits: list[dict[str, ReplicateFit]]) -> pd.DataFrame:
    lambdas = _stacked(fits, lambda fit: np.array([fit.lambda_]))[:, :, 0]  # model x replicate
    n_models, n_replicates = lambdas.shape
    return pd.DataFrame(
        {
            "model": np.repeat(list(fits[0]), n_replicates),
            "replicate": np.tile(np.arange(n_replicates), n_models),
            "lambda": lambdas.reshape(-1),
        }
    )


def _stacked(
    fits: list[dict[str, ReplicateFit]], values: Callable[[ReplicateFit], np.ndarray]
) -> np.ndarray:
    """``values(fit)`` of every model and replicate as one array: model x replicate x value."""
    return np.stack([np.stack([values(by_model[name]) for by_model in fits]) for name in fits[0]])
