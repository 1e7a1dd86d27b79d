"""family="mgaussian" against R glmnet 4.1-6 at R's default thresh.

glmnet's multi-response solver stops its passes when no coefficient moves by more than
``thresh`` times the responses' total weighted sum of squares over K; statlab does the same, so
the two follow the same passes and agree to rounding: same path length, lambdas to 1e-12, ``df``
equal, every response's coefficients (and intercepts) within 1e-10 of the path's largest
coefficient, and the CV curves within 1e-9 on the same folds.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl
from statlab.glmnet import fold_ids

pytestmark = pytest.mark.needs_r

LAMBDA_RTOL = 1e-12
COEF_TOL = 1e-10  # relative to the largest |coef| (or intercept) on R's path
CVM_TOL = 1e-9


def design(kind: str) -> tuple[object, np.ndarray, np.ndarray]:
    """120 x 10 predictors (dense, or sparse with a third of the entries stored), three
    correlated responses from four of the columns, and positive weights."""
    rng = np.random.default_rng(23)
    n, p = 120, 10
    if kind == "sparse":
        X = sp.random(n, p, density=0.3, random_state=rng, format="csc")
        X.data = 3 * X.data + 1
    else:
        X = rng.normal(size=(n, p))
        X[:, 0] += 2.0
    B = np.zeros((p, 3))
    B[0], B[2], B[5], B[7] = [1.0, -0.5, 0.3], [0.4, 0.4, -0.8], [0.2, 0.0, 0.1], [0, 0.1, 0]
    Y = X @ B + rng.normal(size=(n, 3)) * [1.0, 0.5, 2.0] + [1.0, 2.0, 3.0]
    return X, Y, rng.uniform(0.5, 2.0, n)


def options(case: str, n: int, p: int) -> dict[str, object]:
    rng = np.random.default_rng(5)
    penalty = np.ones(p)
    penalty[[1, 4]] = [0.0, 2.0]
    return {
        "default": {},
        "enet": {"alpha": 0.5},
        "ridge": {"alpha": 0.0},
        "standardize_response": {"standardize_response": True},
        "no_intercept": {"intercept": False},
        "no_intercept_std_response": {"intercept": False, "standardize_response": True},
        "unstandardized": {"standardize": False},
        "penalty_factor_exclude": {"penalty_factor": penalty, "exclude": [8]},
        "limits": {"lower_limits": -0.3, "upper_limits": 0.5},
        "limits_std_response": {"lower_limits": -0.3, "standardize_response": True},
        "dfmax": {"dfmax": 2},
        "lambdas": {"lambdas": [2.0, 0.5, 0.1, 0.03, 0.001]},
        "offset": {"offset": rng.normal(0.0, 0.5, (n, 3))},
    }[case]


CASES = [
    "default", "enet", "ridge", "standardize_response", "no_intercept",
    "no_intercept_std_response", "unstandardized", "penalty_factor_exclude", "limits",
    "limits_std_response", "dfmax", "lambdas", "offset",
]  # fmt: skip


def differences(ours: sl.GlmnetPath, theirs: sl.GlmnetPath) -> dict[str, float]:
    """The largest differences: lambdas (relative), coefficients and intercepts (relative to
    R's largest |coef|), dev_ratio."""
    scale = max(np.abs(theirs.beta).max(), np.abs(theirs.a0).max())
    return {
        "lambda": float(np.abs(ours.lambdas / theirs.lambdas - 1).max()),
        "beta": float(np.abs(ours.beta - theirs.beta).max() / scale),
        "a0": float(np.abs(ours.a0 - theirs.a0).max() / scale),
        "dev_ratio": float(np.abs(ours.dev_ratio - theirs.dev_ratio).max()),
    }


@pytest.mark.parametrize("kind", ["dense", "sparse"])
@pytest.mark.parametrize("case", CASES)
def test_path_matches_r(kind, case):
    X, Y, weights = design(kind)
    args = {"family": "mgaussian", "weights": weights, **options(case, *X.shape)}
    ours, theirs = (sl.glmnet(X, Y, backend=b, **args) for b in ("python", "r"))
    assert len(ours.lambdas) == len(theirs.lambdas)
    assert ours.beta.shape == theirs.beta.shape == (X.shape[1], 3, len(theirs.lambdas))
    found = differences(ours, theirs)
    assert found["lambda"] <= LAMBDA_RTOL
    assert found["beta"] <= COEF_TOL and found["a0"] <= COEF_TOL
    assert found["dev_ratio"] <= COEF_TOL
    np.testing.assert_array_equal(ours.df, theirs.df)
    assert ours.nulldev == pytest.approx(theirs.nulldev, rel=1e-12)
    s = float(theirs.lambdas[len(theirs.lambdas) // 2])
    new_offset = args.get("offset")
    prediction = [path.predict(X, s=s, new_offset=new_offset) for path in (ours, theirs)]
    assert np.abs(prediction[0] - prediction[1]).max() <= COEF_TOL * np.abs(prediction[1]).max()


@pytest.mark.parametrize("kind", ["dense", "sparse"])
@pytest.mark.parametrize("type_measure", ["mse", "deviance", "mae"])
def test_cv_matches_r_on_the_same_folds(kind, type_measure):
    X, Y, weights = design(kind)
    folds = fold_ids(None, 5, X.shape[0], seed=8)
    ours, theirs = (
        sl.cv_glmnet(X, Y, family="mgaussian", weights=weights, foldid=folds, keep=True,
                     type_measure=type_measure, backend=b)
        for b in ("python", "r")
    )  # fmt: skip
    assert ours.measure == theirs.measure
    assert len(ours.lambdas) == len(theirs.lambdas)
    np.testing.assert_allclose(ours.lambdas, theirs.lambdas, rtol=LAMBDA_RTOL)
    assert np.abs(ours.cvm - theirs.cvm).max() <= CVM_TOL * np.abs(theirs.cvm).max()
    assert np.abs(ours.cvsd - theirs.cvsd).max() <= CVM_TOL * np.abs(theirs.cvm).max()
    assert (ours.index_min, ours.index_1se) == (theirs.index_min, theirs.index_1se)
    np.testing.assert_array_equal(ours.nzero, theirs.nzero)
    assert ours.fit_preval.shape == theirs.fit_preval.shape == (X.shape[0], 3, len(ours.lambdas))
    scale = np.abs(theirs.fit_preval).max()
    assert np.abs(ours.fit_preval - theirs.fit_preval).max() <= COEF_TOL * scale


def test_standardize_response_cv_matches_r():
    X, Y, _ = design("dense")
    folds = fold_ids(None, 4, X.shape[0], seed=9)
    ours, theirs = (
        sl.cv_glmnet(X, Y, family="mgaussian", standardize_response=True, alpha=0.5,
                     foldid=folds, backend=b)
        for b in ("python", "r")
    )  # fmt: skip
    np.testing.assert_allclose(ours.lambdas, theirs.lambdas, rtol=LAMBDA_RTOL)
    assert np.abs(ours.cvm - theirs.cvm).max() <= CVM_TOL * np.abs(theirs.cvm).max()
    assert (ours.index_min, ours.index_1se) == (theirs.index_min, theirs.index_1se)


def test_maxit_stops_the_path_where_r_does():
    X, Y, _ = design("dense")
    with pytest.warns(Warning) as caught:
        ours, theirs = (
            sl.glmnet(X, Y, family="mgaussian", maxit=200, backend=b) for b in ("python", "r")
        )
    assert any("did not converge in 200 passes" in str(w.message) for w in caught)
    assert any("Convergence for 52th lambda" in str(w.message) for w in caught)
    assert len(ours.lambdas) == len(theirs.lambdas) == 51
    found = differences(ours, theirs)
    assert found["beta"] <= COEF_TOL and found["a0"] <= COEF_TOL


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_relaxed_fit_and_its_cv_match_r(kind):
    X, Y, weights = design(kind)
    args = {"family": "mgaussian", "weights": weights, "relax": True}
    ours, theirs = (sl.glmnet(X, Y, backend=b, **args) for b in ("python", "r"))
    found = differences(ours.relaxed, theirs.relaxed)
    assert found["beta"] <= COEF_TOL and found["a0"] <= COEF_TOL
    assert found["dev_ratio"] <= COEF_TOL
    s = float(theirs.lambdas[10])
    blended = [path.predict(X, s=s, gamma=0.5) for path in (ours, theirs)]
    assert np.abs(blended[0] - blended[1]).max() <= COEF_TOL * np.abs(blended[1]).max()
    folds = fold_ids(None, 5, X.shape[0], seed=8)
    ours, theirs = (sl.cv_glmnet(X, Y, foldid=folds, backend=b, **args) for b in ("python", "r"))
    scale = np.abs(theirs.relaxed.cvm).max()
    assert np.abs(ours.relaxed.cvm - theirs.relaxed.cvm).max() <= CVM_TOL * scale
    assert ours.relaxed.choice_min == theirs.relaxed.choice_min
    assert ours.relaxed.choice_1se == theirs.relaxed.choice_1se
