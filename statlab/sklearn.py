"""scikit-learn estimators around :func:`statlab.glmnet` and :func:`statlab.cv_glmnet`.

* :class:`GlmnetRegressor` / :class:`GlmnetClassifier`: the glmnet path, predicted at a fixed
  lambda ``s`` (R's ``predict(fit, newx, s = s)``, glmnet's linear interpolation between path
  points);
* :class:`CVGlmnetRegressor` / :class:`CVGlmnetClassifier`: ``cv.glmnet``, predicted at its
  ``"lambda.1se"`` or ``"lambda.min"`` rule.

Their parameters are those of :func:`statlab.glmnet` / :func:`statlab.cv_glmnet` under the same
names (``alpha``, ``nlambda``, ``lambdas``, ``intercept``, ``penalty_factor``, ``lower_limits``,
``nfolds``, ``foldid``, ``seed``, ``type_measure``, ``backend``, ...); ``fit(X, y, sample_weight)``
passes ``sample_weight`` as glmnet's ``weights``. Every fit goes through the public functions, so an
estimator gives the same numbers as the call it wraps, on either backend. The classifiers fit a
binomial model for two classes (of ``classes_[1]``, the second in sorted order, as R models the
second factor level) and a multinomial one for more.

Example
-------
>>> import numpy as np
>>> from statlab.sklearn import CVGlmnetRegressor
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(120, 5)); y = X @ [2.0, 0, 0, -1.0, 0] + rng.normal(size=120)
>>> model = CVGlmnetRegressor(seed=1, backend="python").fit(X, y)
>>> np.flatnonzero(model.coef_).tolist(), model.lambda_ == model.cv_result_.lambda_1se
([0, 3], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from statlab import _validation as check
from statlab.glmnet import cv_glmnet, glmnet
from statlab.glmnet.result import CVGlmnetResult, GlmnetPath

Backend = Literal["auto", "r", "python"]
SPARSE_FORMATS = ("csc", "csr")
LAMBDA_RULES = ("lambda.1se", "lambda.min")
REGRESSION_FAMILIES = ("gaussian", "poisson")
# estimator parameters that are not arguments of glmnet / cv_glmnet
_ESTIMATOR_ONLY = ("s",)

__all__ = ["CVGlmnetClassifier", "CVGlmnetRegressor", "GlmnetClassifier", "GlmnetRegressor"]


class _GlmnetEstimator(BaseEstimator):
    """What the four estimators share: argument hand-over, input checks and tags."""

    path_: GlmnetPath
    lambda_: float

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _glmnet_arguments(self) -> dict[str, Any]:
        """The estimator's parameters as keyword arguments of glmnet / cv_glmnet, with
        ``exclude`` given by feature name mapped to column positions."""
        arguments = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name not in _ESTIMATOR_ONLY
        }
        arguments["exclude"] = self._excluded_positions(arguments["exclude"])
        return arguments

    def _excluded_positions(self, exclude: Any) -> Any:
        names = getattr(self, "feature_names_in_", None)
        if exclude is None or names is None:
            return exclude
        wanted = [exclude] if isinstance(exclude, str | int) else list(exclude)
        if not any(isinstance(item, str) for item in wanted):
            return exclude
        position = {str(name): j for j, name in enumerate(names)}
        unknown = [item for item in wanted if isinstance(item, str) and item not in position]
        if unknown:
            raise check.InvalidArgumentError(f"exclude names columns not in X: {unknown}")
        return [position[item] if isinstance(item, str) else item for item in wanted]

    def _training_data(self, X: Any, y: Any, regression: bool) -> tuple[Any, np.ndarray]:
        # glmnet needs two rows at least (one row makes a constant y)
        return validate_data(
            self,
            X,
            y,
            accept_sparse=SPARSE_FORMATS,
            dtype=np.float64,
            y_numeric=regression,
            ensure_min_samples=2,
        )

    def _new_rows(self, X: Any) -> Any:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, accept_sparse=SPARSE_FORMATS, dtype=np.float64)

    def _fixed_lambda(self) -> float:
        return check.real(self.s, "s", low=0.0)

    def _lambda_rule(self) -> str:
        return check.option(self.s, "s", LAMBDA_RULES)


class _RegressorMethods(RegressorMixin, _GlmnetEstimator):
    coef_: np.ndarray
    intercept_: float

    def _set_coefficients(self) -> None:
        coef = self.path_.coef(self.lambda_).to_numpy()
        self.intercept_ = float(coef[0])
        self.coef_ = coef[1:]

    def predict(self, X: Any) -> np.ndarray:
        """The fitted mean at lambda ``lambda_`` (the rate for ``family="poisson"``)."""
        rows = self._new_rows(X)
        return np.asarray(self.path_.predict(rows, self.lambda_, type="response"))

    def _family(self) -> str:
        return check.option(self.family, "family", REGRESSION_FAMILIES)


class _ClassifierMethods(ClassifierMixin, _GlmnetEstimator):
    classes_: np.ndarray
    coef_: np.ndarray
    intercept_: np.ndarray

    def _encoded_classes(self, y: np.ndarray, sample_weight: Any) -> tuple[np.ndarray, str]:
        """y as 0-based codes of the sorted classes, and the family they need."""
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if self.classes_.shape[0] < 2:
            raise check.InvalidArgumentError(
                f"y has a single class ({self.classes_[0]!r}): a classifier needs at least two"
            )
        if sample_weight is not None:
            weights = np.broadcast_to(np.asarray(sample_weight, dtype=np.float64), codes.shape)
            weighted = np.unique(codes[weights > 0])
            if weighted.shape[0] == 1:  # all zero: glmnet's own error
                raise check.InvalidArgumentError(
                    "sample_weight: only one class has positive weight "
                    f"({self.classes_[weighted].tolist()}); a classifier needs at least two"
                )
        return codes, "binomial" if self.classes_.shape[0] == 2 else "multinomial"

    def _set_coefficients(self) -> None:
        coef = self.path_.coef(self.lambda_)
        values = coef.to_numpy().T  # binomial: 1 x terms; multinomial: classes x terms
        values = values.reshape(-1, values.shape[-1])
        self.intercept_ = values[:, 0].copy()
        self.coef_ = values[:, 1:].copy()

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear predictor: of ``classes_[1]`` against ``classes_[0]`` for two classes
        (n values), one column per class for more."""
        rows = self._new_rows(X)
        return np.asarray(self.path_.predict(rows, self.lambda_, type="link"))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, one column per class of ``classes_``."""
        rows = self._new_rows(X)
        probability = np.asarray(self.path_.predict(rows, self.lambda_, type="response"))
        if probability.ndim == 1:
            return np.column_stack([1.0 - probability, probability])
        return probability

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithm of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class (for two classes: ``classes_[1]`` where its probability
        exceeds 1/2, as R's ``type = "class"``)."""
        probability = self.predict_proba(X)
        return self.classes_[np.argmax(probability, axis=1)]


