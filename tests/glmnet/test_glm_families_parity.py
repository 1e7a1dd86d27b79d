"""Family objects (R's glmnet.path) against R glmnet 4.1-6 at R's default thresh: the same path
length, lambdas to 1e-12, coefficients to 1e-10 of the largest |coef|, the same df; the CV
curves of cv.glmnetfit on the same folds."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import statsmodels.api as sm

import statlab as sl
from statlab.glmnet import fold_ids

pytestmark = [
    pytest.mark.needs_r,
    pytest.mark.filterwarnings("ignore:.*non-integer #successes:UserWarning"),
]

links = sm.families.links
FAMILIES = {
    "binomial_probit": (lambda: sm.families.Binomial(link=links.Probit()), "binomial"),
    "binomial_cloglog": (lambda: sm.families.Binomial(link=links.CLogLog()), "binomial"),
    "poisson_object": (lambda: sm.families.Poisson(), "poisson"),
    "gamma_log": (lambda: sm.families.Gamma(link=links.Log()), "gamma"),
    "quasipoisson": (lambda: "quasipoisson", "poisson"),
    "gaussian_log": (lambda: sm.families.Gaussian(link=links.Log()), "positive"),
}
CASES = {
    "plain": {},
    "weights_alpha": {"weights": True, "alpha": 0.5},
    "offset": {"offset": True},
    # limits on the penalised variables only: R's IRLS cannot start from an unpenalised fit
    # outside them ("inner loop 3; cannot correct step size"), nor can statlab's
    "unpenalised_limits": {
        "penalty_factor": np.r_[0.0, np.ones(7)],
        "lower_limits": np.r_[-np.inf, np.full(7, -0.1)],
        "upper_limits": np.r_[np.inf, np.full(7, 0.25)],
    },
    "no_intercept_unstandardised": {"intercept": False, "standardize": False},
    "sparse_x": {"sparse": True},
    "lambdas": {"lambdas": [0.2, 0.05, 0.01, 0.002]},
}
LAMBDA_RTOL = 1e-12
COEF_TOL = 1e-10


@pytest.fixture(scope="module")
def data(family_data):
    rng = np.random.default_rng(3)
    X, offset = family_data["X"], family_data["offset"]
    eta = 0.3 + X @ [0.4, -0.3, 0.2, 0, 0, 0.1, 0, 0] + offset
    return {
        "X": X,
        "offset": offset,
        "weights": rng.uniform(0.5, 2.0, X.shape[0]),
        "binomial": family_data["binomial"].astype(float),
        "poisson": family_data["poisson"].astype(float),
        "gamma": rng.gamma(3.0, np.exp(eta) / 3.0),
        "positive": np.exp(eta) + rng.uniform(0.0, 0.5, X.shape[0]),
    }


def fit_both(data, family_key, case_key):
    make_family, response = FAMILIES[family_key]
    options = dict(CASES[case_key])
    X = data["X"]
    if options.pop("sparse", False):
        X = sp.csc_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    if options.pop("weights", False):
        options["weights"] = data["weights"]
    if options.pop("offset", False):
        options["offset"] = 0.5 * data["offset"]
    return [
        sl.glmnet(X, data[response], family=make_family(), backend=b, **options)
        for b in ("python", "r")
    ]


@pytest.mark.parametrize("case_key", list(CASES))
@pytest.mark.parametrize("family_key", list(FAMILIES))
def test_path_as_r(data, family_key, case_key):
    python_fit, r_fit = fit_both(data, family_key, case_key)
    assert len(python_fit.lambdas) == len(r_fit.lambdas)
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=LAMBDA_RTOL, atol=0)
    scale = np.abs(r_fit.beta).max()
    assert np.abs(python_fit.beta - r_fit.beta).max() <= COEF_TOL * scale
    assert np.abs(python_fit.a0 - r_fit.a0).max() <= COEF_TOL * max(scale, 1.0)
    np.testing.assert_array_equal(python_fit.df, r_fit.df)
    np.testing.assert_allclose(python_fit.dev_ratio, r_fit.dev_ratio, rtol=0, atol=1e-10)
    assert python_fit.nulldev == pytest.approx(r_fit.nulldev, rel=1e-12)


@pytest.mark.parametrize("family_key", ["binomial_probit", "gamma_log", "quasipoisson"])
def test_predict_through_the_link_as_r(data, family_key):
    python_fit, r_fit = fit_both(data, family_key, "plain")
    new_x = data["X"][:20] + 0.1
    s = np.array([python_fit.lambdas[3], python_fit.lambdas[10] * 0.9])
    for kind in ("link", "response"):
        np.testing.assert_allclose(
            python_fit.predict(new_x, s, type=kind), r_fit.predict(new_x, s, type=kind),
            rtol=1e-10, atol=1e-12,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("family_key", "measure"),
    [("binomial_probit", "deviance"), ("poisson_object", "mae"), ("gamma_log", "deviance"),
     ("gamma_log", "mse"), ("quasipoisson", "default")],
)  # fmt: skip
def test_cv_as_r(data, family_key, measure):
    make_family, response = FAMILIES[family_key]
    folds = fold_ids(None, 5, data["X"].shape[0], 11)
    python_cv, r_cv = (
        sl.cv_glmnet(data["X"], data[response], family=make_family(), foldid=folds,
                     type_measure=measure, weights=data["weights"], keep=True, backend=b)
        for b in ("python", "r")
    )  # fmt: skip
    assert python_cv.measure == r_cv.measure
    np.testing.assert_allclose(python_cv.lambdas, r_cv.lambdas, rtol=LAMBDA_RTOL)
    np.testing.assert_allclose(python_cv.cvm, r_cv.cvm, rtol=1e-10)
    np.testing.assert_allclose(python_cv.cvsd, r_cv.cvsd, rtol=1e-9)
    np.testing.assert_allclose(python_cv.fit_preval, r_cv.fit_preval, rtol=1e-9, atol=1e-12)
    assert (python_cv.index_min, python_cv.index_1se) == (r_cv.index_min, r_cv.index_1se)


LINKS = {
    "poisson_identity": (lambda: sm.families.Poisson(link=links.Identity()), lambda e: 3 + e),
    "poisson_sqrt": (lambda: sm.families.Poisson(link=links.Sqrt()), lambda e: (2 + e) ** 2),
    "gamma_inverse": (lambda: sm.families.Gamma(), lambda e: 1 / (1 + 0.1 * e)),
    "gamma_identity": (lambda: sm.families.Gamma(link=links.Identity()), lambda e: 3 + e),
    "binomial_log": (lambda: sm.families.Binomial(link=links.Log()),
                     lambda e: 0.3 * np.exp(0.3 * e)),
    "binomial_cauchit": (lambda: sm.families.Binomial(link=links.Cauchy()),
                         lambda e: 0.5 + 0.3 * np.tanh(e)),
    "gaussian_identity": (lambda: sm.families.Gaussian(), lambda e: e),
    "gaussian_inverse": (lambda: sm.families.Gaussian(link=links.InversePower()),
                         lambda e: 1 / (2 + 0.2 * e)),
}  # fmt: skip


@pytest.mark.parametrize("link_key", list(LINKS))
def test_every_link_r_allows_as_r(link_key):
    """Each family with each other link R's family function takes (identity links included,
    where a step can leave the family's domain and is halved)."""
    make_family, mean = LINKS[link_key]
    rng = np.random.default_rng(4)
    X = rng.normal(size=(150, 6))
    mu = mean(0.5 * X[:, 0] - 0.3 * X[:, 1])
    family = make_family()
    if family.__class__.__name__ == "Binomial":
        y = (rng.uniform(size=150) < mu).astype(float)
    elif family.__class__.__name__ == "Poisson":
        y = rng.poisson(mu).astype(float)
    elif family.__class__.__name__ == "Gamma":
        y = rng.gamma(3.0, mu / 3.0)
    else:
        y = mu + 0.05 * rng.normal(size=150)
    python_fit, r_fit = (sl.glmnet(X, y, family=make_family(), backend=b) for b in ("python", "r"))
    assert len(python_fit.lambdas) == len(r_fit.lambdas)
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=LAMBDA_RTOL, atol=0)
    scale = np.abs(r_fit.beta).max()
    assert np.abs(python_fit.beta - r_fit.beta).max() <= COEF_TOL * scale
    assert np.abs(python_fit.a0 - r_fit.a0).max() <= COEF_TOL * max(scale, 1.0)
    np.testing.assert_array_equal(python_fit.df, r_fit.df)


def test_maxit_stops_the_path_where_r_stops_it(data):
    """glmnet.path's passes accumulate over the path; past maxit the lambda is dropped and the
    path ends there, with a warning, in both backends."""
    family = sm.families.Gamma(link=links.Log())
    fits = []
    for backend, category in (("python", RuntimeWarning), ("r", UserWarning)):
        with pytest.warns(category, match="maxit"):
            fits.append(sl.glmnet(data["X"], data["gamma"], family=family, maxit=40,
                                  backend=backend))  # fmt: skip
    python_fit, r_fit = fits
    assert 1 < len(python_fit.lambdas) == len(r_fit.lambdas) < 10
    np.testing.assert_allclose(python_fit.beta, r_fit.beta, rtol=0, atol=1e-12)
