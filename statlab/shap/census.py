"""The course's "comparing models with SHAP" exercise on the census data: a random forest and a
lasso-penalised logistic regression (``cv_glmnet``, binomial) predicting income > 50K from five
numeric features, compared on held-out accuracy and on their SHAP explanations.

The full data has 32,561 rows; the analysis draws a random subsample (``n_rows``, 4,000 by
default) so that the bootstrap refits and the exact SHAP values (5 features: 32 coalitions per
row) run in seconds. Both models are explained on the same raw feature scale: the lasso's
log1p(capital gain / loss) transform happens inside its prediction function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._random import resolved_seed

FEATURES = ("age", "education_num", "capital_gain", "capital_loss", "hours_per_week")
LOGGED = ("capital_gain", "capital_loss")


def census_split(
    *, n_rows: int = 4000, test_share: float = 0.25, seed: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """A random subsample of ``n_rows`` census rows split into training and test parts:
    ``X_train, X_test`` (the five numeric features) and ``y_train, y_test`` (1 = income > 50K).
    Both frames record the seed of the draw (fresh when ``seed`` is None) in ``attrs["seed"]``.

    >>> X_train, X_test, y_train, y_test = census_split(n_rows=400, seed=1)
    >>> X_train.shape, X_test.shape, sorted(set(y_train.tolist())), X_test.attrs["seed"]
    ((300, 5), (100, 5), [0, 1], 1)
    """
    import statlab as sl

    census = sl.data.load("census")
    n_rows = check.integer(n_rows, "n_rows", low=20)
    if not 0 < test_share < 1:
        raise check.InvalidArgumentError(
            f"test_share must be a fraction in (0, 1), got {test_share!r}"
        )
    seed = resolved_seed(seed)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(census), size=min(n_rows, len(census)), replace=False)
    n_test = round(test_share * rows.size)
    sample = census.iloc[rows].reset_index(drop=True)
    X = sample[list(FEATURES)].astype(np.float64)
    y = (sample["income"].astype(str).str.strip() == ">50K").to_numpy(dtype=np.int64)
    X_train, X_test = X.iloc[n_test:].reset_index(drop=True), X.iloc[:n_test].reset_index(drop=True)
    X_train.attrs["seed"] = X_test.attrs["seed"] = seed
    return X_train, X_test, y[n_test:], y[:n_test]


def lasso_design(X: np.ndarray) -> np.ndarray:
    """The lasso's inputs: the features with capital gain and loss on a log1p scale."""
    design = np.array(X, dtype=np.float64, copy=True)
    for name in LOGGED:
        j = FEATURES.index(name)
        design[:, j] = np.log1p(np.maximum(design[:, j], 0))
    return design


def census_models(
    *, seed: int | None = None, backend: str = "auto", n_trees: int = 200
) -> dict[str, Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], Any]]]:
    """The two models as ``model_fn(X_train, y_train) -> probability function``:

    * ``"random forest"``: scikit-learn's ``RandomForestClassifier`` (``n_trees`` trees, leaves of
      at least 10 rows, ``random_state=seed``);
    * ``"lasso logistic"``: ``cv_glmnet(family="binomial")`` at lambda.1se on :func:`lasso_design`,
      10 folds drawn from ``seed``, on ``backend``.

    ``seed=None`` draws one fresh seed for both; a dict of functions cannot record it, so pass a
    seed to be able to repeat the fits.

    >>> models = census_models(seed=1, backend="python", n_trees=10)
    >>> X_train, X_test, y_train, _ = census_split(n_rows=300, seed=1)
    >>> predict = models["random forest"](X_train.to_numpy(), y_train)
    >>> predict(X_test.to_numpy()).shape
    (75,)
    """
    seed = resolved_seed(seed)
    n_trees = check.integer(n_trees, "n_trees", low=1)

    def random_forest(X: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        from sklearn.ensemble import RandomForestClassifier

        forest = RandomForestClassifier(
            n_estimators=n_trees, min_samples_leaf=10, random_state=seed, n_jobs=1
        ).fit(X, y)
        return lambda Z: forest.predict_proba(Z)[:, 1]

    def lasso_logistic(X: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        import statlab as sl

        fit = sl.cv_glmnet(lasso_design(X), y, family="binomial", seed=seed, backend=backend)
        return lambda Z: fit.predict(lasso_design(Z), s="lambda.1se", type="response")

    return {"random forest": random_forest, "lasso logistic": lasso_logistic}


def census_finding(X_train: pd.DataFrame, y_train: np.ndarray) -> dict[str, float]:
    """One EDA finding on the training rows: the share earning > 50K overall, among rows with
    any capital gain, and among rows with at least a bachelor's degree (education_num ≥ 13).

    >>> X_train, _, y_train, _ = census_split(n_rows=400, seed=1)
    >>> sorted(census_finding(X_train, y_train))
    ['any_capital_gain', 'capital_gain_share', 'degree', 'degree_share', 'overall']
    """
    gain = X_train["capital_gain"].to_numpy() > 0
    degree = X_train["education_num"].to_numpy() >= 13
    return {
        "overall": float(y_train.mean()),
        "any_capital_gain": float(y_train[gain].mean()) if gain.any() else float("nan"),
        "capital_gain_share": float(gain.mean()),
        "degree": float(y_train[degree].mean()) if degree.any() else float("nan"),
        "degree_share": float(degree.mean()),
    }
