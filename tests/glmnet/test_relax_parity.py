"""relax / gamma (glmnet 4's relaxed fit) against R glmnet 4.1-6 on the same folds.

Gaussian runs at R's default thresh and matches R to rounding; the other families run at
thresh = 1e-14 and must meet R within 1e-6 of the largest |coefficient|. Compared: the relaxed
coefficients, coefficients and predictions at a gamma, the CV curve per gamma, and the choice of
(lambda, gamma) for min and 1se.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl

pytestmark = pytest.mark.needs_r

EXACT = {"thresh": 1e-14, "maxit": 10**8}
COEF_TOL = 1e-6  # relative to the largest |coef|
ROUNDING = 1e-10


@pytest.fixture(scope="module")
def data(family_data):
    return family_data


CASES = {
    "gaussian": ("gaussian", {}, ROUNDING),
    "gaussian_options": (
        "gaussian",
        {
            "exclude": [2],
            "lower_limits": -0.2,
            "penalty_factor": [0, 1, 1, 2, 1, 1, 1, 1],
            "intercept": False,
            "with_offset": True,
            "weights": "varying",
            "gamma": [0.1, 0.6],
        },
        ROUNDING,
    ),
    "gaussian_lambdas_mae_ungrouped": (
        "gaussian",
        {"lambdas": np.geomspace(1.0, 0.005, 30), "type_measure": "mae", "grouped": False},
        ROUNDING,
    ),
    "binomial": ("binomial", EXACT, COEF_TOL),
    "binomial_class_ridge": (
        "binomial",
        {**EXACT, "alpha": 0.0, "type_measure": "class", "gamma": [0, 0.5]},
        COEF_TOL,
    ),
    "binomial_auc": ("binomial", {**EXACT, "type_measure": "auc"}, COEF_TOL),
    "poisson_offset": ("poisson", {**EXACT, "with_offset": True}, COEF_TOL),
    "multinomial": ("multinomial", EXACT, COEF_TOL),
    "multinomial_enet": ("multinomial", {**EXACT, "alpha": 0.5}, COEF_TOL),
    "multinomial_grouped": ("multinomial", {**EXACT, "type_multinomial": "grouped"}, COEF_TOL),
}


def relative_gap(python_values, r_values):
    scale = max(np.abs(r_values).max(), 1e-300)
    return np.abs(np.asarray(python_values) - np.asarray(r_values)).max() / scale


@pytest.fixture(scope="module", params=list(CASES))
def case(request, data):
    family, options, tolerance = CASES[request.param]
    options = dict(options)
    if options.pop("with_offset", False):
        options["offset"] = data["offset"]
    if options.get("weights") == "varying":
        options["weights"] = np.linspace(0.5, 2.0, data["X"].shape[0])
    fits = [
        sl.cv_glmnet(data["X"], data[family], family=family, seed=2, relax=True, keep=True,
                     backend=backend, **options)
        for backend in ("python", "r")
    ]  # fmt: skip
    return fits, tolerance, options


def test_relaxed_coefficients_match_r(case):
    (python_fit, r_fit), tolerance, _ = case
    python_relaxed, r_relaxed = python_fit.path.relaxed, r_fit.path.relaxed
    np.testing.assert_allclose(python_relaxed.lambdas, r_relaxed.lambdas, rtol=1e-12)
    r_all = np.concatenate([r_relaxed.beta.ravel(), r_relaxed.a0.ravel()])
    python_all = np.concatenate([python_relaxed.beta.ravel(), python_relaxed.a0.ravel()])
    assert relative_gap(python_all, r_all) <= tolerance
    np.testing.assert_allclose(python_relaxed.dev_ratio, r_relaxed.dev_ratio, atol=1e-6)


def test_coef_and_predictions_at_a_gamma_match_r(case, data):
    (python_fit, r_fit), tolerance, options = case
    s = float(python_fit.lambdas[len(python_fit.lambdas) // 3])
    for gamma in (0.0, 0.3):
        python_coef = python_fit.coef(s, gamma=gamma).to_numpy()
        r_coef = r_fit.coef(s, gamma=gamma).to_numpy()
        assert relative_gap(python_coef, r_coef) <= tolerance
        kwargs = {"new_offset": data["offset"][:20]} if "offset" in options else {}
        python_link = python_fit.predict(data["X"][:20], s, gamma=gamma, **kwargs)
        r_link = r_fit.predict(data["X"][:20], s, gamma=gamma, **kwargs)
        assert relative_gap(python_link, r_link) <= max(tolerance, 1e-9)


def test_cv_curves_per_gamma_and_choice_match_r(case):
    (python_fit, r_fit), tolerance, _ = case
    python_relaxed, r_relaxed = python_fit.relaxed, r_fit.relaxed
    np.testing.assert_array_equal(python_relaxed.gamma, r_relaxed.gamma)
    curve_tolerance = 1e-9 if tolerance == ROUNDING else 1e-6
    np.testing.assert_allclose(python_relaxed.cvm, r_relaxed.cvm, atol=curve_tolerance)
    np.testing.assert_allclose(python_relaxed.cvsd, r_relaxed.cvsd, atol=curve_tolerance)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, atol=curve_tolerance)  # gamma = 1
    assert python_relaxed.choice_min == r_relaxed.choice_min
    assert python_relaxed.choice_1se == r_relaxed.choice_1se
    assert (python_fit.gamma_min, python_fit.gamma_1se) == (r_fit.gamma_min, r_fit.gamma_1se)
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)
    python_summary, r_summary = python_fit.summary(), r_fit.summary()
    assert python_summary["Index"].tolist() == r_summary["Index"].tolist()
    scale = np.abs(r_fit.path.a0).max() + np.abs(r_fit.path.beta).max()
    assert relative_gap(python_relaxed.fit_preval, r_relaxed.fit_preval) <= max(
        tolerance, 1e-9
    ) * max(1.0, scale)


def test_relaxed_fit_leaves_out_active_sets_over_n_minus_3_as_r():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(25, 40))
    y = X[:, :5].sum(axis=1) + rng.normal(size=25)
    python_fit, r_fit = (sl.glmnet(X, y, relax=True, backend=b) for b in ("python", "r"))
    assert len(r_fit.relaxed.lambdas) < len(r_fit.lambdas)  # the case is exercised
    np.testing.assert_allclose(python_fit.relaxed.lambdas, r_fit.relaxed.lambdas, rtol=1e-12)
    np.testing.assert_allclose(python_fit.relaxed.beta, r_fit.relaxed.beta, atol=1e-10)
    s = float(r_fit.lambdas[-1])  # a lambda left out: blended with the last relaxed fit kept
    np.testing.assert_allclose(python_fit.coef(s, gamma=0.5), r_fit.coef(s, gamma=0.5), atol=1e-10)
    assert r_fit.summary()["%Dev R"].isna().sum() == python_fit.summary()["%Dev R"].isna().sum()


def test_relaxed_cv_on_prostate_matches_r_to_rounding():
    prostate = sl.data.load("prostate")
    X, y = sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]
    fits = [sl.cv_glmnet(X, y, seed=1, relax=True, backend=b) for b in ("python", "r")]
    np.testing.assert_allclose(fits[0].relaxed.cvm, fits[1].relaxed.cvm, rtol=1e-12)
    python_summary, r_summary = fits[0].summary(), fits[1].summary()
    assert python_summary[["Gamma", "Gamma Index", "Index", "Nonzero"]].equals(
        r_summary[["Gamma", "Gamma Index", "Index", "Nonzero"]]
    )
    np.testing.assert_allclose(python_summary["Measure"], r_summary["Measure"], rtol=1e-12)
    np.testing.assert_allclose(fits[0].coef(), fits[1].coef(), atol=1e-12)


def test_r_backend_warns_once_about_pmax():
    prostate = sl.data.load("prostate")
    X, y = sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sl.glmnet(X, y, pmax=3, backend="r")
    messages = [str(w.message) for w in caught if "pmax" in str(w.message)]
    assert len(messages) == 1
    assert messages[0].startswith("pmax: more than pmax = 3")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sl.cv_glmnet(X, y, pmax=3, seed=1, backend="r")
    # the full fit and each of the 10 folds stop at pmax, one warning each (as in Python)
    assert sum("pmax" in str(w.message) for w in caught) == 11


def test_limits_longer_than_p_are_cut_as_r(data):
    X, y = data["X"], data["gaussian"]
    lower = [-0.1] * 8 + [-5.0, -7.0]
    with pytest.warns(UserWarning, match="lower_limits has 10 values for 8 columns"):
        fits = [sl.glmnet(X, y, lower_limits=lower, backend=b) for b in ("python", "r")]
    np.testing.assert_allclose(fits[0].beta, fits[1].beta, atol=1e-10)
    assert fits[0].beta.min() >= -0.1 - 1e-12


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_relaxed_cv_with_sparse_x_matches_r(data, family):
    X = data["X"].copy()
    X[np.abs(X) < 0.8] = 0.0
    sparse_x = sp.csc_matrix(X)
    options = {} if family == "gaussian" else EXACT
    python_fit, r_fit = (
        sl.cv_glmnet(sparse_x, data[family], family=family, seed=4, relax=True, backend=b,
                     **options)
        for b in ("python", "r")
    )  # fmt: skip
    tolerance = ROUNDING if family == "gaussian" else COEF_TOL
    assert relative_gap(python_fit.path.relaxed.beta, r_fit.path.relaxed.beta) <= tolerance
    np.testing.assert_allclose(python_fit.relaxed.cvm, r_fit.relaxed.cvm, atol=1e-6)
    assert python_fit.relaxed.choice_min == r_fit.relaxed.choice_min
    assert python_fit.relaxed.choice_1se == r_fit.relaxed.choice_1se
