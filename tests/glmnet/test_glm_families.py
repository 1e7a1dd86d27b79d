"""Family objects (statsmodels families with their links, "quasipoisson"): known values,
properties and bad input, on the Python backend."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
import statsmodels.api as sm

import statlab as sl
from statlab import _validation as check
from statlab.glmnet import _flex

links = sm.families.links


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(120, 5))
    eta = 0.2 + X @ [0.5, -0.4, 0.0, 0.3, 0.0]
    return {
        "X": X,
        "binary": (rng.uniform(size=120) < scipy.stats.norm.cdf(eta)).astype(float),
        "counts": rng.poisson(np.exp(eta)).astype(float),
        "positive": rng.gamma(4.0, np.exp(eta) / 4.0),
    }


@pytest.mark.parametrize(
    ("family", "response"),
    [(sm.families.Binomial(link=links.Probit()), "binary"),
     (sm.families.Poisson(), "counts"),
     (sm.families.Gamma(link=links.Log()), "positive")],
)  # fmt: skip
def test_unpenalised_end_is_the_glm_maximum_likelihood(data, family, response):
    """At lambda = 0 the fit is statsmodels' GLM maximum: IRLS stops once the objective changes
    by under 1e-6 relative (glmnet's epsnr), so the deviance is that close to the minimum and
    never below it, the coefficients within 1e-3."""
    path = sl.glmnet(data["X"], data[response], family=family, lambdas=[0.0], thresh=1e-14,
                     backend="python")  # fmt: skip
    glm = sm.GLM(data[response], sm.add_constant(data["X"]), family=family).fit(tol=1e-14)
    deviance = (1 - path.dev_ratio[0]) * path.nulldev
    assert 0 <= deviance / glm.deviance - 1 < 1e-5
    np.testing.assert_allclose(np.r_[path.a0, path.beta[:, 0]], glm.params, atol=1e-3)


def test_predict_response_is_the_inverse_link(data):
    path = sl.glmnet(data["X"], data["binary"], family=sm.families.Binomial(link=links.Probit()),
                     backend="python")  # fmt: skip
    s = path.lambdas[[5, 20]]
    link = path.predict(data["X"], s)
    np.testing.assert_allclose(path.predict(data["X"], s, type="response"),
                               scipy.stats.norm.cdf(link), rtol=1e-14)  # fmt: skip
    assert path.dev_ratio[-1] > 0.2 and np.all(np.diff(path.dev_ratio) >= -1e-12)


def test_quasipoisson_has_poissons_fit_and_its_own_early_stop(data):
    """quasipoisson() and poisson() share mean, variance and deviance; glmnet.path stops a
    Poisson path on 10 fdev over the last steps and a quasi-Poisson one on fdev per step."""
    quasi = sl.glmnet(data["X"], data["counts"], family="quasipoisson", backend="python")
    poisson = sl.glmnet(data["X"], data["counts"], family=sm.families.Poisson(),
                        backend="python")  # fmt: skip
    n = min(len(quasi.lambdas), len(poisson.lambdas))
    np.testing.assert_allclose(quasi.beta[:, :n], poisson.beta[:, :n], atol=1e-14)
    # deviance ratios near 0.9 gaining 2e-5 a step: under 10 fdev of 0.9 over four steps (the
    # Poisson rule stops) yet over fdev per step (the general rule goes on)
    ratios = 0.9 + 2e-5 * np.arange(6)
    assert _flex._stops(poisson.family, ratios, 5, 100, 1e-5)
    assert not _flex._stops(quasi.family, ratios, 5, 100, 1e-5)
    same_grid = sl.glmnet(data["X"], data["counts"], family="quasipoisson",
                          lambdas=poisson.lambdas[:6], backend="python")  # fmt: skip
    np.testing.assert_allclose(same_grid.beta, poisson.beta[:, :6], atol=1e-12)


def test_cv_deviance_is_the_family_deviance(data):
    cv = sl.cv_glmnet(data["X"], data["positive"], family=sm.families.Gamma(link=links.Log()),
                      seed=3, nfolds=4, keep=True, backend="python")  # fmt: skip
    mu = np.exp(cv.fit_preval)
    y = data["positive"][:, None]
    unit = -2 * (np.log(y / mu) - (y - mu) / mu)
    folds = [unit[cv.foldid == k].mean(axis=0) for k in range(1, 5)]
    sizes = np.array([np.sum(cv.foldid == k) for k in range(1, 5)])
    np.testing.assert_allclose(cv.cvm, sizes @ np.array(folds) / sizes.sum(), rtol=1e-12)
    assert cv.measure == "GLM Deviance"
    threaded = sl.cv_glmnet(data["X"], data["positive"], family=sm.families.Gamma(link=links.Log()),
                            seed=3, nfolds=4, n_jobs=2, backend="python")  # fmt: skip
    np.testing.assert_array_equal(threaded.cvm, cv.cvm)


@pytest.mark.parametrize(
    ("family", "y", "message"),
    [(sm.families.Binomial(link=links.Probit()), [0.0, 1.5], "y must lie in"),
     (sm.families.Poisson(), [-1.0, 2.0], "y has negative"),
     ("quasipoisson", [-1.0, 2.0], "y has negative"),
     (sm.families.Gamma(link=links.Log()), [0.0, 2.0], "y must be positive"),
     (sm.families.Gaussian(link=links.Log()), [-0.5, 2.0], "y must be positive")],
)  # fmt: skip
def test_y_outside_the_family_domain_names_y(data, family, y, message):
    values = np.abs(data["counts"]) + 1.0
    values[:2] = y
    with pytest.raises(check.InvalidArgumentError, match=message):
        sl.glmnet(data["X"], values, family=family, backend="python")


@pytest.mark.parametrize(
    ("family", "error"),
    [(sm.families.NegativeBinomial(alpha=1.0), check.InvalidArgumentError),
     (sm.families.Binomial(link=links.LogLog()), check.InvalidArgumentError),
     (object(), check.ArgumentTypeError),
     ("quasibinomial", check.InvalidArgumentError)],
)  # fmt: skip
def test_family_statlab_cannot_solve_names_family(data, family, error):
    with pytest.raises(error, match="family"):
        sl.glmnet(data["X"], data["counts"], family=family, backend="python")


@pytest.mark.parametrize(("option", "value"), [("dfmax", 3), ("pmax", 3), ("relax", True)])
def test_options_a_family_object_does_not_use_are_refused(data, option, value):
    with pytest.raises(check.InvalidArgumentError, match=option):
        sl.glmnet(data["X"], data["counts"], family=sm.families.Poisson(), backend="python",
                  **{option: value})  # fmt: skip


def test_trace_it_draws_a_bar_over_lambdas_and_fits_without_changing_them(data, capsys):
    family = sm.families.Gamma(link=links.Log())
    quiet = sl.glmnet(data["X"], data["positive"], family=family, backend="python")
    assert capsys.readouterr().err == ""
    traced = sl.glmnet(data["X"], data["positive"], family=family, trace_it=True,
                       backend="python")  # fmt: skip
    bar = capsys.readouterr().err
    assert "glmnet path" in bar and f"{len(traced.lambdas)}/100" in bar
    np.testing.assert_array_equal(traced.beta, quiet.beta)
    cv = sl.cv_glmnet(data["X"], data["counts"], family="poisson", nfolds=4, seed=1,
                      trace_it=True, backend="python")  # fmt: skip
    assert "5/5" in capsys.readouterr().err
    assert cv.index_min >= cv.index_1se
