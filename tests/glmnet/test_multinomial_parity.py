"""family="multinomial" against R glmnet 4.1-6 on the same folds, at thresh = 1e-14: path, per-class
coefficients within 1e-6 of the largest |coef|, CV curves for every measure and fit.preval."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl

pytestmark = pytest.mark.needs_r

EXACT = {"thresh": 1e-14, "maxit": 10**8}
COEF_TOL = 1e-6


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0], ids=["lasso", "enet", "ridge"])
@pytest.mark.parametrize("type_multinomial", ["ungrouped", "grouped"])
def test_path_at_the_optimum(three_classes, type_multinomial, alpha):
    X, y = three_classes
    paths = [
        sl.glmnet(X, y, family="multinomial", type_multinomial=type_multinomial, alpha=alpha,
                  backend=b, **EXACT)
        for b in ("python", "r")
    ]  # fmt: skip
    python_path, r_path = paths
    assert len(python_path.lambdas) == len(r_path.lambdas)
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=1e-12)
    scale = max(np.abs(r_path.beta).max(), np.abs(r_path.a0).max())
    assert np.abs(python_path.beta - r_path.beta).max() <= COEF_TOL * scale
    assert np.abs(python_path.a0 - r_path.a0).max() <= COEF_TOL * scale
    np.testing.assert_array_equal(python_path.df, r_path.df)
    assert python_path.nulldev == pytest.approx(r_path.nulldev, rel=1e-12)
    s = float(r_path.lambdas[len(r_path.lambdas) // 2])
    for kind in ("link", "response", "class"):
        ours, theirs = (path.predict(X[:20], s=s, type=kind) for path in paths)
        if kind == "class":
            np.testing.assert_array_equal(ours, theirs)
        else:
            np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("type_measure", ["deviance", "class", "mse", "mae"])
@pytest.mark.parametrize("type_multinomial", ["ungrouped", "grouped"])
def test_cv_measures_and_preval(three_classes, type_multinomial, type_measure):
    X, y = three_classes
    python_fit, r_fit = (
        sl.cv_glmnet(X, y, family="multinomial", type_multinomial=type_multinomial,
                     type_measure=type_measure, nfolds=5, seed=3, keep=True, backend=b, **EXACT)
        for b in ("python", "r")
    )  # fmt: skip
    assert python_fit.measure == r_fit.measure
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, atol=1e-6)
    np.testing.assert_allclose(python_fit.cvsd, r_fit.cvsd, atol=1e-6)
    scale = np.abs(r_fit.fit_preval).max()
    assert np.abs(python_fit.fit_preval - r_fit.fit_preval).max() <= COEF_TOL * scale
    assert (python_fit.index_min, python_fit.index_1se) == (r_fit.index_min, r_fit.index_1se)
    np.testing.assert_array_equal(python_fit.nzero, r_fit.nzero)


def test_options_and_offset(three_classes):
    X, y = three_classes
    offset = np.random.default_rng(1).normal(0.0, 0.3, size=(150, 3))
    options = {"penalty_factor": [0.0, 1, 1, 2, 1, 1], "exclude": [4]}
    paths = [
        sl.glmnet(X, y, family="multinomial", offset=offset, backend=b, **options, **EXACT)
        for b in ("python", "r")
    ]  # fmt: skip
    assert len(paths[0].lambdas) == len(paths[1].lambdas)
    scale = max(np.abs(paths[1].beta).max(), np.abs(paths[1].a0).max())
    assert np.abs(paths[0].beta - paths[1].beta).max() <= COEF_TOL * scale
    assert np.abs(paths[0].a0 - paths[1].a0).max() <= COEF_TOL * scale


@pytest.mark.parametrize("type_multinomial", ["ungrouped", "grouped"])
def test_sparse_x_at_the_optimum(type_multinomial):
    # a CSC matrix to the Python engine, a dgCMatrix to R; counts with non-zero column means
    rng = np.random.default_rng(11)
    n, p = 150, 8
    X = sp.random(n, p, density=0.3, format="csc", random_state=rng)
    X.data = np.round(X.data * 4 + 1)
    B = np.zeros((p, 3))
    B[:4] = rng.normal(0, 0.8, (4, 3))
    prob = np.exp(X @ B)
    prob /= prob.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(["a", "b", "c"], p=row) for row in prob])
    # thresh 1e-16: at 1e-14 R's grouped solver stops 1.1e-6 short of its own optimum here
    python_path, r_path = (
        sl.glmnet(X, y, family="multinomial", type_multinomial=type_multinomial, alpha=0.7,
                  nlambda=10, lambda_min_ratio=0.05, backend=b, **{**EXACT, "thresh": 1e-16})
        for b in ("python", "r")
    )  # fmt: skip
    assert len(python_path.lambdas) == len(r_path.lambdas) == 10
    np.testing.assert_allclose(python_path.lambdas, r_path.lambdas, rtol=1e-12)
    scale = max(np.abs(r_path.beta).max(), np.abs(r_path.a0).max())
    assert np.abs(python_path.beta - r_path.beta).max() <= COEF_TOL * scale
    assert np.abs(python_path.a0 - r_path.a0).max() <= COEF_TOL * scale
    np.testing.assert_array_equal(python_path.df, r_path.df)


def test_predict_shapes_beside_rs(three_classes):
    """R's predict keeps the lambda axis for one s (n x K x 1 probabilities, an n x 1 matrix of
    classes); statlab drops it for a scalar s and keeps it for a one-element array."""
    import rpy2.robjects as robjects

    from statlab import _rbridge

    X, y = three_classes
    path = sl.glmnet(X, y, family="multinomial", backend="python")
    s = float(path.lambdas[10])
    robjects.globalenv["statlab_x"] = _rbridge._to_r(X)
    robjects.globalenv["statlab_y"] = _rbridge._to_r(y)
    robjects.r("statlab_fit <- glmnet::glmnet(statlab_x, statlab_y, family = 'multinomial')")
    for kind in ("response", "link", "class"):
        call = f"predict(statlab_fit, statlab_x[1:7, ], s = {s!r}, type = '{kind}')"
        r_shape = tuple(int(d) for d in robjects.r(f"dim({call})"))
        theirs = np.asarray(robjects.r(call)).reshape(r_shape, order="F")
        kept = path.predict(X[:7], s=[s], type=kind)
        assert kept.shape == r_shape == ((7, 3, 1) if kind != "class" else (7, 1))
        assert path.predict(X[:7], s=s, type=kind).shape == r_shape[:-1]
        if kind == "class":
            np.testing.assert_array_equal(kept, theirs)
        else:
            np.testing.assert_allclose(kept, theirs, rtol=0, atol=1e-10)
