"""family="cox" on the Python backend: the optimality (KKT) conditions of the penalised Breslow
partial likelihood, checked with a gradient written independently here; its response, predictions
and concordance; R's behaviour on degenerate data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlab as sl
from statlab.glmnet import _kernels


def breslow_gradient(time, status, eta, weights):
    """d/d eta of the Breslow log partial likelihood, weights summing to 1: a censored time tied
    with an event time is at risk at that event."""
    w = weights / weights.sum()
    risk = w * np.exp(eta - eta.max())
    gradient = w * status
    for t in np.unique(time[status == 1]):
        deaths = w[(time == t) & (status == 1)].sum()
        at_risk = time >= t
        gradient[at_risk] -= deaths * risk[at_risk] / risk[at_risk].sum()
    return gradient


@pytest.mark.parametrize("use_weights", [False, True])
def test_path_satisfies_the_kkt_conditions(survival_data, use_weights):
    X, y = survival_data["X"], survival_data["y"]
    weights = survival_data["weights"] if use_weights else np.ones(X.shape[0])
    path = sl.glmnet(X, y, family="cox", weights=weights, offset=survival_data["offset"],
                     thresh=1e-14, backend="python")  # fmt: skip
    scale = np.sqrt(np.cov(X.T, aweights=weights, bias=True).diagonal())
    # thresh bounds each coordinate's last move, so the score is met to ~sqrt(thresh)
    tolerance = 1e-6 * path.lambdas[0]
    checked = 0
    for step in range(1, len(path.lambdas)):
        lam, beta = path.lambdas[step], path.beta[:, step]
        eta = X @ beta + survival_data["offset"]
        score = (breslow_gradient(y[:, 0], y[:, 1], eta, weights) @ X) / scale
        active = beta != 0
        assert np.all(np.abs(score[~active]) <= lam + tolerance)
        np.testing.assert_allclose(score[active], lam * np.sign(beta[active]), atol=tolerance)
        checked += active.sum()
    assert checked > 50


def test_data_frame_response_and_predictions(survival_data):
    X, y = survival_data["X"], survival_data["y"]
    frame = pd.DataFrame({"status": y[:, 1], "time": y[:, 0]})
    path = sl.glmnet(X, y, family="cox", nlambda=20, backend="python")
    same = sl.glmnet(X, frame, family="cox", nlambda=20, backend="python")
    np.testing.assert_array_equal(path.beta, same.beta)
    s = float(path.lambdas[10])
    coef = path.coef(s)
    assert coef.index.tolist() == path.feature_names  # no intercept
    link = path.predict(X[:5], s=s)
    np.testing.assert_allclose(link, X[:5] @ coef.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(path.predict(X[:5], s=s, type="response"), np.exp(link))


def test_offset_fit_needs_new_offset(survival_data):
    path = sl.glmnet(survival_data["X"], survival_data["y"], family="cox",
                     offset=survival_data["offset"], nlambda=10, backend="python")  # fmt: skip
    with pytest.raises(ValueError, match="new_offset"):
        path.predict(survival_data["X"][:3], s=0.05)


def test_intercept_false_is_accepted_with_r_s_warning(survival_data):
    with pytest.warns(UserWarning, match="no intercept"):
        path = sl.glmnet(survival_data["X"], survival_data["y"], family="cox", intercept=False,
                         nlambda=10, backend="python")  # fmt: skip
    reference = sl.glmnet(survival_data["X"], survival_data["y"], family="cox", nlambda=10,
                          backend="python")  # fmt: skip
    np.testing.assert_array_equal(path.beta, reference.beta)


def test_concordance_counts_pairs_as_harrell():
    # comparable pairs (shorter time an event): (0,1) (0,2) (0,3) (1,2) (1,3) (3,2); the event
    # at time 4 and the censored time 4 are comparable, the censored one counting as longer
    time = np.array([1.0, 2.0, 4.0, 4.0])
    status = np.array([1.0, 1.0, 0.0, 1.0])
    risk = np.array([3.0, 1.0, 2.0, 1.0])
    # (0,1) 3>1 yes, (0,2) 3>2 yes, (0,3) 3>1 yes, (1,2) 1<2 no, (1,3) tie: 1/2, (3,2) 1<2 no
    free = np.full(4, -np.inf)
    c = _kernels.concordance(free, time, status, risk, np.ones(4))
    assert c == pytest.approx(3.5 / 6)
    doubled = _kernels.concordance(free, time, status, risk, np.array([1.0, 1.0, 1.0, 2.0]))
    # weights w_i w_j: (0,3) and (1,3) and (3,2) count twice
    assert doubled == pytest.approx((1 + 1 + 2 + 0 + 1 + 0) / 9)


def test_cv_concordance_is_maximised(survival_data):
    fit = sl.cv_glmnet(survival_data["X"], survival_data["y"], family="cox", type_measure="C",
                       nfolds=5, seed=3, backend="python")  # fmt: skip
    assert fit.measure == "C-index"
    assert fit.cvm[fit.index_min] == fit.cvm.max()
    assert 0.6 < fit.cvm.max() < 1.0


def test_all_censored_or_too_few_events_is_refused_as_in_r(survival_data):
    X, y = survival_data["X"], survival_data["y"].copy()
    y[:, 1] = 0.0
    with pytest.raises(ValueError, match=r"^y: too few events"):
        sl.glmnet(X, y, family="cox", backend="python")
    y[np.argmax(y[:, 0]), 1] = 1.0  # the only event is at the last time
    with pytest.raises(ValueError, match=r"^y: too few events"):
        sl.glmnet(X, y, family="cox", backend="python")


def test_split_follow_up_gives_the_same_fit(survival_data, counting_data):
    """(start, stop] rows that split each follow-up have the partial likelihood of the unsplit
    data; with the lambdas rescaled to the number of rows (the loss is a mean over rows) and x
    unscaled, the fits agree to cox.path's IRLS tolerance (its own early stop at 1e-6)."""
    keep = [0, 1, 2, 4, 5, 6, 7]  # without the column of mean 50: uncentred x converges slowly
    lambdas = np.array([0.1, 0.05, 0.02, 0.01])
    n, n_rows = survival_data["y"].shape[0], counting_data["y"].shape[0]
    unsplit = sl.glmnet(
        survival_data["X"][:, keep],
        survival_data["y"],
        family="cox",
        lambdas=lambdas,
        standardize=False,
        thresh=1e-14,
        backend="python",
    )
    split = sl.glmnet(counting_data["X"][:, keep], counting_data["y"], family="cox",
                      lambdas=lambdas * n / n_rows, standardize=False, thresh=1e-14,
                      backend="python")  # fmt: skip
    scale = np.abs(unsplit.beta).max()
    assert np.abs(split.beta - unsplit.beta).max() <= 1e-4 * scale


