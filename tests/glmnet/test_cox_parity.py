"""family="cox" against R glmnet 4.1-6 (``glmnet(x, Surv(time, status), family = "cox")``) on
data with tied times, at R's default thresh, both of R's algorithms: its Fortran coxnet (dense x,
right-censored, one stratum) and its cox.path (sparse x, (start, stop] data, strata). The same
path length, lambdas to 1e-12, coefficients, df and deviance ratios to 1e-10 of the largest
|coef|; cv.glmnet's deviance (grouped and not) and C-index curves to 1e-9 on the same folds."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl

pytestmark = pytest.mark.needs_r

COEF_TOL = 1e-10

PATH_CASES = {
    "lasso": {},
    "elastic_net": {"alpha": 0.4},
    "weights_offset": {"with_weights": True, "with_offset": True},
    "user_lambdas": {"lambdas": [0.3, 0.1, 0.05, 0.02, 0.005, 0.001]},
    "unpenalised_and_excluded": {"penalty_factor": np.r_[0.0, np.ones(6), np.inf], "exclude": [4]},
    "limits": {"lower_limits": -0.3, "upper_limits": np.r_[0.0, np.full(7, np.inf)]},
    "unstandardised_short": {"standardize": False, "nlambda": 20, "lambda_min_ratio": 0.05},
    "dfmax": {"dfmax": 3},
}


def fit_both(data, X, case, backends=("python", "r")):
    options = dict(PATH_CASES[case])
    if options.pop("with_weights", False):
        options["weights"] = data["weights"]
    if options.pop("with_offset", False):
        options["offset"] = data["offset"]
    return [sl.glmnet(X, data["y"], family="cox", backend=b, **options) for b in backends]


def assert_same_path(ours, theirs):
    assert len(ours.lambdas) == len(theirs.lambdas)
    np.testing.assert_allclose(ours.lambdas, theirs.lambdas, rtol=1e-12)
    scale = np.abs(theirs.beta).max()
    assert np.abs(ours.beta - theirs.beta).max() <= COEF_TOL * scale
    np.testing.assert_array_equal(ours.df, theirs.df)
    np.testing.assert_allclose(ours.dev_ratio, theirs.dev_ratio, atol=COEF_TOL)
    assert ours.nulldev == pytest.approx(theirs.nulldev, rel=1e-12)


@pytest.mark.parametrize("case", list(PATH_CASES))
def test_path_matches_r(survival_data, case):
    ours, theirs = fit_both(survival_data, survival_data["X"], case)
    assert_same_path(ours, theirs)
    assert np.count_nonzero(theirs.beta[:, -1]) >= 3  # the path goes somewhere
    s = float(theirs.lambdas[len(theirs.lambdas) // 2])
    new_offset = survival_data["offset"][:30] if ours.has_offset else None
    for kind in ("link", "response"):
        ours_pred, theirs_pred = (
            path.predict(survival_data["X"][:30], s=s, type=kind, new_offset=new_offset)
            for path in (ours, theirs)
        )
        np.testing.assert_allclose(ours_pred, theirs_pred, rtol=1e-9, atol=1e-12)


CV_CASES = {
    "deviance_grouped": {"type_measure": "deviance"},
    "deviance_ungrouped": {"type_measure": "deviance", "grouped": False},
    "C": {"type_measure": "C"},
    "deviance_weights_offset": {"type_measure": "deviance", "with_weights_offset": True},
    "ungrouped_weights_offset": {
        "type_measure": "deviance",
        "grouped": False,
        "with_weights_offset": True,
    },
    "C_weights_offset": {"type_measure": "C", "with_weights_offset": True},
}


@pytest.mark.parametrize("case", list(CV_CASES))
def test_cv_matches_r(survival_data, case):
    options = dict(CV_CASES[case])
    if options.pop("with_weights_offset", False):
        options.update(weights=survival_data["weights"], offset=survival_data["offset"])
    ours, theirs = (
        sl.cv_glmnet(survival_data["X"], survival_data["y"], family="cox", nfolds=5, seed=4,
                     keep=True, backend=b, **options)
        for b in ("python", "r")
    )  # fmt: skip
    assert len(ours.lambdas) == len(theirs.lambdas)
    np.testing.assert_allclose(ours.cvm, theirs.cvm, rtol=1e-9)
    np.testing.assert_allclose(ours.cvsd, theirs.cvsd, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.fit_preval, theirs.fit_preval, rtol=1e-9, atol=1e-10)
    assert (ours.index_min, ours.index_1se) == (theirs.index_min, theirs.index_1se)
    assert ours.measure == theirs.measure
    assert ours.nzero.tolist() == theirs.nzero.tolist()


def test_cv_few_rows_per_fold_is_grouped_as_in_r(survival_data):
    """Under 10 rows per fold cv.coxnet computes the grouped deviance, with its warning."""
    X, y = survival_data["X"][:60], survival_data["y"][:60]
    fits = []
    for backend in ("python", "r"):
        with pytest.warns(UserWarning, match="grouped"):
            fits.append(sl.cv_glmnet(X, y, family="cox", nfolds=10, seed=1, grouped=False,
                                     backend=backend))  # fmt: skip
    grouped = sl.cv_glmnet(X, y, family="cox", nfolds=10, seed=1, backend="python")
    np.testing.assert_allclose(fits[0].cvm, fits[1].cvm, rtol=1e-9)
    np.testing.assert_allclose(fits[0].cvm, grouped.cvm, rtol=1e-12)


def test_too_few_events_fails_in_r_as_in_python(survival_data):
    y = survival_data["y"].copy()
    y[:, 1] = 0.0
    with pytest.raises(RuntimeError, match="too many censored"):
        sl.glmnet(survival_data["X"], y, family="cox", backend="r")
    with pytest.raises(ValueError, match="too many censored"):
        sl.glmnet(survival_data["X"], y, family="cox", backend="python")


def sparse_copy(X):
    X = X.copy()
    X[np.abs(X - X.mean(axis=0)) < 0.6] = 0.0
    return sp.csc_matrix(X)


COX_PATH_CASES = {  # the models R fits with cox.path
    "sparse": {"sparse": True},
    "sparse_weights_offset": {"sparse": True, "with_weights": True, "with_offset": True},
    "sparse_user_lambdas": {"sparse": True, "lambdas": [0.3, 0.1, 0.03, 0.01]},
    "strata": {"strata": True},
    "strata_elastic_net_limits": {"strata": True, "alpha": 0.5, "upper_limits": 0.5},
    "counting": {"counting": True},
    "counting_sparse": {"counting": True, "sparse": True},
}


@pytest.mark.parametrize("case", list(COX_PATH_CASES))
def test_cox_path_models_match_r(survival_data, counting_data, case):
    options = dict(COX_PATH_CASES[case])
    data = counting_data if options.pop("counting", False) else survival_data
    X = sparse_copy(data["X"]) if options.pop("sparse", False) else data["X"]
    if options.pop("with_weights", False):
        options["weights"] = data["weights"]
    if options.pop("with_offset", False):
        options["offset"] = data["offset"]
    if options.pop("strata", False):
        options["strata"] = counting_data["strata"]
    ours, theirs = (
        sl.glmnet(X, data["y"], family="cox", backend=b, **options) for b in ("python", "r")
    )
    assert len(ours.lambdas) == len(theirs.lambdas) > 3
    np.testing.assert_allclose(ours.lambdas, theirs.lambdas, rtol=1e-12)
    scale = np.abs(theirs.beta).max()
    assert np.abs(ours.beta - theirs.beta).max() <= COEF_TOL * scale
    np.testing.assert_array_equal(ours.df, theirs.df)
    np.testing.assert_allclose(ours.dev_ratio, theirs.dev_ratio, atol=COEF_TOL)
    assert ours.nulldev == pytest.approx(theirs.nulldev, rel=1e-12)


COX_PATH_CV_CASES = {
    "sparse_deviance": {"sparse": True},
    "sparse_C": {"sparse": True, "type_measure": "C"},
    "strata_deviance_weights_offset": {"strata": True, "with_weights_offset": True},
    "strata_ungrouped": {"strata": True, "grouped": False},
    "strata_C": {"strata": True, "type_measure": "C"},
    "counting_deviance": {"counting": True},
    "counting_ungrouped": {"counting": True, "grouped": False},
    "counting_C": {"counting": True, "type_measure": "C"},
}


@pytest.mark.parametrize("case", list(COX_PATH_CV_CASES))
def test_cox_path_cv_matches_r(survival_data, counting_data, case):
    options = dict(COX_PATH_CV_CASES[case])
    data = counting_data if options.pop("counting", False) else survival_data
    X = sparse_copy(data["X"]) if options.pop("sparse", False) else data["X"]
    if options.pop("with_weights_offset", False):
        options.update(weights=data["weights"], offset=data["offset"])
    if options.pop("strata", False):
        options["strata"] = counting_data["strata"]
    ours, theirs = (
        sl.cv_glmnet(X, data["y"], family="cox", nfolds=5, seed=3, keep=True, backend=b,
                     **options)
        for b in ("python", "r")
    )  # fmt: skip
    assert len(ours.lambdas) == len(theirs.lambdas)
    np.testing.assert_allclose(ours.cvm, theirs.cvm, rtol=1e-9)
    np.testing.assert_allclose(ours.cvsd, theirs.cvsd, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.fit_preval, theirs.fit_preval, rtol=1e-9, atol=1e-10)
    assert (ours.index_min, ours.index_1se) == (theirs.index_min, theirs.index_1se)


def test_stratum_without_events(survival_data):
    """R's behaviour: right-censored data refuse a stratum without events (coxnet's deviance has
    no risk set there); (start, stop] data fit it, the stratum adding nothing."""
    y = survival_data["y"].copy()
    strata = np.repeat([0, 1, 2], [80, 80, 40])
    y[strata == 2, 1] = 0.0
    with pytest.raises(RuntimeError, match="too many censored"):
        sl.glmnet(survival_data["X"], y, family="cox", strata=strata, backend="r")
    with pytest.raises(ValueError, match="too many censored"):
        sl.glmnet(survival_data["X"], y, family="cox", strata=strata, backend="python")
    counting = np.column_stack([np.zeros(y.shape[0]), y])
    with pytest.warns(RuntimeWarning, match="did not converge"):
        ours, theirs = (
            sl.glmnet(survival_data["X"], counting, family="cox", strata=strata, backend=b)
            for b in ("python", "r")
        )
    assert len(ours.lambdas) == len(theirs.lambdas)
    assert np.abs(ours.beta - theirs.beta).max() <= COEF_TOL * np.abs(theirs.beta).max()


SURVFIT_CASES = {
    "plain": {},
    "weights_offset": {"with_weights": True, "with_offset": True},
    "strata": {"strata": True},
    "counting": {"counting": True},
    "new_rows": {"new_rows": True, "with_offset": True},
}


@pytest.mark.parametrize("case", list(SURVFIT_CASES))
def test_survfit_matches_r(survival_data, counting_data, case):
    from statlab import _rbridge

    options = dict(SURVFIT_CASES[case])
    data = counting_data if options.pop("counting", False) else survival_data
    fit_args, curve_args = {}, {}
    if options.pop("with_weights", False):
        fit_args["weights"] = data["weights"]
    if options.pop("with_offset", False):
        fit_args["offset"] = data["offset"]
    if options.pop("strata", False):
        fit_args["strata"] = counting_data["strata"]
    if options.pop("new_rows", False):
        curve_args = {"new_X": data["X"][:4], "new_offset": data["offset"][:4]}
    path = sl.glmnet(data["X"], data["y"], family="cox", backend="python", **fit_args)
    s = float(path.lambdas[min(8, len(path.lambdas) - 1)])
    ours = sl.survfit(path, data["X"], data["y"], s, **fit_args, **curve_args)
    theirs = _rbridge.call(
        "cox_survfit", data["X"], data["y"], s, **fit_args,
        newx=curve_args.get("new_X"), newoffset=curve_args.get("new_offset"),
    )  # fmt: skip
    if curve_args:
        np.testing.assert_allclose(ours.index, theirs["time"])
        np.testing.assert_allclose(ours.to_numpy(), theirs["surv"], rtol=1e-9)
        return
    np.testing.assert_allclose(ours["time"], theirs["time"])
    np.testing.assert_allclose(ours["n_risk"], theirs["n_risk"], rtol=1e-12)
    np.testing.assert_allclose(ours["n_event"], theirs["n_event"], rtol=1e-12)
    np.testing.assert_allclose(ours["surv"], np.ravel(theirs["surv"]), rtol=1e-9)
