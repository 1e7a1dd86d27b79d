"""Binomial, Poisson and multinomial (ungrouped and grouped) against R glmnet 4.1-6 at R's
default thresh.

glmnet stops these families' passes when no coefficient moves by more than ``thresh`` times the
null deviance per unit weight; statlab does the same, so the two follow the same iterations and
agree to rounding, not only at the optimum: same path length, same lambdas, same ``df``, and the
coefficients within 1e-10 of the path's largest one. That includes where the passes run out:
with ``maxit`` reached, both stop the path at the same lambda and warn.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl
from statlab.testing import assert_backends_agree

pytestmark = pytest.mark.needs_r

LAMBDA_RTOL = 1e-12
COEF_TOL = 1e-10  # relative to the largest |coef| on R's path
GROUPED = {"type_multinomial": "grouped"}
FAMILIES = [
    pytest.param("binomial", {}, id="binomial"),
    pytest.param("poisson", {}, id="poisson"),
    pytest.param("multinomial", {}, id="multinomial"),
    pytest.param("multinomial", GROUPED, id="multinomial-grouped"),
]


def simulated(family: str, n: int, p: int, seed: int) -> dict[str, np.ndarray]:
    """A response of ``family`` driven by four of ``p`` standard normal columns, with positive
    weights and an offset (one column per class for the multinomial)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = X[:, :4] @ np.array([1.0, -0.8, 0.5, 0.3])
    if family == "binomial":
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    else:
        scores = np.outer(eta, [-1.0, 0.0, 1.0]) + rng.standard_normal((n, 3))
        y = scores.argmax(axis=1).astype(float)
    offset_shape = (n, 3) if family == "multinomial" else n
    return {
        "X": X,
        "y": y,
        "weights": rng.uniform(0.5, 2.0, n),
        "offset": rng.normal(0.0, 0.3, offset_shape),
    }


CASES = [
    pytest.param("tall", 300, 12, "dense", id="300x12-dense"),
    pytest.param("tall", 300, 12, "sparse", id="300x12-sparse"),
    pytest.param("tall", 300, 12, "weights+offset", id="300x12-weights-offset"),
    pytest.param("wide", 100, 200, "dense", id="100x200-dense"),
    pytest.param("wide", 100, 200, "sparse", id="100x200-sparse"),
    pytest.param("wide", 100, 200, "weights+offset", id="100x200-weights-offset"),
]


def arguments(family: str, n: int, p: int, variant: str) -> tuple[object, np.ndarray, dict]:
    data = simulated(family, n, p, seed=n + p)
    X = data["X"]
    options: dict = {}
    if variant == "sparse":
        X = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
    if variant == "weights+offset":
        options = {"weights": data["weights"], "offset": data["offset"]}
    return X, data["y"], options


def assert_same_path(python_path, r_path) -> None:
    assert len(python_path.lambdas) == len(r_path.lambdas)
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=LAMBDA_RTOL)
    np.testing.assert_array_equal(python_path.df, r_path.df)
    scale = np.abs(r_path.beta).max()
    assert np.abs(python_path.beta - r_path.beta).max() <= COEF_TOL * scale
    assert np.abs(python_path.a0 - r_path.a0).max() <= COEF_TOL * max(scale, 1.0)
    np.testing.assert_allclose(python_path.dev_ratio, r_path.dev_ratio, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("family", "kind"), FAMILIES)
@pytest.mark.parametrize(("shape", "n", "p", "variant"), CASES)
def test_path_matches_r_pass_for_pass(family, kind, shape, n, p, variant):
    X, y, options = arguments(family, n, p, variant)
    # every field of the path: same length, df and class labels, lambdas to 1e-12, coefficients
    # and intercepts to 1e-10 of their largest magnitude, dev_ratio to 1e-9
    assert_backends_agree(sl.glmnet, X, y, family=family, **kind, **options)


GROUPED_OPTIONS = {
    # two excluded variables; the test adds an unpenalised one and a doubly penalised one
    "penalty-factor-exclude": {"exclude": [5, 7]},
    # box limits that bind (R's path has coefficients at both bounds)
    "limits": {"lower_limits": -0.3, "upper_limits": 0.4},
    "limits-enet": {"lower_limits": -0.2, "alpha": 0.5},
    "no-intercept": {"intercept": False},
    "unstandardised": {"standardize": False},
}


@pytest.mark.parametrize("name", list(GROUPED_OPTIONS))
@pytest.mark.parametrize(("n", "p", "variant"), [(300, 12, "dense"), (100, 200, "sparse")])
def test_grouped_multinomial_options_match_r_pass_for_pass(name, n, p, variant):
    X, y, _ = arguments("multinomial", n, p, variant)
    options = dict(GROUPED_OPTIONS[name])
    if name == "penalty-factor-exclude":
        options["penalty_factor"] = np.r_[0.0, 1.0, 1.0, 2.0, np.ones(p - 4)]
    python_path, r_path = (
        sl.glmnet(X, y, family="multinomial", backend=b, **GROUPED, **options)
        for b in ("python", "r")
    )
    if name == "limits":
        assert r_path.beta.max() == pytest.approx(0.4) and r_path.beta.min() == pytest.approx(-0.3)
    assert_same_path(python_path, r_path)