def test_strata_of_one_label_is_the_unstratified_fit(survival_data):
    plain = sl.glmnet(survival_data["X"], survival_data["y"], family="cox", backend="python")
    one = sl.glmnet(survival_data["X"], survival_data["y"], family="cox",
                    strata=["all"] * 200, backend="python")  # fmt: skip
    np.testing.assert_array_equal(plain.beta, one.beta)


def test_survfit_at_the_empty_model_is_nelson_aalen():
    """At the path's first lambda every coefficient is 0: without ties Efron's estimate is the
    Nelson-Aalen cumulative hazard, sum of events / at risk."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 3))
    y = np.column_stack([rng.permutation(50) + 1.0, rng.uniform(size=50) < 0.6])
    path = sl.glmnet(X, y, family="cox", backend="python")
    curve = sl.survfit(path, X, y, s=float(path.lambdas[0]))
    at_risk = 50.0 - np.arange(50)
    np.testing.assert_array_equal(curve["n_risk"], at_risk)
    np.testing.assert_allclose(
        curve["surv"], np.exp(-np.cumsum(y[:, 1][np.argsort(y[:, 0])] / at_risk))
    )


def test_survfit_of_a_new_row_at_the_mean_is_the_average_curve(survival_data):
    X, y = survival_data["X"], survival_data["y"]
    path = sl.glmnet(X, y, family="cox", nlambda=20, backend="python")
    s = float(path.lambdas[10])
    average = sl.survfit(path, X, y, s)
    at_mean = sl.survfit(path, X, y, s, new_X=X.mean(axis=0, keepdims=True))
    np.testing.assert_allclose(at_mean[0].to_numpy(), average["surv"], rtol=1e-12)
    with pytest.raises(ValueError, match=r"^path must be a Cox fit"):
        sl.survfit(sl.glmnet(X, y[:, 0], backend="python"), X, y, s)
