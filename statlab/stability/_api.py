""":func:`prediction_stability`: check the arguments, split, run the replicates, build the tables."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab.stability._glmnet_fit import GlmnetFit, ReplicateFit
from statlab.stability._replicates import FitPredict, run_replicates
from statlab.stability._resampling import holdout_rows
from statlab.stability.result import INTERCEPT, StabilityResult

DEFAULT_N_TEST = 20
LAMBDA_RULES = ("lambda.1se", "lambda.min")


def prediction_stability(
    X: Any,
    y: Any,
    alphas: Mapping[str, float],
    n_test: int | None = None,
    B: int = 100,
    s: str | float = "lambda.1se",
    seed: int | None = None,
    backend: Literal["auto", "r", "python"] = "auto",
    n_jobs: int | None = None,
    test_index: Sequence[int] | np.ndarray | None = None,
    nfolds: int = 10,
    progress: bool = False,
    learners: Mapping[str, FitPredict] | None = None,
) -> StabilityResult:
    """Bootstrap the training rows ``B`` times, refit each cross-validated glmnet model and predict
    the held-out rows: the data of a prediction stability plot (Yu & Barter, *Veridical Data
    Science*).

    Parameters
    ----------
    X, y
        Numeric design matrix (e.g. from :func:`statlab.model_matrix`) and response.
    alphas
        Model name -> glmnet ``alpha`` in [0, 1], e.g. ``{"lasso": 1.0, "ridge": 0.0}``.
    n_test, test_index
        Hold out ``n_test`` rows drawn from ``seed`` (default 20), or exactly the 0-based rows
        ``test_index``; not both.
    B
        Number of bootstrap replicates; in each, every model is fitted with ``cv.glmnet``
        (``nfolds`` folds) on the same bootstrap rows and folds. As when ``cv.glmnet`` is run on a
        bootstrap sample in R, copies of one row may fall in different folds.
    s
        Lambda used for prediction: "lambda.1se", "lambda.min" or a lambda value.
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
        :class:`statlab.unpenalised.UnpenalisedFit`. ``alphas`` may then be empty.

    Examples
    --------
    >>> import statlab as sl
    >>> pr = sl.data.load("prostate")
    >>> X = sl.model_matrix("lpsa ~ .", pr)
    >>> res = sl.prediction_stability(X, pr["lpsa"], alphas={"lasso": 1.0, "ridge": 0.0}, B=4,
    ...                               seed=479, backend="python")
    >>> list(res.summary().columns)[:3], res.coefficients["term"].iloc[0]
    (['rmse', 'mean_replicate_rmse', 'mean_sd'], '(Intercept)')
    """
    from statlab import _rbridge
    from statlab.glmnet import _inputs

    x, names = _inputs.design(X)
    y_values, _ = _inputs.response(y, x.shape[0], "gaussian")
    models = _check_alphas(alphas, allow_empty=bool(learners))
    extra = _check_learners(learners, models)
    _check_s(s)
    _check_positive_int(B, "B")
    _check_positive_int(nfolds, "nfolds")
    _check_n_jobs(n_jobs)
    seed = _check_seed(seed)
    ran = _rbridge.resolve_backend(backend)
    held_out = _held_out_rows(x.shape[0], n_test, test_index, seed, nfolds)

    fitters: dict[str, FitPredict] = {
        name: GlmnetFit(alpha=alpha, s=s, backend=ran) for name, alpha in models.items()
    }
    fitters.update(extra)
    fits = run_replicates(
        fitters,
        x,
        y_values,
        held_out,
        B=B,
        seed=seed,
        nfolds=nfolds,
        n_jobs=n_jobs,
        progress=progress,
    )
    return StabilityResult(
        predictions=_predictions_table(fits, held_out, y_values),
        coefficients=_coefficients_table(fits, [INTERCEPT, *names]),
        lambdas=_lambdas_table(fits),
        models=tuple(fitters),
        test_index=held_out,
        n_train=x.shape[0] - held_out.shape[0],
        seed=seed,
        s=s,
        backend=ran,
        alphas=models,
    )


def _check_alphas(alphas: Any, allow_empty: bool = False) -> dict[str, float]:
    if not isinstance(alphas, Mapping) or (len(alphas) == 0 and not allow_empty):
        raise ValueError(
            f"alphas must be a non-empty mapping of model name to glmnet alpha, e.g. "
            f"{{'lasso': 1.0, 'ridge': 0.0}}, got {alphas!r}"
        )
    checked = {}
    for name, alpha in alphas.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"alphas keys must be non-empty model names, got {name!r}")
        if (
            isinstance(alpha, bool)
            or not isinstance(alpha, numbers.Real)
            or not 0 <= float(alpha) <= 1
        ):
            raise ValueError(f"alphas[{name!r}] must be a glmnet alpha in [0, 1], got {alpha!r}")
        checked[name] = float(alpha)
    return checked


def _check_learners(learners: Any, alphas: Mapping[str, float]) -> dict[str, FitPredict]:
    if learners is None:
        return {}
    if not isinstance(learners, Mapping):
        raise ValueError(
            f"learners must be a mapping of model name to fit_predict callable, got {learners!r}"
        )
    for name, learner in learners.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"learners keys must be non-empty model names, got {name!r}")
        if name in alphas:
            raise ValueError(f"model name {name!r} is in both alphas and learners")
        if not callable(learner):
            raise ValueError(f"learners[{name!r}] must be a fit_predict callable, got {learner!r}")
    return dict(learners)


def _check_s(s: Any) -> None:
    if isinstance(s, str):
        if s not in LAMBDA_RULES:
            raise ValueError(f"s must be 'lambda.1se', 'lambda.min' or a lambda value, got {s!r}")
        return
    if isinstance(s, bool) or not isinstance(s, numbers.Real) or not np.isfinite(s) or s < 0:
        raise ValueError(f"s must be 'lambda.1se', 'lambda.min' or a finite lambda >= 0, got {s!r}")


def _check_positive_int(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def _check_n_jobs(n_jobs: Any) -> None:
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(
            f"n_jobs must be a nonzero integer (negative counts back from all cores) or None, "
            f"got {n_jobs!r}"
        )


def _check_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _held_out_rows(
    n_rows: int,
    n_test: Any,
    test_index: Any,
    seed: int,
    nfolds: int,
) -> np.ndarray:
    if test_index is not None and n_test is not None:
        raise ValueError("n_test and test_index were both given: pass one of them")
    if test_index is None:
        n_test = DEFAULT_N_TEST if n_test is None else n_test
        if isinstance(n_test, bool) or not isinstance(n_test, numbers.Integral):
            raise ValueError(f"n_test must be an integer, got {n_test!r}")
        if not 1 <= n_test < n_rows:
            raise ValueError(f"n_test must lie in [1, n) with n = {n_rows} rows, got {n_test}")
        held_out = holdout_rows(n_rows, int(n_test), seed)
        name = "n_test"
    else:
        index = np.asarray(test_index)
        if index.ndim != 1 or index.size == 0 or index.dtype.kind not in "iu":
            raise ValueError(
                f"test_index must be a non-empty list of integer rows, got {test_index!r}"
            )
        outside = index[(index < 0) | (index >= n_rows)]
        if outside.size:
            raise ValueError(
                f"test_index has rows outside 0..{n_rows - 1} (0-based): {outside[:5].tolist()}"
            )
        values, counts = np.unique(index, return_counts=True)
        if (counts > 1).any():
            raise ValueError(f"test_index repeats rows {values[counts > 1][:5].tolist()}")
        held_out = values.astype(np.int64)
        name = "test_index"
    n_train = n_rows - held_out.shape[0]
    if n_train < max(nfolds, 3):
        raise ValueError(
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
