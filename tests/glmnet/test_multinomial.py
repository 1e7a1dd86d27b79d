"""family="multinomial" in the Python engine: one coefficient set per class, grouped and ungrouped
penalties, predictions by type, and its CV measures."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import statlab as sl


def fit(X, y, **kwargs):
    return sl.glmnet(X, y, family="multinomial", backend="python", **kwargs)


def test_ridge_matches_scikit_learns_multinomial_logistic_regression(three_classes):
    from sklearn.linear_model import LogisticRegression

    X, y = three_classes
    lam = 0.01  # glmnet: -loglik / N + lam / 2 |B|^2 unstandardised; scikit-learn: C = 1 / (N lam)
    path = fit(X, y, alpha=0.0, standardize=False, lambdas=[lam], thresh=1e-16)
    reference = LogisticRegression(C=1 / (150 * lam), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(path.beta[:, :, 0].T, reference.coef_, atol=1e-7)
    centred = reference.intercept_ - reference.intercept_.mean()
    np.testing.assert_allclose(path.a0[:, 0], centred, atol=1e-7)
    assert path.a0[:, 0].sum() == pytest.approx(0.0, abs=1e-12)  # intercepts centred as in R


def test_grouped_penalty_selects_whole_variables(three_classes):
    X, y = three_classes
    grouped = fit(X, y, type_multinomial="grouped")
    nonzero = grouped.beta != 0  # features x classes x lambdas
    assert (nonzero.all(axis=1) | ~nonzero.any(axis=1)).all()
    ungrouped = fit(X, y)
    partly = ungrouped.beta != 0
    assert (partly.any(axis=1) & ~partly.all(axis=1)).any()  # some variable in only some classes
    np.testing.assert_array_equal(grouped.df, nonzero.any(axis=1).sum(axis=0))


def test_coef_and_predict_types(three_classes):
    X, y = three_classes
    cv = sl.cv_glmnet(X, y, family="multinomial", seed=2, backend="python")
    table = cv.coef("lambda.min")
    assert table.columns.tolist() == ["a", "b", "c"] and table.index[0] == "(Intercept)"
    link = cv.predict(X, s="lambda.min")
    np.testing.assert_allclose(link, table.iloc[0].to_numpy() + X @ table.iloc[1:].to_numpy())
    prob = cv.predict(X, s="lambda.min", type="response")
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    classes = cv.predict(X, s="lambda.min", type="class")
    np.testing.assert_array_equal(classes, np.array(["a", "b", "c"])[prob.argmax(axis=1)])
    assert (classes == y).mean() > 0.5  # better than the 1 in 3 of guessing
    several = cv.path.predict(X[:4], s=cv.lambdas[[3, 10]], type="response")
    assert several.shape == (4, 3, 2)
    assert cv.measure == "Multinomial Deviance"


def test_misclassification_curve_from_the_preval(three_classes):
    X, y = three_classes
    cv = sl.cv_glmnet(X, y, family="multinomial", seed=2, type_measure="class", keep=True,
                      backend="python")  # fmt: skip
    labels = np.array(["a", "b", "c"])
    wrong = labels[cv.fit_preval.argmax(axis=1)] != y[:, None]
    sizes = np.bincount(cv.foldid)[1:]
    means = np.vstack([wrong[cv.foldid == k].mean(axis=0) for k in range(1, 11)])
    np.testing.assert_allclose(cv.cvm, sizes @ means / 150, rtol=1e-12)


def test_binomial_predicts_class_labels():
    prostate = sl.data.load("prostate")
    X = sl.model_matrix("lpsa ~ .", prostate).drop(columns=["svi"])
    y = np.where(prostate["svi"] == 1, "invaded", "clear")
    path = sl.glmnet(X, y, family="binomial", backend="python")
    prob = path.predict(X, s=0.01, type="response")
    np.testing.assert_array_equal(
        path.predict(X, s=0.01, type="class"), np.where(prob > 0.5, "invaded", "clear")
    )


@pytest.fixture(scope="module")
def sparse_three_classes():
    rng = np.random.default_rng(11)
    n, p = 150, 8
    X = sp.random(n, p, density=0.3, format="csc", random_state=rng)
    X.data = np.round(
        X.data * 4 + 1
    )  # counts 1..5: columns with non-zero means, centred implicitly
    B = np.zeros((p, 3))
    B[:4] = rng.normal(0, 0.8, (4, 3))
    prob = np.exp(X @ B)
    prob /= prob.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(["a", "b", "c"], p=row) for row in prob])
    return X, y


@pytest.mark.parametrize("type_multinomial", ["ungrouped", "grouped"])
def test_sparse_x_matches_dense(sparse_three_classes, type_multinomial):
    X, y = sparse_three_classes
    weights = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    args = {
        "type_multinomial": type_multinomial,
        "alpha": 0.7,
        "nlambda": 6,
        "lambda_min_ratio": 0.2,
    }
    sparse_path, dense_path = (
        fit(x, y, weights=weights, thresh=1e-14, **args) for x in (X, X.toarray())
    )
    assert len(sparse_path.lambdas) == len(dense_path.lambdas) == 6
    np.testing.assert_allclose(sparse_path.lambdas, dense_path.lambdas, rtol=1e-10)
    np.testing.assert_allclose(sparse_path.beta, dense_path.beta, atol=1e-10)
    np.testing.assert_allclose(sparse_path.a0, dense_path.a0, atol=1e-10)
    sparse_cv, dense_cv = (
        sl.cv_glmnet(x, y, family="multinomial", nfolds=3, seed=4, thresh=1e-14, backend="python",
                     **args)
        for x in (X.tocsr(), X.toarray())
    )  # fmt: skip
    np.testing.assert_allclose(sparse_cv.cvm, dense_cv.cvm, rtol=1e-10)
    np.testing.assert_allclose(
        sparse_cv.predict(X[:10], type="response"),
        dense_cv.predict(X[:10].toarray(), type="response"),
        atol=1e-10,
    )


def test_bad_multinomial_input(three_classes):
    X, y = three_classes
    with pytest.raises(ValueError, match="type_multinomial must be one of"):
        fit(X, y, type_multinomial="nested")
    with pytest.raises(ValueError, match="y: a class has 1 or 0 observations"):
        fit(X, np.append(y[:-1], "d"))
    with pytest.warns(UserWarning, match="y: a class has fewer than 8 observations"):
        fit(X, np.r_[y[:-5], ["d"] * 5])
    with pytest.raises(ValueError, match="lambdas: cv_glmnet needs more than one lambda"):
        sl.cv_glmnet(X, y, family="multinomial", lambdas=[0.1], backend="python")
    with pytest.raises(ValueError, match="offset must be an n x K matrix"):
        fit(X, y, offset=np.zeros(150))
    with pytest.raises(ValueError, match="to_frame: a multinomial path"):
        fit(X, y).to_frame()
