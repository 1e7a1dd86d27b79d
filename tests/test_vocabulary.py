"""statlab's shared parameter names mean one thing everywhere (CONTRIBUTING.md's vocabulary).

Every public function, method and estimator takes ``seed=None`` (a fresh seed, recorded in its
result) and ``n_jobs=None`` (joblib's: one worker unless a ``parallel_config`` says otherwise);
a run repeated with the seed its result recorded gives the same numbers.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import statlab as sl

PUBLIC_PACKAGES = sorted(
    f"statlab.{name}" for name in sl._LAZY_MODULES if name not in {"report", "testing"}
)
#: building blocks that recompute one draw of a recorded run from its seed: there the seed is
#: the input itself, not an option
SEED_REQUIRED = {
    "statlab.glmnet.fold_ids",
    "statlab.stability.bootstrap_draw",
    "statlab.stability.holdout_rows",
    "statlab.stability.run_replicates",
}


def _exported(package: str) -> Iterator[tuple[str, Any]]:
    """The package's public functions and classes, and theirs, by qualified name."""
    module = importlib.import_module(package)
    exported = getattr(module, "__all__", None)
    names = exported or [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        value = getattr(module, name)
        defined_here = getattr(value, "__module__", None) == package
        if not (exported or defined_here or inspect.ismodule(value)):
            continue  # a name the module imported for itself
        if inspect.isfunction(value):
            yield f"{package}.{name}", value
        elif inspect.isclass(value):
            for attribute, member in vars(value).items():
                result_fields = attribute == "__init__" and dataclasses.is_dataclass(value)
                if (
                    inspect.isfunction(member)
                    and not result_fields
                    and (attribute == "__init__" or not attribute.startswith("_"))
                ):
                    yield f"{package}.{name}.{attribute}", member
        elif inspect.ismodule(value) and value.__name__.startswith(f"{package}."):
            yield from _exported(value.__name__)


def _parameters(name: str) -> dict[str, Any]:
    """Qualified callable name -> default, for every exported parameter called ``name``."""
    found = {}
    for package in [*PUBLIC_PACKAGES, "statlab"]:
        for qualified, function in _exported(package):
            parameter = inspect.signature(function).parameters.get(name)
            if parameter is not None:
                found[qualified] = parameter.default
    return found


@pytest.mark.parametrize("name", ["seed", "n_jobs"])
def test_every_public_seed_and_n_jobs_defaults_to_none(name: str) -> None:
    defaults = _parameters(name)
    assert len(defaults) >= 10, sorted(defaults)  # the walk found the public API
    wrong = {
        qualified: default
        for qualified, default in defaults.items()
        if default is not None and qualified not in SEED_REQUIRED
    }
    assert wrong == {}


def test_the_walk_reaches_every_family() -> None:
    seeded = _parameters("seed")
    for expected in (
        "statlab.cv_glmnet",
        "statlab.prediction_stability",
        "statlab.compare_models",
        "statlab.trees.random_forest",
        "statlab.trees.importance_stability",
        "statlab.shap.shap_stability",
        "statlab.shap.kernel_shap",
        "statlab.stability.paired_differences",
        "statlab.sklearn.CVGlmnetRegressor.__init__",
        "statlab.gp.kernels.sample_paths",
    ):
        assert expected in seeded, expected


@pytest.fixture(scope="module")
def regression() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(60, 4))
    return x, x @ np.array([1.0, 0.0, -0.5, 0.0]) + 0.5 * rng.normal(size=60)


def _recorded_seed(result: Any) -> int:
    seed = result.seed
    assert isinstance(seed, int) and 0 <= seed < 2**31
    return seed


def test_cv_glmnet_records_its_fresh_seed_and_repeats_with_it(regression) -> None:
    x, y = regression
    first = sl.cv_glmnet(x, y, nfolds=5, backend="python")
    again = sl.cv_glmnet(x, y, nfolds=5, seed=_recorded_seed(first), backend="python")
    np.testing.assert_array_equal(first.foldid, again.foldid)
    np.testing.assert_array_equal(first.cvm, again.cvm)
    assert again.seed == first.seed
    assert sl.cv_glmnet(x, y, nfolds=5, foldid=first.foldid, backend="python").seed is None


def test_random_forest_records_its_fresh_seed_and_repeats_with_it(regression) -> None:
    x, y = regression
    first = sl.trees.random_forest(x, y, n_trees=25, backend="python")
    again = sl.trees.random_forest(x, y, n_trees=25, seed=_recorded_seed(first), backend="python")
    np.testing.assert_array_equal(first.oob_prediction, again.oob_prediction)
    np.testing.assert_array_equal(first.raw, again.raw)
    other = sl.trees.random_forest(x, y, n_trees=25, backend="python")
    assert other.seed != first.seed and not np.array_equal(other.raw, first.raw)


def test_shap_stability_records_its_fresh_seed_and_repeats_with_it(regression) -> None:
    x, y = regression

    def ols(X: np.ndarray, y: np.ndarray) -> Any:
        beta = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
        return lambda Z: beta[0] + Z @ beta[1:]

    first = sl.shap.shap_stability(ols, x, y, n_draws=3, n_explain=10, n_background=10)
    again = sl.shap.shap_stability(
        ols, x, y, n_draws=3, n_explain=10, n_background=10, seed=_recorded_seed(first)
    )
    pd.testing.assert_frame_equal(first.importance, again.importance)
    sampled = sl.shap.kernel_shap(ols(x, y), x[:2], x[:10], n_samples=20)
    repeated = sl.shap.kernel_shap(ols(x, y), x[:2], x[:10], n_samples=20, seed=sampled.seed)
    np.testing.assert_array_equal(sampled.values, repeated.values)


def test_prediction_stability_records_its_fresh_seed_and_repeats_with_it(regression) -> None:
    x, y = regression
    options = {"alphas": {"lasso": 1.0}, "n_test": 5, "n_draws": 3, "backend": "python"}
    first = sl.prediction_stability(x, y, **options)
    again = sl.prediction_stability(x, y, seed=_recorded_seed(first), **options)
    pd.testing.assert_frame_equal(first.predictions, again.predictions)
