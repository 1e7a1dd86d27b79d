"""The bad-input catalogue: hostile but fair inputs to every public function and CLI command.

Each case must end in a ``ValueError`` or ``TypeError`` (statlab's ``InvalidArgumentError`` /
``ArgumentTypeError`` are both) raised from statlab's own code, whose message names the argument;
never a traceback from numpy, pandas, numba or R, and never a silently wrong result. The tables are
built argument by argument from one good call per function, so a new argument is one line here.

Impossible numerical situations (all-constant X, overflow, a fold with one class) are at the end:
they get R's behaviour or a clear error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab import cli, cv, gp
from statlab.gp import kernels
from statlab.stability import bootstrap_draw, holdout_rows

STATLAB = Path(sl.__file__).resolve().parent
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y = X @ np.array([1.0, 0.0, -2.0]) + 0.5 * RNG.normal(size=40)
CLASSES = np.where(Y > 0, "yes", "no")
SURVIVAL = np.c_[np.exp(-Y / 2) * 10, RNG.uniform(size=40) < 0.7]  # (time, status)
COUNTING = np.c_[SURVIVAL[:, 0] / 2, SURVIVAL]  # (start, stop, status)
FRAME = pd.DataFrame(X, columns=["a", "b", "c"])
GX, GY = gp.EXERCISE_X, gp.EXERCISE_Y

# the hostile values of each kind of argument (fair: each is something a user could type)
NOT_A_NUMBER = ["1", None, True, [1.0], float("nan"), float("inf")]
NOT_AN_INTEGER = [2.5, "10", None, True, float("nan")]
NOT_A_SEED = ["abc", 1.5, -1, True, [1, 2]]
NOT_A_BACKEND = ["R", "julia", None, 1]
NOT_A_FLAG = ["no", "False", 0, None]
BAD_MATRICES = {
    "strings": np.array([["a", "b"], ["c", "d"]]),
    "one-d": np.arange(5.0),
    "empty": np.empty((0, 3)),
    "nan": np.where(np.eye(40, 3) == 1, np.nan, X),
    "inf": np.where(np.eye(40, 3) == 1, np.inf, X),
    "text frame": FRAME.assign(b="x"),
    "bool frame": FRAME.assign(b=FRAME["b"] > 0),
    "none": None,
    "string": "X",
    "three-d": np.zeros((4, 3, 2)),
}


def _cases(
    function: str,
    call: Callable[..., Any],
    good: dict[str, Any],
    bad: dict[str, list[Any]],
) -> list[Any]:
    """One case per (argument, bad value): ``call(**{**good, argument: value})``."""
    cases = []
    for argument, values in bad.items():
        for value in values:
            label = value if isinstance(value, str | int | float | type(None)) else type(value)
            cases.append(
                pytest.param(
                    lambda a=argument, v=value: call(**{**good, a: v}),
                    argument,
                    id=f"{function}-{argument}={label!r}"[:90],
                )
            )
    return cases


def _matrix_cases(function: str, call: Callable[..., Any], good: dict[str, Any]) -> list[Any]:
    return [
        pytest.param(lambda v=value: call(**{**good, "X": v}), "X", id=f"{function}-X={name}")
        for name, value in BAD_MATRICES.items()
    ]


def _response_cases(function: str, call: Callable[..., Any], good: dict[str, Any]) -> list[Any]:
    bad_y = {
        "short": Y[:-1],
        "nan": np.where(np.arange(40) == 3, np.nan, Y),
        "strings": np.array(["a"] * 40),
        "constant": np.ones(40),
        "two-d": np.c_[Y, Y],
        "none": None,
    }
    return [
        pytest.param(lambda v=value: call(**{**good, "y": v}), "y", id=f"{function}-y={name}")
        for name, value in bad_y.items()
    ]


# ---------------------------------------------------------------------------------------- glmnet
GLMNET = {"X": X, "y": Y, "backend": "python"}
GLMNET_BAD = {
    "alpha": [1.5, -0.1, *NOT_A_NUMBER],
    "family": ["coxph", None, "Gaussian"],
    "standardize": NOT_A_FLAG,
    "nlambda": [1, 0, *NOT_AN_INTEGER],
    "lambda_min_ratio": [0.0, 1.0, -0.5, "0.01", float("nan")],
    "weights": [np.ones(39), -np.ones(40), np.zeros(40), np.full(40, np.nan), "w"],
    "thresh": [0.0, -1e-7, "1e-7", float("nan")],
    "maxit": [0, 1.5, "100", None],
    "lambdas": [[], [-1.0], [np.nan], "abc", [[0.1, 0.2]]],
    "type_gaussian": ["exact", "Naive", 1],
    "relax": NOT_A_FLAG,
    "backend": NOT_A_BACKEND,
}
CV_BAD = {
    **GLMNET_BAD,
    "nfolds": [2, 41, 3.0, "10", None],
    "foldid": [
        np.ones(39, dtype=int),
        np.resize(np.arange(0, 5), 40),
        np.resize([1.5, 2.5, 3.5], 40),
        np.resize([1, 2, 4], 40),
        np.resize([1, 2], 40),
        "folds",
    ],
    "seed": NOT_A_SEED,
    "n_jobs": [0, 1.5, "2", True],
}
PATH = sl.glmnet(X, Y, backend="python")
CV_FIT = sl.cv_glmnet(X, Y, seed=1, backend="python")
RELAXED_PATH = sl.glmnet(X, Y, relax=True, backend="python")
RELAXED_CV = sl.cv_glmnet(X, Y, seed=1, relax=True, backend="python")

GLMNET_CASES = [
    *_cases("glmnet", sl.glmnet, GLMNET, GLMNET_BAD),
    *_matrix_cases("glmnet", sl.glmnet, GLMNET),
    *_response_cases("glmnet", sl.glmnet, GLMNET),
    *_cases("cv_glmnet", sl.cv_glmnet, GLMNET, CV_BAD),
    *_matrix_cases("cv_glmnet", sl.cv_glmnet, GLMNET),
    *_response_cases("cv_glmnet", sl.cv_glmnet, GLMNET),
    *_cases(
        "glmnet(cox)",
        sl.glmnet,
        {"X": X, "y": SURVIVAL, "family": "cox", "backend": "python"},
        {
            "y": [
                np.c_[np.r_[0.0, SURVIVAL[1:, 0]], SURVIVAL[:, 1]],
                np.c_[-SURVIVAL[:, 0], SURVIVAL[:, 1]],
                np.c_[SURVIVAL[:, 0], np.r_[2.0, SURVIVAL[1:, 1]]],
                np.c_[SURVIVAL[:, 0], np.r_[np.nan, SURVIVAL[1:, 1]]],
                np.c_[np.r_[np.inf, SURVIVAL[1:, 0]], SURVIVAL[:, 1]],
                SURVIVAL[:, 0],
                SURVIVAL[:-1],
                pd.DataFrame({"time": SURVIVAL[:, 0], "event": SURVIVAL[:, 1]}),
                np.c_[SURVIVAL[:, 0], np.zeros(40)],
                np.array([["a", "b"]] * 40),
            ],
            "relax": [True],
            "strata": [np.arange(39), [None] * 40, np.zeros((40, 2))],
        },
    ),
    *_cases(
        "glmnet(cox, start-stop)",
        sl.glmnet,
        {"X": X, "y": COUNTING, "family": "cox", "backend": "python"},
        {
            "y": [
                np.c_[COUNTING[:, 1], COUNTING[:, 1], COUNTING[:, 2]],
                np.c_[COUNTING[:, 1] + 1, COUNTING[:, 1:]],
                np.c_[np.r_[-1.0, COUNTING[1:, 0]], COUNTING[:, 1:]],
                pd.DataFrame({"start": COUNTING[:, 0], "end": COUNTING[:, 1], "status": 1}),
            ],
        },
    ),
    *_cases(
        "glmnet(strata)",
        sl.glmnet,
        {"X": X, "y": Y, "backend": "python"},
        {"strata": [np.arange(40) % 2]},
    ),
    *_cases(
        "GlmnetPath.coef",
        lambda s: PATH.coef(s),
        {"s": 0.1},
        {"s": ["lambda.min", "big", -1.0, True]},
    ),
    *_cases(
        "GlmnetPath.predict",
        lambda X, s, type: PATH.predict(X, s=s, type=type),
        {"X": X, "s": 0.1, "type": "link"},
        {"s": ["lambda.1se", -1.0, None], "type": ["probability", None], "X": [X[:, :2], "X"]},
    ),
    *_cases(
        "CVGlmnetResult.coef",
        lambda s: CV_FIT.coef(s),
        {"s": "lambda.min"},
        {"s": ["best", -1.0, None, True]},
    ),
    *_cases(
        "CVGlmnetResult.predict",
        lambda X, s, type: CV_FIT.predict(X, s=s, type=type),
        {"X": X, "s": "lambda.min", "type": "link"},
        {
            "s": ["lambda", float("nan")],
            "type": ["class"],
            "X": [X[:, :2], np.full((2, 3), np.nan)],
        },
    ),
    *_cases(
        "GlmnetPath.coef (relaxed)",
        lambda s, gamma: RELAXED_PATH.coef(s, gamma=gamma),
        {"s": 0.1, "gamma": 0.5},
        {"gamma": [1.5, -0.1, *NOT_A_NUMBER]},
    ),
    *_cases(
        "GlmnetPath.coef (not relaxed)",
        lambda s, gamma: PATH.coef(s, gamma=gamma),
        {"s": 0.1, "gamma": 1.0},
        {"gamma": [0.5, 0.0]},
    ),
    *_cases(
        "CVGlmnetResult.predict (relaxed)",
        lambda X, s, gamma: RELAXED_CV.predict(X, s=s, gamma=gamma),
        {"X": X, "s": "lambda.min", "gamma": "gamma.min"},
        {"gamma": ["gamma", 1.5, float("nan"), True]},
    ),
]

# -------------------------------------------------------------------------------------- cv, stability
CV_GOOD = {"X": X, "y": Y, "backend": "python", "seed": 1}
CV_FROM_SCRATCH_BAD = {
    "nfolds": [2, 41, 3.0, None],
    "lambdas": [[], [-1.0], "abc"],
    "seed": NOT_A_SEED,
    "backend": NOT_A_BACKEND,
}
STABILITY_GOOD = {
    "X": X,
    "y": Y,
    "alphas": {"lasso": 1.0},
    "n_draws": 2,
    "seed": 1,
    "backend": "python",
    "n_test": 5,
}
STABILITY_BAD = {
    "alphas": [{}, [1.0], {"lasso": 1.5}, {"": 1.0}, {"lasso": "1"}, None],
    "n_test": [0, 40, 38, 2.5, "5"],
    "n_draws": [0, -1, 2.5, "100"],
    "s": ["lambda.best", -1.0, None, True, float("nan")],
    "seed": NOT_A_SEED,
    "backend": NOT_A_BACKEND,
    "n_jobs": [0, 1.5, "2", True],
    "nfolds": [2, 2.5, "10"],
    "progress": ["yes", 1],
    "learners": [["not", "a", "mapping"], {"lasso": lambda *a: None}, {"odd": 3}],
}

CV_STABILITY_CASES = [
    *_cases("kfold_cv", cv.kfold_cv, CV_GOOD, CV_FROM_SCRATCH_BAD),
    *_matrix_cases("kfold_cv", cv.kfold_cv, CV_GOOD),
    *_response_cases("kfold_cv", cv.kfold_cv, CV_GOOD),
    *_cases("leaky_cv", cv.leaky_cv, CV_GOOD, {"foldid": [np.ones(40), "f"], "nfolds": [1]}),
    *_cases("compare_designs", cv.compare_designs, CV_GOOD, {"nfolds": [0], "seed": ["x"]}),
    *_cases("prediction_stability", sl.prediction_stability, STABILITY_GOOD, STABILITY_BAD),
    *_cases(
        "prediction_stability",
        sl.prediction_stability,
        {**STABILITY_GOOD, "n_test": None},
        {"test_index": [[0, 40], [-1, 3], [1, 1], [], ["a", "b"], [0.5, 1.5], "rows"]},
    ),
    *_matrix_cases("prediction_stability", sl.prediction_stability, STABILITY_GOOD),
    *_response_cases("prediction_stability", sl.prediction_stability, STABILITY_GOOD),
    *_cases(
        "holdout_rows",
        holdout_rows,
        {"n_rows": 10, "n_test": 3, "seed": 1},
        {"n_rows": [1, 2.5, "10"], "n_test": [0, 10, 1.5], "seed": NOT_A_SEED},
    ),
    *_cases(
        "bootstrap_draw",
        bootstrap_draw,
        {"seed": 1, "replicate": 0, "n_train": 10, "nfolds": 3},
        {"seed": [-1, "s", None], "replicate": [-1, 0.5], "n_train": [0, "10"], "nfolds": [0, 2.5]},
    ),
]

# --------------------------------------------------------------------------------------------- data
DATA_CASES = [
    *_cases(
        "data.load",
        sl.data.load,
        {"name": "ozone"},
        {"name": ["ozon", "", None, 3, ["ozone"]], "backend": NOT_A_BACKEND},
    ),
    *_cases("data.path", sl.data.path, {"name": "ozone"}, {"name": ["prostate.rda", None]}),
    *_cases(
        "model_matrix",
        sl.model_matrix,
        {"formula": "O3 ~ .", "data": sl.data.load("ozone")},
        {"formula": ["O3 ~ nonexistent", "", None, 5, "O3 ~ (", "~"], "data": [None, "ozone", X]},
    ),
]

# ------------------------------------------------------------------------------------------------ gp
LML_GOOD = {"x": GX, "y": GY, "length_scale": 1.2, "noise_sd": 0.23, "backend": "python"}
POSITIVE_BAD = [0.0, -1.0, *NOT_A_NUMBER]
GRID = gp.HierarchicalGP().fit(GX, GY, method="grid", grid_size=10)
GP_CASES = [
    *_cases("RBF", kernels.RBF, {}, {"amplitude": POSITIVE_BAD, "length_scale": POSITIVE_BAD}),
    *_cases("Linear", kernels.Linear, {}, {"amplitude": POSITIVE_BAD, "center": NOT_A_NUMBER}),
    *_cases("Periodic", kernels.Periodic, {}, {"period": POSITIVE_BAD}),
    *_cases(
        "Kernel.__call__",
        lambda x, x2: kernels.RBF()(x, x2),
        {"x": [0.0, 1.0], "x2": None},
        {"x": [[], [np.nan], "abc", None, [[1.0, 2.0], [3.0, 4.0]]], "x2": [[np.inf], "b"]},
    ),
    *_cases(
        "sample_paths",
        kernels.sample_paths,
        {"kernel": kernels.RBF(), "x": [0.0, 1.0], "n_draws": 2, "seed": 1},
        {"kernel": ["rbf", None], "x": [[], "x"], "n_draws": [0, 1.5, "3"], "seed": NOT_A_SEED},
    ),
    *_cases(
        "kernel_sections",
        kernels.kernel_sections,
        {"kernels": {"RBF": kernels.RBF()}, "x": [0.0, 1.0], "x0": 1.0},
        {"kernels": [{}, [kernels.RBF()], {"RBF": "rbf"}], "x": [[]], "x0": NOT_A_NUMBER},
    ),
    *_cases(
        "log_marginal_likelihood",
        gp.log_marginal_likelihood,
        LML_GOOD,
        {
            "x": [GX[:3], [], "x", np.where(GX > 0, np.nan, GX)],
            "y": [None, GY[:2]],
            "length_scale": POSITIVE_BAD,
            "noise_sd": POSITIVE_BAD,
            "amplitude": [0.0, "1"],
            "backend": NOT_A_BACKEND,
        },
    ),
    *_cases(
        "marginal_likelihood_surface",
        gp.marginal_likelihood_surface,
        {
            "x": GX,
            "y": GY,
            "length_scales": [1.0, 2.0],
            "noise_sds": [0.1, 0.2],
            "backend": "python",
        },
        {
            "length_scales": [[], [0.0, 1.0], "abc", [np.nan]],
            "noise_sds": [[-0.1], None],
            "amplitude": [0.0, "a"],
            "backend": NOT_A_BACKEND,
        },
    ),
    *_cases(
        "find_local_maxima",
        gp.find_local_maxima,
        {"x": GX, "y": GY},
        {
            "x": [[1.0], [2.0] * 7],
            "length_scale_bounds": [(5.0, 1.0), (0.0, 1.0), "wide", (1.0,), (1.0, np.inf)],
            "noise_sd_bounds": [(1.0, 1.0), None],
            "n_starts": [0, 2.5, "5"],
            "amplitude": [-1.0],
        },
    ),
    *_cases(
        "posterior",
        gp.posterior,
        {"x": GX, "y": GY, "x_test": [0.0], "length_scale": 1.2, "noise_sd": 0.2},
        {"x_test": [[], "x", [np.nan]], "length_scale": [0.0, None], "noise_sd": ["0.2"]},
    ),
    *_cases(
        "posterior_fits",
        gp.posterior_fits,
        {"x": GX, "y": GY, "x_test": [0.0]},
        {"params": [{}, {"A": (1.0,)}, {"A": (-1.0, 0.2)}, [(1.0, 0.2)]], "x_test": [[]]},
    ),
    *_cases(
        "label_maxima",
        gp.label_maxima,
        {"maxima": pd.DataFrame({"length_scale": [1.0], "noise_sd": [0.2]})},
        {"maxima": [None, pd.DataFrame({"a": [1.0]})], "params": [{}, {"A": "x"}]},
    ),
    *_cases(
        "LogNormal",
        gp.LogNormal,
        {"mu": 0.0, "sigma": 1.0},
        {"mu": NOT_A_NUMBER, "sigma": POSITIVE_BAD},
    ),
    *_cases(
        "HierarchicalGP",
        gp.HierarchicalGP,
        {},
        {"amplitude": [(0, 1), None], "length_scale": ["lognormal"], "noise_sd": [1.0]},
    ),
    *_cases(
        "HierarchicalGP.prior_predictive",
        lambda x_grid, n_draws, seed: gp.HierarchicalGP().prior_predictive(
            x_grid, n_draws=n_draws, seed=seed
        ),
        {"x_grid": [0.0, 1.0], "n_draws": 2, "seed": 1},
        {"x_grid": [[], "x"], "n_draws": [0, 2.5], "seed": NOT_A_SEED},
    ),
    *_cases(
        "HierarchicalGP.fit",
        lambda x, y, **options: gp.HierarchicalGP().fit(x, y, **options),
        {"x": GX, "y": GY, "method": "grid", "grid_size": 10},
        {
            "method": ["vi", None],
            "grid_size": [3, 9, 10.5, "40"],
            "n_draws": [10],  # a NUTS option with method="grid"
            "seed": NOT_A_SEED,
            "x": [[1.0], GX[:3], "x"],
        },
    ),
    *_cases(
        "HierarchicalGP.fit_nuts",
        lambda **options: gp.HierarchicalGP().fit_nuts(GX, GY, **options),
        {},
        {
            "n_draws": [0, 2.5],
            "tune": [0, "100"],
            "chains": [0, None],
            "n_jobs": [0, "2"],
            "target_accept": [1.5, 0.0, 1.0, "0.8"],
            "sampler": ["stan", None],
            "init": ["adapt_diag"],
            "seed": NOT_A_SEED,
            "progress": ["yes"],
            "compile_dir": [3],
        },
    ),
    *_cases(
        "GridPosterior.posterior_predictive",
        lambda x_grid, n_draws, seed: GRID.posterior_predictive(x_grid, n_draws=n_draws, seed=seed),
        {"x_grid": [0.0], "n_draws": 2, "seed": 1},
        {"x_grid": [[]], "n_draws": [0, "2"], "seed": NOT_A_SEED},
    ),
    *_cases(
        "GridPosterior.marginal", GRID.marginal, {"name": "amplitude"}, {"name": ["tau", "A", None]}
    ),
    *_cases(
        "uncertainty_by_density",
        gp.uncertainty_by_density,
        {"posterior": GRID, "x_grid": [0.0, 1.0], "bandwidth": 0.5},
        {"posterior": [None, "grid"], "x_grid": [[]], "bandwidth": POSITIVE_BAD},
    ),
]


# --------------------------------------------------------------------------------------------- plots
def _plots() -> Any:
    from statlab.plots import gp as gp_plots

    return gp_plots


PLOT_CASES = [
    *_cases(
        "plot_marginal_surface",
        lambda surface, levels: _plots().plot_marginal_surface(surface, levels=levels),
        {
            "surface": gp.marginal_likelihood_surface(
                GX, GY, length_scales=[1, 2], noise_sds=[0.1, 0.2], backend="python"
            ).to_frame(),
            "levels": 5,
        },
        {"surface": [None, pd.DataFrame({"length_scale": [1.0]})], "levels": [0, 2.5]},
    ),
    *_cases(
        "plot_sample_paths",
        lambda paths: _plots().plot_sample_paths(paths),
        {"paths": None},
        {"paths": [None, pd.DataFrame({"x": [1.0]})]},
    ),
    *_cases(
        "plot_kernel_sections",
        lambda sections, x0: _plots().plot_kernel_sections(sections, x0=x0),
        {"sections": kernels.kernel_sections({"RBF": kernels.RBF()}, [0.0, 1.0]), "x0": 1.0},
        {"sections": ["frame"], "x0": ["one", float("nan")]},
    ),
]


# ---------------------------------------------------------------------------------------------- shap
def _shap() -> Any:
    import statlab.shap

    return statlab.shap


SHAP_GOOD = {"f": lambda A: A[:, 0] + A[:, 1], "x": X[:2], "background": X[:10]}
SHAP_CASES = [
    *_cases(
        "exact_shap",
        lambda **kw: _shap().exact_shap(**kw),
        {**SHAP_GOOD, "backend": "python"},
        {
            "f": [None, "model"],
            "x": [np.full((1, 3), np.nan), "x"],
            "background": [np.empty((0, 3)), X[:10, :2]],
            "value": ["interventional", None],
            "feature_names": [["a"]],
            "backend": NOT_A_BACKEND,
        },
    ),
    *_cases(
        "kernel_shap",
        lambda **kw: _shap().kernel_shap(**kw),
        {**SHAP_GOOD, "n_samples": 6, "seed": 1},
        {"n_samples": [0, 2.5, "6"], "seed": NOT_A_SEED, "paired": ["yes"]},
    ),
    pytest.param(
        lambda: _shap().exact_shap(**SHAP_GOOD, feature_names="abc", backend="python"),
        "feature_names",
        id="exact_shap-feature_names='abc'",
    ),
]


# --------------------------------------------------------------------------------------------- trees
def _trees() -> Any:
    import statlab.trees

    return statlab.trees


TREE_Y = {
    "short": Y[:-1],
    "nan": np.where(np.arange(40) == 3, np.nan, Y),
    "two-d": np.c_[Y, Y],
    "none": None,
    "one class": np.array(["a"] * 40),
}
TILED = [[0, 1, 0, 1], [1, 2, 0, 1]]  # two boxes side by side: a good partition
TREE_GOOD = {"X": X, "y": Y, "backend": "python"}
FOREST_GOOD = {"X": X, "y": Y, "n_trees": 5, "backend": "python"}
EFRON_GOOD = {**FOREST_GOOD, "mtry_grid": [1, 2], "n_remove": 1}
ARCENE_GOOD = {"X": X, "y": CLASSES, "n_draws": 2, "nfolds": 3, "backend": "python"}
NOT_A_JOB_COUNT = [0, 1.5, "2", True]


def _y_cases(function: str, call: Callable[..., Any], good: dict[str, Any]) -> list[Any]:
    return [
        pytest.param(lambda v=value: call(**{**good, "y": v}), "y", id=f"{function}-y={name}")
        for name, value in TREE_Y.items()
    ]


def _tree_cases() -> list[Any]:
    trees = _trees()
    fitted = trees.fit_tree(X, Y, max_depth=2, nfolds=4, seed=1, backend="python")
    steps = trees.boosting_steps(X[:, 0], Y, n_steps=2, backend="python")
    stability = trees.importance_stability(**ARCENE_GOOD)
    cases = [
        *_cases(
            "fit_tree",
            trees.fit_tree,
            TREE_GOOD,
            {
                "max_depth": [0, 31, 2.5, "3", None],
                "cp": [-0.1, "0.01", float("nan"), None],
                "min_split": [1, 2.5],
                "min_bucket": [0, 1.5],
                "task": ["classify", None],
                "nfolds": [0, 2, 41, 2.5, "5"],
                "foldid": [np.ones(39, dtype=int), np.resize([0, 1, 2], 40), "folds"],
                "seed": NOT_A_SEED,
                "backend": NOT_A_BACKEND,
            },
        ),
        *_matrix_cases("fit_tree", trees.fit_tree, TREE_GOOD),
        *_y_cases("fit_tree", trees.fit_tree, TREE_GOOD),
        *_cases("TreeResult.prune", fitted.prune, {"cp": 0.1}, {"cp": [-1.0, "0.1", None]}),
        *_cases("TreeResult.best_cp", fitted.best_cp, {"rule": "min"}, {"rule": ["max", None]}),
        *_cases("TreeResult.predict", fitted.predict, {"X": X}, {"X": [X[:, :2], "X", None]}),
        *_cases(
            "split_search",
            trees.split_search,
            {"X": X, "y": Y},
            {"min_bucket": [0, 21, 2.5, "1"]},
        ),
        *_matrix_cases("split_search", trees.split_search, {"X": X, "y": Y}),
        *_cases(
            "boosting_steps",
            trees.boosting_steps,
            {"x": X[:, 0], "y": Y, "backend": "python"},
            {
                "x": [X, "x", None, np.where(np.arange(40) == 2, np.nan, X[:, 0])],
                "y": [Y[:-1], None, np.array(["a"] * 40)],
                "n_steps": [0, 2.5, "3"],
                "learning_rate": [0.0, 1.5, "1"],
                "max_depth": [0, 31],
                "min_split": [1],
                "min_bucket": [0],
                "backend": NOT_A_BACKEND,
            },
        ),
        *_cases("BoostingSteps.predict", steps.predict, {"x": X[:, 0]}, {"steps": [0, 3, 1.5]}),
        *_cases(
            "gbm_steps",
            trees.gbm_steps,
            {"X": X[:, 0], "y": Y},
            {
                "X": ["x", None],
                "y": [Y[:-1], None],
                "n_trees": [0, 2.5],
                "interaction_depth": [0, "2"],
                "learning_rate": [0.0, 1.5],
                "min_bucket": [0],
                "bag_fraction": [0.0, 1.5],
            },
        ),
        *_cases(
            "tree_from_partition",
            trees.tree_from_partition,
            {"rectangles": TILED},
            {
                "rectangles": [
                    [[0, 1, 0, 1], [1.5, 2, 0, 1]],  # a gap: does not tile the box
                    [[0, 1, 0, 1], [0.5, 2, 0, 1]],  # overlap
                    [[0, 2, 0, 1], [0, 1, 1, 2], [1, 2, 1, 3]],  # gaps in an L shape
                    [[1, 0, 0, 1]],  # max below min
                    [[0, 1, 0, np.nan]],
                    [[0, 1, 0]],
                    [],
                    "boxes",
                    None,
                    pd.DataFrame({"a": [1.0]}),
                ],
                "labels": [["only one"], "AB"],
                "feature_names": [["x"], "ab"],
            },
        ),
        *_cases(
            "random_forest",
            trees.random_forest,
            FOREST_GOOD,
            {
                "n_trees": [0, 2.5, "5"],
                "mtry": [0, 4, 2.5, "2"],
                "node_size": [0, 1.5],
                "task": ["classify"],
                "X_test": [X[:, :2], "X", np.full((2, 3), np.nan)],
                "seed": NOT_A_SEED,
                "n_jobs": NOT_A_JOB_COUNT,
                "backend": NOT_A_BACKEND,
            },
        ),
        *_matrix_cases("random_forest", trees.random_forest, FOREST_GOOD),
        *_y_cases("random_forest", trees.random_forest, FOREST_GOOD),
        *_cases(
            "tune_mtry",
            trees.tune_mtry,
            {**FOREST_GOOD, "mtry_grid": [1, 2]},
            {
                "mtry_grid": [[0, 2], [4], [1.5], "abc", []],
                "nfolds": [2, 41, "5"],
                "foldid": [np.ones(39, dtype=int), "folds"],
                "progress": NOT_A_FLAG,
            },
        ),
        *_cases(
            "efron_experiment",
            trees.efron_experiment,
            EFRON_GOOD,
            {
                "n_remove": [0, 3, 2.5, None],
                "test_fraction": [0.0, 1.0, 1.5, "0.25"],
                "nfolds": [1, 40, 2.5],
                "mtry_grid": [[0], "a"],
                "n_trees": [0],
                "progress": NOT_A_FLAG,
                "seed": NOT_A_SEED,
                "n_jobs": NOT_A_JOB_COUNT,
                "backend": NOT_A_BACKEND,
            },
        ),
        *_y_cases("efron_experiment", trees.efron_experiment, EFRON_GOOD),
        *_cases(
            "efron_singh2002",
            trees.efron_singh2002,
            {"n_trees": 5, "backend": "python"},
            {
                "removals": [[-1], [6033], [1.5], "all", None, [], [[1, 2], [3]]],
                "n_trees": [0, "5"],
                "progress": NOT_A_FLAG,
                "seed": NOT_A_SEED,
                "n_jobs": NOT_A_JOB_COUNT,
                "backend": NOT_A_BACKEND,
            },
        ),
        *_cases(
            "simulate_redundant",
            trees.simulate_redundant,
            {},
            {
                "n": [5, 2.5],
                "n_factors": [0],
                "copies": [0],
                "n_noise": [-1, 2.5],
                "beta": [[1.0], "big"],
                "copy_noise_sd": [-1.0, "0.3"],
                "noise_sd": [-1.0],
                "seed": NOT_A_SEED,
            },
        ),
        *_cases(
            "importance_stability",
            trees.importance_stability,
            ARCENE_GOOD,
            {
                "y": [
                    np.array(["a"] * 40),
                    np.resize(["a", "b", "c"], 40),
                    CLASSES[:-1],
                    None,
                ],
                "n_draws": [0, 2.5, "50"],
                "nfolds": [2, 41, 2.5],
                "min_split": [1, "20"],
                "X_holdout": [X[:, :2], "X"],
                "progress": NOT_A_FLAG,
                "seed": NOT_A_SEED,
                "n_jobs": NOT_A_JOB_COUNT,
                "backend": NOT_A_BACKEND,
            },
        ),
        *_cases(
            "importance_stability",
            trees.importance_stability,
            {**ARCENE_GOOD, "X_holdout": X[:5]},
            {"y_holdout": [CLASSES[:4], None]},
        ),
        *_matrix_cases("importance_stability", trees.importance_stability, ARCENE_GOOD),
        *_cases(
            "ImportanceStability.mdi_plus_bootstrap",
            stability.mdi_plus_bootstrap,
            {"n_draws": 1},
            {"n_draws": [0, 3, 1.5, "1"], "n_jobs": [0, "2"], "progress": ["yes", 1]},
        ),
        *_cases(
            "ImportanceStability.plot",
            stability.plot,
            {"mdi_plus": None},
            {"mdi_plus": ["scores", pd.DataFrame({"a": [1.0]})]},
        ),
    ]
    return cases


TREE_CASES = _tree_cases()


# ------------------------------------------------- misdiagnosed before: each once named numpy's words
def _reported_cases() -> list[Any]:
    from statlab.plots.shap import plot_waterfall

    prostate = sl.data.load("prostate")
    classes = np.array(list("abc"))[np.arange(40) % 3]
    multinomial = sl.glmnet(X, classes, family="multinomial", backend="python")
    counts = RNG.poisson(2.0, 40).astype(float)
    poisson = sl.glmnet(X, counts, family="poisson", offset=np.zeros(40), backend="python")
    tree = sl.trees.fit_tree(FRAME, Y, backend="python")
    explained = sl.shap.linear_shap([1.0, -2.0, 0.5], X[:3], baseline=[0.0, 0.0, 0.0])
    cases = {
        "y-huge": (lambda: sl.cv_glmnet(X, Y * 1e160, backend="python"), "y"),
        "X-repeated-names": (
            lambda: sl.glmnet(FRAME.set_axis(["a", "a", "c"], axis=1), Y, backend="python"),
            "X",
        ),
        "offset-strings": (lambda: sl.glmnet(X, Y, offset=["a"] * 40, backend="python"), "offset"),
        "new_offset-strings": (
            lambda: poisson.predict(X, s=0.1, new_offset=["a"] * 40),
            "new_offset",
        ),
        "y-None-label": (
            lambda: sl.glmnet(
                X, np.array(["a", None] * 20, dtype=object), family="binomial", backend="python"
            ),
            "y",
        ),
        "y-mixed-labels": (
            lambda: sl.glmnet(
                X, np.array(["a", 1] * 20, dtype=object), family="binomial", backend="python"
            ),
            "y",
        ),
        "multinomial-coef-s-string": (lambda: multinomial.coef(s="abc"), "s"),
        "class-without-weight": (
            lambda: sl.cv_glmnet(
                X,
                classes,
                family="multinomial",
                weights=np.where(classes == "c", 0.0, 1.0),
                backend="python",
            ),
            "y",
        ),
        "fold-training-rows-without-weight": (
            lambda: sl.cv_glmnet(
                X,
                Y,
                weights=np.r_[np.ones(10), np.zeros(30)],
                foldid=np.r_[np.ones(10, int), np.arange(30) % 3 + 2],
                backend="python",
            ),
            "weights",
        ),
        "fold-training-y-constant": (
            lambda: sl.cv_glmnet(
                X,
                np.r_[np.zeros(20), Y[20:]],
                foldid=np.r_[np.arange(20) % 3 + 2, np.ones(20, int)],
                backend="python",
            ),
            "y",
        ),
        "fold-training-counts-all-zero": (
            lambda: sl.cv_glmnet(
                X,
                np.r_[np.zeros(20), counts[20:] + 1],
                family="poisson",
                foldid=np.r_[np.arange(20) % 3 + 2, np.ones(20, int)],
                backend="python",
            ),
            "y",
        ),
        "compare_models-n_test-all-rows": (
            lambda: sl.compare_models(
                prostate,
                designs={"main": "lpsa ~ ."},
                n_test=len(prostate),
                n_draws=2,
                seed=1,
                backend="python",
            ),
            "n_test",
        ),
        "model_matrix-all-NA-column": (
            lambda: sl.model_matrix("lpsa ~ .", prostate.assign(empty=np.nan)),
            "formula",
        ),
        "GlmnetFit-s-unknown-rule": (
            lambda: sl.stability.GlmnetFit(alpha=1.0, s="lambda.max"),
            "s",
        ),
        "tree-importance-normalize-string": (lambda: tree.importance(normalize="yes"), "normalize"),
        "plot_waterfall-max_features-0": (
            lambda: plot_waterfall(explained, max_features=0),
            "max_features",
        ),
        "plot_waterfall-row-string": (lambda: plot_waterfall(explained, row="0"), "row"),
    }
    return [pytest.param(call, argument, id=name) for name, (call, argument) in cases.items()]


REPORTED_CASES = _reported_cases()

ALL_CASES = [
    *REPORTED_CASES,
    *GLMNET_CASES,
    *CV_STABILITY_CASES,
    *DATA_CASES,
    *GP_CASES,
    *PLOT_CASES,
    *SHAP_CASES,
    *TREE_CASES,
]


def _names(message: str, argument: str) -> bool:
    """The message starts with the argument's name (statlab's convention), quotes it, or says
    what is wrong with it ("... but x has 3 values")."""
    name = re.escape(argument)
    return bool(
        re.match(rf"{name}\b", message)
        or re.search(rf"['\"`]{name}['\"`]|\b{name}=", message)
        or re.search(rf"(^|\s){name} (has|must|is|contains|lacks)\b", message)
    )


def _raised_in_statlab(info: pytest.ExceptionInfo[BaseException]) -> bool:
    """The exception was raised by a statlab source line (not numpy, pandas, numba, formulaic)."""
    last = Path(str(info.traceback[-1].path)).resolve()
    return STATLAB in last.parents


@pytest.mark.parametrize(("call", "argument"), ALL_CASES)
def test_bad_input_gets_a_clear_error_naming_the_argument(
    call: Callable[[], Any], argument: str
) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    message = str(info.value)
    assert _names(message, argument), f"the message does not name {argument!r}: {message}"
    assert _raised_in_statlab(info), f"raised outside statlab: {info.traceback[-1]}: {message}"


# ------------------------------------------------------------------------------------------------ CLI
CLI_CASES = [
    (["doctor", "--nonsense"], 2, "--nonsense"),
    (["frobnicate"], 2, "frobnicate"),
    (["run", "no-such-analysis"], 2, "no-such-analysis"),
    (["run", "ozone-lasso", "--seed", "abc"], 2, "--seed"),
    (["run", "ozone-lasso", "--backend", "julia"], 2, "--backend"),
    (["run", "ozone-lasso", "--nonsense"], 2, "--nonsense"),
    (["run", "prostate-stability", "--n-draws", "0", "--backend", "python"], 2, "n_draws"),
    (["run", "prostate-stability", "--n-draws", "x"], 2, "--n-draws"),
    (
        ["run", "prostate-stability", "--n-jobs", "0", "--n-draws", "2", "--backend", "python"],
        2,
        "n_jobs",
    ),
    (["run", "prostate-stability", "--seed", "-3", "--backend", "python"], 2, "seed"),
    (["run", "gp-kernels", "--paths", "0"], 2, "n_draws"),
    (["run", "gp-kernels", "--backend", "r"], 2, "no R implementation"),
    (["run", "gp-hierarchical", "--method", "vi"], 2, "--method"),
    (["run", "gp-hierarchical", "--n-draws", "0", "--method", "nuts"], 2, "n_draws"),
    (["run", "gp-marginal-likelihood", "--nonsense"], 2, "--nonsense"),
]


@pytest.mark.parametrize(
    ("argv", "code", "named"), CLI_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_cli_user_error_is_one_line_with_exit_code(
    argv: list[str], code: int, named: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if argv[0] == "run" and len(argv) > 1:
        argv = [*argv, "--out", str(tmp_path)]
    try:
        returned = cli.main(argv)
    except SystemExit as exit_:
        returned = exit_.code
    assert returned == code
    error = capsys.readouterr().err.strip()
    assert "Traceback" not in error
    assert len(error.splitlines()) == 1, error
    assert named in error


# ----------------------------------------------------------------- impossible numerical situations
def test_all_constant_x_is_refused_as_r_refuses() -> None:
    with pytest.raises(ValueError, match=r"^X has no column that varies"):
        sl.glmnet(np.ones((20, 3)), np.arange(20.0), backend="python")


def test_x_scaled_to_overflow_is_a_clear_error_or_r_s_answer() -> None:
    huge = X * 1e160
    try:
        path = sl.glmnet(huge, Y, backend="python")
    except ValueError as error:
        assert "X" in str(error)
    else:
        reference = sl.glmnet(X, Y, backend="python")
        np.testing.assert_allclose(path.a0, reference.a0, rtol=1e-6)


def test_binomial_fold_with_one_class_is_r_s_behaviour_or_clear() -> None:
    labels = np.array(["a"] * 36 + ["b"] * 4)
    foldid = np.array([1] * 10 + [2] * 10 + [3] * 10 + [4] * 10)
    try:
        fit = sl.cv_glmnet(X, labels, family="binomial", foldid=foldid, backend="python")
    except ValueError as error:
        assert "fold" in str(error) or "y" in str(error)
    else:
        assert np.isfinite(fit.cvm).any()


def test_path_object_refuses_a_cv_rule_by_name() -> None:
    with pytest.raises(ValueError, match=r"^s .*cv_glmnet"):
        PATH.coef("lambda.min")


def test_r_warnings_reach_the_caller() -> None:
    from statlab import _rbridge

    if not _rbridge.status().usable:
        pytest.skip(f"R backend not usable here: {_rbridge.status().reason}")
    with pytest.warns(sl.RWarning, match="glmnet_fit.*[Cc]onvergence"):
        sl.glmnet(X, Y, maxit=1, backend="r")


test_r_warnings_reach_the_caller = pytest.mark.needs_r(test_r_warnings_reach_the_caller)


def test_catalogue_is_large_and_covers_every_area() -> None:
    assert len(ALL_CASES) + len(CLI_CASES) > 431
    assert math.prod(len(c) for c in (GLMNET_CASES, CV_STABILITY_CASES, DATA_CASES, GP_CASES))