def test_grouped_multinomial_stops_at_maxit_where_r_does():
    # 100 x 200: the passes (K = 3 per pass over the data, as glmnet counts them) run out in the
    # 21st lambda's fit; R keeps the first 20 and warns, and so does statlab
    X, y, _ = arguments("multinomial", 100, 200, "dense")
    paths = {}
    for b in ("python", "r"):
        with pytest.warns(Warning, match="maxit"):
            paths[b] = sl.glmnet(X, y, family="multinomial", maxit=1000, backend=b, **GROUPED)
    assert len(paths["r"].lambdas) == 20
    assert_same_path(paths["python"], paths["r"])


def test_grouped_multinomial_dfmax_counts_the_first_class():
    # with lower_limits=0 a variable's first-class coefficient often sits at its bound 0 while
    # the others move; glmnet's grouped fit counts variables against dfmax by the first class, so
    # its path runs to 28 lambdas here, where counting any class stops it at 21
    X, y, _ = arguments("multinomial", 300, 12, "dense")
    python_path, r_path = (
        sl.glmnet(X, y, family="multinomial", lower_limits=0.0, dfmax=3, backend=b, **GROUPED)
        for b in ("python", "r")
    )
    assert len(r_path.lambdas) == 28
    assert_same_path(python_path, r_path)


def test_grouped_multinomial_stops_where_the_curvature_vanishes_as_r_does():
    # three classes separated by one column: towards lambda = 0 every fitted probability nears 0
    # or 1, and glmnet stops the grouped path once the largest p (1 - p) falls below 1e-6 (here
    # in the 8th lambda's fit), keeping the lambdas before it with a warning
    rng = np.random.default_rng(7)
    X = rng.standard_normal((30, 60))
    y = np.repeat([0.0, 1.0, 2.0], 10)
    X[:, 0] += 6.0 * (y - 1.0)
    lambdas = 0.17 * np.geomspace(1.0, 2e-9, 10)
    paths = {}
    for b in ("python", "r"):
        with pytest.warns(Warning, match=r"p\(1-p\)|p \(1 - p\)"):
            paths[b] = sl.glmnet(X, y, family="multinomial", lambdas=lambdas, backend=b, **GROUPED)
    assert len(paths["r"].lambdas) == 7
    assert_same_path(paths["python"], paths["r"])


MEASURES = [
    pytest.param(family, measure, kind, id=f"{family}{'-grouped' if kind else ''}-{measure}")
    for family, measure, kind in [
        ("binomial", "deviance", {}),
        ("binomial", "class", {}),
        ("binomial", "auc", {}),
        ("binomial", "mse", {}),
        ("binomial", "mae", {}),
        ("poisson", "deviance", {}),
        ("poisson", "mse", {}),
        ("poisson", "mae", {}),
        ("multinomial", "deviance", {}),
        ("multinomial", "class", {}),
        ("multinomial", "deviance", GROUPED),
        ("multinomial", "class", GROUPED),
    ]
]


@pytest.mark.parametrize(("family", "type_measure", "kind"), MEASURES)
def test_cv_curve_matches_r_at_default_thresh(family, type_measure, kind):
    X, y, options = arguments(family, 300, 12, "weights+offset")
    # the same folds, path (as above), nzero and lambda choices; cvm to 1e-9, cvsd to 1e-8
    assert_backends_agree(
        sl.cv_glmnet, X, y, family=family, type_measure=type_measure, nfolds=5, seed=11,
        **kind, **options,
    )  # fmt: skip


@pytest.mark.parametrize(("family", "kind"), FAMILIES)
@pytest.mark.parametrize("n_lambdas", [1, 5], ids=["one-lambda", "five-lambdas"])
def test_user_lambdas_match_r_pass_for_pass(family, kind, n_lambdas):
    # before a user's first lambda glmnet's strong rule screens at 2 alpha lambda (no previous
    # lambda); screening at alpha lambda instead changed a single-lambda fit on 100 x 200 by 45%
    X, y, _ = arguments(family, 100, 200, "dense")
    lambda_max = sl.glmnet(X, y, family=family, backend="python", **kind).lambdas[0]
    lambdas = lambda_max * np.geomspace(0.05, 0.01, n_lambdas)
    python_path, r_path = (
        sl.glmnet(X, y, family=family, lambdas=lambdas, backend=b, **kind) for b in ("python", "r")
    )
    assert_same_path(python_path, r_path)
