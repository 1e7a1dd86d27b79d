"""``exclude`` as a function ``(x, y, weights) -> columns``, called as R glmnet 4.1-6 calls it:
on the full data for the path, on each fold's training rows in cross-validation."""

from __future__ import annotations

import numpy as np
import pytest

import statlab as sl
from statlab import _rbridge
from statlab import _validation as check
from statlab.glmnet import fold_ids

# columns with fewer than 12 values above 1 in the rows fitted: fold-dependent for this X
R_EXCLUDE = "function(x, y, weights) which(colSums(x > 1) < 12)"


def rare_columns(x, y, weights):
    return np.flatnonzero((x > 1).sum(axis=0) < 12)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(120, 8))
    X[:, 5] += 0.25
    X[:, 6] -= 0.6
    y = X @ [0.5, -0.4, 0.3, 0.0, 0.2, 0.6, -0.5, 0.0] + rng.normal(size=120)
    return X, y, fold_ids(None, 6, 120, 4)


def test_the_path_excludes_what_the_function_picks(data):
    X, y, _ = data
    calls = []

    def recording(x, y, weights):
        calls.append((x.shape, y.shape, weights.copy()))
        return rare_columns(x, y, weights)

    path = sl.glmnet(X, y, exclude=recording, backend="python")
    excluded = rare_columns(X, y, None)
    assert excluded.size >= 1 and len(calls) == 1 and calls[0][:2] == ((120, 8), (120,))
    np.testing.assert_array_equal(calls[0][2], np.ones(120))  # no weights: ones, as R
    assert not path.beta[excluded].any() and path.beta[np.setdiff1d(np.arange(8), excluded)].any()
    by_hand = sl.glmnet(X, y, exclude=list(excluded), backend="python")
    np.testing.assert_array_equal(path.beta, by_hand.beta)


def test_cv_calls_the_function_on_each_folds_training_rows(data):
    X, y, folds = data
    seen = []

    def recording(x, y, weights):
        seen.append(x.shape[0])
        return rare_columns(x, y, weights)

    cv = sl.cv_glmnet(X, y, foldid=folds, exclude=recording, backend="python")
    assert seen == [120] + [int(np.sum(folds != k)) for k in range(1, 7)]
    per_fold = [tuple(rare_columns(X[folds != k], None, None)) for k in range(1, 7)]
    assert len(set(per_fold)) > 1  # the folds exclude different columns
    fixed = sl.cv_glmnet(X, y, foldid=folds, exclude=list(rare_columns(X, y, None)),
                         backend="python")  # fmt: skip
    np.testing.assert_array_equal(cv.path.beta, fixed.path.beta)
    assert not np.allclose(cv.cvm, fixed.cvm)


def test_a_function_leaving_under_two_columns_names_exclude(data):
    X, y, _ = data
    with pytest.raises(check.InvalidArgumentError, match="exclude: the function excluded 7"):
        sl.glmnet(X, y, exclude=lambda x, y, w: np.arange(7), backend="python")


def _r_cv_with_r_function(X, y, folds):
    """R's cv.glmnet with the R exclude function, run in R itself."""
    _rbridge.require()
    robjects = _rbridge._robjects()
    from rpy2.robjects.conversion import localconverter

    code = f"""function(x, y, foldid) {{
      cv <- glmnet::cv.glmnet(x, y, foldid = foldid, exclude = {R_EXCLUDE})
      list(cvm = cv$cvm, cvsd = cv$cvsd, lambda = cv$lambda,
           beta = as.matrix(cv$glmnet.fit$beta), nzero = as.numeric(cv$nzero))
    }}"""
    with localconverter(robjects.default_converter):
        out = robjects.r(code)(_rbridge._to_r(X), _rbridge._to_r(y), _rbridge._to_r(folds))
        return {name: _rbridge._to_python(out.rx2(name), robjects) for name in out.names}


@pytest.mark.needs_r
@pytest.mark.parametrize("backend", ["python", "r"])
def test_cv_with_a_function_as_r_with_its_r_function(data, backend):
    X, y, folds = data
    r_out = _r_cv_with_r_function(X, y, folds)
    cv = sl.cv_glmnet(X, y, foldid=folds, exclude=rare_columns, backend=backend)
    np.testing.assert_allclose(cv.lambdas, r_out["lambda"], rtol=1e-12)
    np.testing.assert_allclose(cv.path.beta, r_out["beta"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(cv.cvm, r_out["cvm"], rtol=1e-10)
    np.testing.assert_allclose(cv.cvsd, r_out["cvsd"], rtol=1e-9)
    np.testing.assert_array_equal(cv.nzero, r_out["nzero"])
