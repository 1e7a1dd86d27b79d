"""The sums the fits of a Gaussian covariance-solver cv_glmnet share (Gram rows, gradient, column
statistics): the same fits as each fold sweeping x for them, on data whose columns have large
means."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import statlab as sl
from statlab.glmnet import _backend_python

N_ROWS, N_COLS = 1500, 40


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261126)
    x = rng.standard_normal((N_ROWS, N_COLS)) + 0.6 * rng.standard_normal((N_ROWS, 1))
    x[:, 0] = 2000.0 + 10.0 * rng.standard_normal(N_ROWS)  # years: mean 200 sds from 0
    x[:, 1] = 1e4 + rng.standard_normal(N_ROWS)
    x = np.asfortranarray(x)
    beta = np.zeros(N_COLS)
    beta[:25] = rng.uniform(-1.0, 1.0, 25)
    y = 3.0 + (x - x.mean(axis=0)) @ beta + 2.0 * rng.standard_normal(N_ROWS)
    foldid = rng.permutation(np.resize(np.arange(1, 11), N_ROWS))
    return x, y, foldid


OPTIONS = {
    "plain": {},
    "weights": {"weights": np.resize([0.5, 1.0, 2.5, 0.0], N_ROWS)},
    "penalty_factor": {"penalty_factor": np.where(np.arange(N_COLS) % 5 == 0, 0.0, 1.5)},
    "exclude": {"exclude": [2, 7, 11]},
    "limits": {"lower_limits": -0.3, "upper_limits": 0.3},
    "offset": {"offset": np.sin(np.arange(N_ROWS))},
    "no intercept": {"intercept": False},
    "not standardized": {"standardize": False},
    "ridge": {"alpha": 0.0},
    "relax": {"relax": True, "gamma": [0.0, 0.5]},
    # paths kept short: the folds share only the Gram rows the full-data path reaches
    "dfmax": {"dfmax": 6},
    "pmax": {"pmax": 8},
    "dfmax relax": {"dfmax": 6, "relax": True, "gamma": [0.0, 0.5]},
}
# the most variables a path reaches
REACH = {"dfmax": 6, "pmax": 7, "dfmax relax": 6}


def _settings(**options: int) -> _backend_python._Settings:
    return _backend_python._Settings(
        1.0, "gaussian", True, 100, None, 1e-7, 100_000, None, "covariance",
        replace(_backend_python.PathOptions.defaults(N_COLS), **options),
    )  # fmt: skip


def test_these_data_share_the_gram(data):
    x, _, foldid = data
    columns = _backend_python._Columns.of(x)
    assert _backend_python._shares_gram(columns, foldid, _settings())
    tiny = _backend_python._Columns.of(x[:100])
    assert not _backend_python._shares_gram(tiny, foldid[:100], _settings())


@pytest.mark.parametrize("no_intercept", [False, True])
@pytest.mark.parametrize("rows", ["all", "some", "not excluded"])
def test_fold_sums_equal_direct_sums(data, no_intercept, rows):
    """A fold's Gram rows, gradient and column statistics from the shared sums equal the same
    computed directly on its training rows (weights include zeros): every row, the rows of
    some variables (a short path's), or the rows and columns of the variables not excluded."""
    x, y, foldid = data
    weights = np.resize([0.5, 1.0, 2.5, 0.0], N_ROWS)
    gram_rows = np.arange(N_COLS) if rows == "all" else np.array([0, 1, 5, 17])
    gram_columns = np.delete(np.arange(N_COLS), [2, 7, 11]) if rows == "not excluded" else None
    if gram_columns is not None:
        gram_rows = gram_columns
    sums = _backend_python._held_out_sums(
        _backend_python._Columns.of(x), y, weights, foldid, gram_rows, gram_columns
    )
    cross, (mean, variance, usable) = sums.training(3)
    train = np.where(foldid != 3, weights, 0.0)
    w = train / train.sum()
    direct_mean = w @ x
    direct_variance = w @ (x - direct_mean) ** 2
    # to rounding of the columns' spread (sd 1 to 10), not of means near zero
    np.testing.assert_allclose(mean, direct_mean, rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(variance, direct_variance, rtol=1e-11)
    assert usable.all()
    scale = np.sqrt(direct_variance)
    centre = np.zeros(N_COLS) if no_intercept else direct_mean
    y_centre = 0.0 if no_intercept else float(w @ y)
    block, row_slots, column_slots = cross.gram(centre, scale)
    direct = ((x - centre) * w[:, None]).T @ (x - centre) / np.outer(scale, scale)
    held_columns = np.arange(N_COLS) if gram_columns is None else gram_columns
    assert np.flatnonzero(row_slots >= 0).tolist() == sorted(gram_rows.tolist())
    assert row_slots[gram_rows].tolist() == list(range(gram_rows.shape[0]))
    assert column_slots[held_columns].tolist() == list(range(held_columns.shape[0]))
    assert (column_slots >= 0).sum() == held_columns.shape[0]
    read = np.ix_(gram_rows, held_columns)
    np.testing.assert_allclose(block, direct[read], rtol=1e-12, atol=1e-12 * np.abs(direct).max())
    y_scale = 2.5
    gradient = cross.gradient(centre, y_centre, scale, y_scale)
    direct_gradient = (x - centre).T @ (w * (y - y_centre)) / (scale * y_scale)
    np.testing.assert_allclose(
        gradient, direct_gradient, rtol=1e-11, atol=1e-12 * np.abs(direct_gradient).max()
    )


def test_column_constant_on_a_folds_training_rows_is_unusable_there(data):
    """A column that varies only within fold 3's rows is constant on fold 3's training rows:
    unusable there (as glmnet drops it), usable for the other fits; the cross-validation equals
    the one that sweeps x for its statistics."""
    x, y, foldid = data
    x = x.copy(order="F")
    x[:, 4] = np.where(foldid == 3, np.arange(N_ROWS) % 7, 2.0)
    sums = _backend_python._held_out_sums(
        _backend_python._Columns.of(x), y, np.ones(N_ROWS), foldid, np.arange(N_COLS)
    )
    assert not sums.training(3)[1][2][4]
    assert all(sums.training(fold)[1][2][4] for fold in (0, 1, 2, 4, 10))
    shared = sl.cv_glmnet(x, y, foldid=foldid, backend="python")
    direct = sl.cv_glmnet(x, y, foldid=foldid, backend="python", type_gaussian="naive")
    np.testing.assert_allclose(shared.cvm, direct.cvm, rtol=1e-9)


def test_fold_reaching_an_unshared_variable_computes_its_row(data):
    """Shared rows for some variables only: a path reaching others computes their rows from x,
    and the path equals the one computing every row itself."""
    x, y, foldid = data
    columns = _backend_python._Columns.of(x)
    settings = _settings()
    sums = _backend_python._held_out_sums(columns, y, np.ones(N_ROWS), foldid, np.array([2, 3, 9]))
    train = np.where(foldid != 5, 1.0, 0.0)
    n_train = int(train.sum())
    cross, stats = sums.training(5)
    mixed = _backend_python._fit_rows(columns, y, train, n_train, settings, cross, stats)
    own = _backend_python._fit_rows(columns, y, train, n_train, settings)
    assert np.count_nonzero(np.abs(own.beta).sum(axis=1)) > 10
    assert mixed.npasses == own.npasses
    np.testing.assert_allclose(mixed.lambdas, own.lambdas, rtol=1e-12)
    np.testing.assert_allclose(mixed.beta, own.beta, rtol=0, atol=1e-12 * np.abs(own.beta).max())


@pytest.mark.filterwarnings("ignore:pmax:RuntimeWarning")  # the pmax paths stop, as in R
@pytest.mark.parametrize("option", list(OPTIONS))
def test_shared_gram_cv_equals_per_fold_gram_rows(data, option, monkeypatch):
    x, y, foldid = data
    arguments = OPTIONS[option]
    if option == "no intercept":
        # through the origin, x's years column stays uncentred; the column of mean 1e4 (sd 1)
        # would stand in for the intercept alone
        x, y = np.asfortranarray(np.delete(x, 1, axis=1)), y - 3.0

    def cv() -> sl.CVGlmnetResult:
        return sl.cv_glmnet(x, y, foldid=foldid, backend="python", **arguments)

    shared = cv()
    monkeypatch.setattr(_backend_python, "SHARED_GRAM_MAX_FEATURES", 0)
    own = cv()
    assert shared.nzero.max() >= REACH.get(option, 10)  # many Gram rows in play
    assert len(shared.lambdas) == len(own.lambdas)
    np.testing.assert_allclose(shared.lambdas, own.lambdas, rtol=1e-12)
    np.testing.assert_allclose(shared.cvm, own.cvm, rtol=1e-12)
    np.testing.assert_allclose(shared.cvsd, own.cvsd, rtol=1e-10)
    beta, own_beta = shared.glmnet_fit.beta, own.glmnet_fit.beta
    np.testing.assert_allclose(beta, own_beta, rtol=0, atol=1e-12 * np.abs(own_beta).max())
    if "relax" in option:
        np.testing.assert_allclose(shared.relaxed.cvm, own.relaxed.cvm, rtol=1e-12)


def test_shared_gram_cv_is_identical_across_n_jobs(data):
    x, y, foldid = data
    one, two = (
        sl.cv_glmnet(x, y, foldid=foldid, n_jobs=jobs, backend="python", **OPTIONS["weights"])
        for jobs in (1, 2)
    )
    np.testing.assert_array_equal(one.cvm, two.cvm)
    np.testing.assert_array_equal(one.glmnet_fit.beta, two.glmnet_fit.beta)


@pytest.mark.needs_r
@pytest.mark.filterwarnings("ignore:pmax:RuntimeWarning")
@pytest.mark.parametrize("option", [name for name in OPTIONS if "relax" not in name])
def test_shared_gram_cv_matches_r_pass_for_pass(data, option):
    x, y, foldid = data
    if option == "no intercept":
        x, y = np.asfortranarray(np.delete(x, 1, axis=1)), y - 3.0
    python_fit, r_fit = (
        sl.cv_glmnet(x, y, foldid=foldid, backend=backend, **OPTIONS[option])
        for backend in ("python", "r")
    )
    assert len(python_fit.lambdas) == len(r_fit.lambdas)  # the same early stop
    # 1e-10, not 1e-12: through the origin, the years column's uncentred gradient (and so lambda
    # max) carries rounding of relative size 1e-11 in both programs, shared Gram or not
    np.testing.assert_allclose(python_fit.lambdas, r_fit.lambdas, rtol=1e-10)
    np.testing.assert_allclose(python_fit.cvm, r_fit.cvm, rtol=1e-9)
    beta, r_beta = python_fit.glmnet_fit.beta, r_fit.glmnet_fit.beta
    np.testing.assert_allclose(beta, r_beta, rtol=0, atol=1e-10 * np.abs(r_beta).max())
    np.testing.assert_allclose(python_fit.glmnet_fit.a0, r_fit.glmnet_fit.a0, rtol=1e-10)