class GlmnetRegressor(_RegressorMethods):
    """R's ``glmnet(x, y)`` path, predicting at lambda ``s``: Gaussian (or Poisson) elastic net.

    Parameters are those of :func:`statlab.glmnet`; ``s`` is the lambda of R's
    ``predict(fit, newx, s = s)`` (between path points glmnet's linear interpolation; outside the
    path clamped to its end, with a warning). Fitted: ``path_`` (the :class:`GlmnetPath`),
    ``lambda_`` (= ``s``), ``coef_``, ``intercept_``, ``backend_`` (which backend ran),
    ``n_features_in_`` and ``feature_names_in_``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 4)); y = X @ [1.5, 0, -1.0, 0] + rng.normal(size=100)
    >>> model = GlmnetRegressor(s=0.1, backend="python").fit(X, y)
    >>> model.coef_.round(2).tolist(), round(model.score(X, y), 2)
    ([1.3, 0.08, -0.84, -0.0], 0.68)
    """

    def __init__(
        self,
        s: float = 0.01,
        *,
        alpha: float = 1.0,
        family: str = "gaussian",
        standardize: bool = True,
        nlambda: int = 100,
        lambda_min_ratio: float | None = None,
        lambdas: Sequence[float] | np.ndarray | None = None,
        thresh: float = 1e-7,
        maxit: int = 100_000,
        type_gaussian: str | None = None,
        penalty_factor: Sequence[float] | np.ndarray | None = None,
        exclude: Sequence[str | int] | str | int | None = None,
        intercept: bool = True,
        lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
        upper_limits: float | Sequence[float] | np.ndarray = np.inf,
        dfmax: int | None = None,
        pmax: int | None = None,
        backend: Backend = "auto",
    ) -> None:
        self.s = s
        self.alpha = alpha
        self.family = family
        self.standardize = standardize
        self.nlambda = nlambda
        self.lambda_min_ratio = lambda_min_ratio
        self.lambdas = lambdas
        self.thresh = thresh
        self.maxit = maxit
        self.type_gaussian = type_gaussian
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.intercept = intercept
        self.lower_limits = lower_limits
        self.upper_limits = upper_limits
        self.dfmax = dfmax
        self.pmax = pmax
        self.backend = backend

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GlmnetRegressor:
        """Fit the path on (X, y), ``sample_weight`` as glmnet's ``weights``."""
        X, y = self._training_data(X, y, regression=True)
        self.lambda_ = self._fixed_lambda()
        self._family()
        self.path_ = glmnet(X, y, weights=sample_weight, **self._glmnet_arguments())
        self.backend_ = self.path_.backend
        self._set_coefficients()
        return self


