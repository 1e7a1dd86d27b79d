"""``type_logistic="modified.Newton"`` (R's ``type.logistic``) against R glmnet 4.1-6 at R's
default thresh.

glmnet's modified Newton keeps each variable's curvature at its bound ``x_var / 4`` (``p (1 - p)
<= 1/4``) for the whole path instead of the IRLS weights' ``sum_i v_i x_ij^2``; statlab does the
same, so the two follow the same passes: same path length, lambdas to 1e-12, ``df``, and
coefficients within 1e-10 of the path's largest one. The argument's checks need no R.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl
from statlab.testing import assert_backends_agree

MODIFIED = {"type_logistic": "modified.Newton"}
LAMBDA_RTOL = 1e-12
COEF_TOL = 1e-10  # relative to the largest |coef| on R's path


def simulated(family: str, n: int = 300, p: int = 12, seed: int = 5) -> dict[str, object]:
    """A two-class or three-class response driven by four of ``p`` normal columns of unequal
    spread (so unstandardised curvatures differ by column), with weights and an offset."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    eta = X[:, :4] @ np.array([0.6, -0.5, 0.3, 0.2])
    if family == "binomial":
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    else:
        y = (np.outer(eta, [-1.0, 0.0, 1.0]) + rng.standard_normal((n, 3))).argmax(axis=1)
        y = y.astype(float)
    return {
        "X": X,
        "y": y,
        "weights": rng.uniform(0.5, 2.0, n),
        "offset": rng.normal(0.0, 0.3, (n, 3) if family == "multinomial" else n),
    }


VARIANTS = ["dense", "sparse", "weights+offset", "unstandardised", "no-intercept"]


def arguments(family: str, variant: str) -> tuple[object, np.ndarray, dict]:
    data = simulated(family)
    X, options = data["X"], {}
    if variant == "sparse":
        X = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
    elif variant == "weights+offset":
        options = {"weights": data["weights"], "offset": data["offset"]}
    elif variant == "unstandardised":
        options = {"standardize": False}
    elif variant == "no-intercept":
        options = {"intercept": False}
    return X, data["y"], options


def assert_same_path(python_path, r_path) -> None:
    assert len(python_path.lambdas) == len(r_path.lambdas)
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=LAMBDA_RTOL)
    np.testing.assert_array_equal(python_path.df, r_path.df)
    scale = np.abs(r_path.beta).max()
    assert np.abs(python_path.beta - r_path.beta).max() <= COEF_TOL * scale
    assert np.abs(python_path.a0 - r_path.a0).max() <= COEF_TOL * max(scale, 1.0)


@pytest.mark.needs_r
@pytest.mark.parametrize("family", ["binomial", "multinomial"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_modified_newton_path_matches_r_pass_for_pass(family, variant):
    X, y, options = arguments(family, variant)
    python_path, r_path = (
        sl.glmnet(X, y, family=family, backend=b, **MODIFIED, **options) for b in ("python", "r")
    )
    assert_same_path(python_path, r_path)
    # the option reached both engines: R's Newton path, at the same thresh, differs beyond it
    newton = sl.glmnet(X, y, family=family, backend="r", **options)
    common = min(len(newton.lambdas), len(r_path.lambdas))
    moved = np.abs(newton.beta[..., :common] - r_path.beta[..., :common]).max()
    assert moved > 1e3 * COEF_TOL * np.abs(r_path.beta).max()


@pytest.mark.needs_r
@pytest.mark.parametrize("family", ["binomial", "multinomial"])
def test_modified_newton_cv_matches_r(family):
    X, y, options = arguments(family, "weights+offset")
    # the same folds: path, nzero and lambda choices; cvm to 1e-9, cvsd to 1e-8
    assert_backends_agree(
        sl.cv_glmnet, X, y, family=family, nfolds=5, seed=3, **MODIFIED, **options
    )


@pytest.mark.needs_r
def test_grouped_multinomial_ignores_type_logistic_as_r_does():
    X, y, _ = arguments("multinomial", "dense")
    grouped = {"family": "multinomial", "type_multinomial": "grouped"}
    newton = sl.glmnet(X, y, backend="python", **grouped)
    python_path, r_path = (
        sl.glmnet(X, y, backend=b, **grouped, **MODIFIED) for b in ("python", "r")
    )
    np.testing.assert_array_equal(python_path.beta, newton.beta)
    assert_same_path(python_path, r_path)


@pytest.mark.parametrize(
    ("value", "family"),
    [("modified_newton", "binomial"), ("newton", "binomial"), (1, "binomial"),
     ("modified.Newton", "gaussian"), ("modified.Newton", "poisson")],
)  # fmt: skip
def test_bad_type_logistic_is_refused(value, family):
    X, y, _ = arguments("binomial", "dense")
    with pytest.raises((ValueError, TypeError), match="type_logistic"):
        sl.glmnet(X, y, family=family, type_logistic=value, backend="python")
    with pytest.raises((ValueError, TypeError), match="type_logistic"):
        sl.cv_glmnet(X, y, family=family, type_logistic=value, backend="python", nfolds=3)
