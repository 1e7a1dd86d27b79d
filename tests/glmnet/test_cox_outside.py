"""family="cox" against other implementations of the model: statsmodels' ``PHReg`` for the
unpenalised fit (lambda = 0) and scikit-survival's ``CoxnetSurvivalAnalysis`` for the elastic-net
penalty, on data without tied times (where Breslow's and Efron's likelihoods agree)."""

from __future__ import annotations

import numpy as np
import pytest
from sksurv.linear_model import CoxnetSurvivalAnalysis

import statlab as sl


@pytest.fixture(scope="module")
def untied():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(300, 5))
    event_time = rng.exponential(1 / np.exp(X @ [0.8, -0.5, 0.3, 0, 0]))
    censor_time = rng.exponential(1.5, 300)
    y = np.column_stack([np.minimum(event_time, censor_time), event_time <= censor_time])
    return X, y.astype(float)


@pytest.mark.parametrize("sparse", [False, True], ids=["coxnet", "cox_path"])
def test_unpenalised_fit_is_statsmodels_maximum_partial_likelihood(untied, sparse):
    import scipy.sparse as sp

    X, y = untied
    ours = sl.glmnet(sp.csc_matrix(X) if sparse else X, y, family="cox", lambdas=[0.0],
                     thresh=1e-14, backend="python")  # fmt: skip
    from statsmodels.duration.hazard_regression import PHReg

    theirs = PHReg(y[:, 0], X, status=y[:, 1], ties="breslow").fit(gtol=1e-12)
    # cox.path (R's algorithm for sparse x) stops its IRLS once the penalised deviance changes by
    # under 1e-6 of itself, with a diagonal Hessian: coefficients to ~1e-3 (R's own accuracy)
    tolerance = 5e-3 if sparse else 1e-7
    np.testing.assert_allclose(ours.beta[:, 0], theirs.params, atol=tolerance)


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_penalised_path_is_scikit_survivals_coxnet(untied, alpha):
    X, y = untied
    lambdas = np.array([0.1, 0.05, 0.02, 0.01, 0.005])
    ours = sl.glmnet(X, y, family="cox", lambdas=lambdas, alpha=alpha, standardize=False,
                     thresh=1e-14, backend="python")  # fmt: skip
    response = np.array(
        [(bool(event), time) for time, event in y], dtype=[("event", bool), ("time", float)]
    )
    theirs = CoxnetSurvivalAnalysis(alphas=lambdas, l1_ratio=alpha, tol=1e-12, max_iter=10**6)
    theirs.fit(X, response)
    assert np.abs(ours.beta - theirs.coef_).max() <= 1e-5 * np.abs(ours.beta).max()
    np.testing.assert_array_equal(ours.beta != 0, theirs.coef_ != 0)