class GlmnetClassifier(_ClassifierMethods):
    """R's ``glmnet(x, y, family = "binomial")`` (two classes) or ``"multinomial"`` (more),
    predicting at lambda ``s``.

    Parameters are those of :func:`statlab.glmnet` (``type_multinomial`` for more than two
    classes); ``s`` as in :class:`GlmnetRegressor`. Fitted: ``classes_`` (sorted), ``path_``,
    ``lambda_``, ``coef_`` (1 x features for two classes, the log-odds of ``classes_[1]``;
    classes x features for more), ``intercept_``, ``backend_``, ``n_features_in_``,
    ``feature_names_in_``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = np.where(X[:, 0] + rng.logistic(size=200) > 0, "yes", "no")
    >>> model = GlmnetClassifier(s=0.01, backend="python").fit(X, y)
    >>> model.classes_.tolist(), model.coef_.shape, model.predict_proba(X[:2]).shape
    (['no', 'yes'], (1, 3), (2, 2))
    """

    def __init__(
        self,
        s: float = 0.01,
        *,
        alpha: float = 1.0,
        standardize: bool = True,
        nlambda: int = 100,
        lambda_min_ratio: float | None = None,
        lambdas: Sequence[float] | np.ndarray | None = None,
        thresh: float = 1e-7,
        maxit: int = 100_000,
        penalty_factor: Sequence[float] | np.ndarray | None = None,
        exclude: Sequence[str | int] | str | int | None = None,
        intercept: bool = True,
        lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
        upper_limits: float | Sequence[float] | np.ndarray = np.inf,
        dfmax: int | None = None,
        pmax: int | None = None,
        type_multinomial: str = "ungrouped",
        backend: Backend = "auto",
    ) -> None:
        self.s = s
        self.alpha = alpha
        self.standardize = standardize
        self.nlambda = nlambda
        self.lambda_min_ratio = lambda_min_ratio
        self.lambdas = lambdas
        self.thresh = thresh
        self.maxit = maxit
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.intercept = intercept
        self.lower_limits = lower_limits
        self.upper_limits = upper_limits
        self.dfmax = dfmax
        self.pmax = pmax
        self.type_multinomial = type_multinomial
        self.backend = backend

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GlmnetClassifier:
        """Fit the binomial or multinomial path on (X, y), ``sample_weight`` as glmnet's
        ``weights``."""
        X, y = self._training_data(X, y, regression=False)
        self.lambda_ = self._fixed_lambda()
        codes, family = self._encoded_classes(y, sample_weight)
        self.path_ = glmnet(
            X, codes, family=family, weights=sample_weight, **self._glmnet_arguments()
        )
        self.backend_ = self.path_.backend
        self._set_coefficients()
        return self


class CVGlmnetRegressor(_RegressorMethods):
    """R's ``cv.glmnet(x, y)``, predicting at the lambda its rule ``s`` picks.

    Parameters are those of :func:`statlab.cv_glmnet` (``nfolds``, ``foldid``, ``seed``,
    ``type_measure``, ``grouped``, ``n_jobs``, ...); ``s`` is ``"lambda.1se"`` (the default, as
    R's) or ``"lambda.min"``. Fitted: ``cv_result_`` (the :class:`CVGlmnetResult`), ``path_``
    (its full-data path), ``lambda_`` (the chosen lambda), ``coef_``, ``intercept_``,
    ``backend_``, ``n_features_in_``, ``feature_names_in_``. Give ``seed`` (or ``foldid``) for
    reproducible folds; with ``seed=None`` each fit draws a fresh seed, kept in
    ``cv_result_.seed``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 4)); y = X @ [1.5, 0, -1.0, 0] + rng.normal(size=100)
    >>> model = CVGlmnetRegressor(s="lambda.min", seed=2, backend="python").fit(X, y)
    >>> model.lambda_ == model.cv_result_.lambda_min
    True
    """

    def __init__(
        self,
        s: str = "lambda.1se",
        *,
        alpha: float = 1.0,
        family: str = "gaussian",
        nfolds: int = 10,
        foldid: Sequence[int] | np.ndarray | None = None,
        seed: int | None = None,
        type_measure: str = "default",
        grouped: bool = True,
        standardize: bool = True,
        nlambda: int = 100,
        lambda_min_ratio: float | None = None,
        lambdas: Sequence[float] | np.ndarray | None = None,
        thresh: float = 1e-7,
        maxit: int = 100_000,
        type_gaussian: str | None = None,
        penalty_factor: Sequence[float] | np.ndarray | None = None,
        exclude: Sequence[str | int] | str | int | None = None,
        intercept: bool = True,
        lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
        upper_limits: float | Sequence[float] | np.ndarray = np.inf,
        dfmax: int | None = None,
        pmax: int | None = None,
        n_jobs: int | None = None,
        backend: Backend = "auto",
    ) -> None:
        self.s = s
        self.alpha = alpha
        self.family = family
        self.nfolds = nfolds
        self.foldid = foldid
        self.seed = seed
        self.type_measure = type_measure
        self.grouped = grouped
        self.standardize = standardize
        self.nlambda = nlambda
        self.lambda_min_ratio = lambda_min_ratio
        self.lambdas = lambdas
        self.thresh = thresh
        self.maxit = maxit
        self.type_gaussian = type_gaussian
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.intercept = intercept
        self.lower_limits = lower_limits
        self.upper_limits = upper_limits
        self.dfmax = dfmax
        self.pmax = pmax
        self.n_jobs = n_jobs
        self.backend = backend

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CVGlmnetRegressor:
        """Cross-validate the path on (X, y), ``sample_weight`` as glmnet's ``weights``."""
        X, y = self._training_data(X, y, regression=True)
        rule = self._lambda_rule()
        self._family()
        self.cv_result_ = cv_glmnet(X, y, weights=sample_weight, **self._glmnet_arguments())
        _set_cv_result(self, self.cv_result_, rule)
        return self


class CVGlmnetClassifier(_ClassifierMethods):
    """R's ``cv.glmnet(x, y, family = "binomial")`` (two classes) or ``"multinomial"`` (more),
    predicting at the lambda its rule ``s`` picks.

    Parameters are those of :func:`statlab.cv_glmnet` (``type_measure`` may be "deviance",
    "class", "auc" (two classes), "mse" or "mae"); ``s`` as in :class:`CVGlmnetRegressor`.
    Fitted: ``classes_``, ``cv_result_``, ``path_``, ``lambda_``, ``coef_``, ``intercept_``,
    ``backend_``, ``n_features_in_``, ``feature_names_in_``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> model = CVGlmnetClassifier(seed=1, type_measure="class", backend="python").fit(X, y)
    >>> model.cv_result_.measure, model.predict(X[:3]).tolist()
    ('Misclassification Error', [0, 0, 1])
    """

    def __init__(
        self,
        s: str = "lambda.1se",
        *,
        alpha: float = 1.0,
        nfolds: int = 10,
        foldid: Sequence[int] | np.ndarray | None = None,
        seed: int | None = None,
        type_measure: str = "default",
        grouped: bool = True,
        standardize: bool = True,
        nlambda: int = 100,
        lambda_min_ratio: float | None = None,
        lambdas: Sequence[float] | np.ndarray | None = None,
        thresh: float = 1e-7,
        maxit: int = 100_000,
        penalty_factor: Sequence[float] | np.ndarray | None = None,
        exclude: Sequence[str | int] | str | int | None = None,
        intercept: bool = True,
        lower_limits: float | Sequence[float] | np.ndarray = -np.inf,
        upper_limits: float | Sequence[float] | np.ndarray = np.inf,
        dfmax: int | None = None,
        pmax: int | None = None,
        type_multinomial: str = "ungrouped",
        n_jobs: int | None = None,
        backend: Backend = "auto",
    ) -> None:
        self.s = s
        self.alpha = alpha
        self.nfolds = nfolds
        self.foldid = foldid
        self.seed = seed
        self.type_measure = type_measure
        self.grouped = grouped
        self.standardize = standardize
        self.nlambda = nlambda
        self.lambda_min_ratio = lambda_min_ratio
        self.lambdas = lambdas
        self.thresh = thresh
        self.maxit = maxit
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.intercept = intercept
        self.lower_limits = lower_limits
        self.upper_limits = upper_limits
        self.dfmax = dfmax
        self.pmax = pmax
        self.type_multinomial = type_multinomial
        self.n_jobs = n_jobs
        self.backend = backend

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> CVGlmnetClassifier:
        """Cross-validate the binomial or multinomial path on (X, y), ``sample_weight`` as
        glmnet's ``weights``."""
        X, y = self._training_data(X, y, regression=False)
        rule = self._lambda_rule()
        codes, family = self._encoded_classes(y, sample_weight)
        self.cv_result_ = cv_glmnet(
            X, codes, family=family, weights=sample_weight, **self._glmnet_arguments()
        )
        _set_cv_result(self, self.cv_result_, rule)
        return self


def _set_cv_result(
    estimator: _RegressorMethods | _ClassifierMethods, result: CVGlmnetResult, rule: str
) -> None:
    estimator.path_ = result.path
    estimator.backend_ = result.backend
    estimator.lambda_ = result.lambda_1se if rule == "lambda.1se" else result.lambda_min
    estimator._set_coefficients()
