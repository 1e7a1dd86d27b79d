"""statlab._validation: what each shared check accepts, returns and refuses, and the renaming
decorator that keeps old argument names working for one release."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from statlab import _validation as check


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integer_accepts_integers_of_any_kind(value: object) -> None:
    assert check.integer(value, "n", low=1) == 3
    assert type(check.integer(value, "n")) is int


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (2.0, check.ArgumentTypeError, "n must be an integer >= 1, got 2.0"),
        (True, check.ArgumentTypeError, "n must be an integer >= 1, got True"),
        ("3", check.ArgumentTypeError, "n must be an integer >= 1, got '3'"),
        (0, check.InvalidArgumentError, "n must be an integer >= 1, got 0"),
    ],
)
def test_integer_refuses_with_the_name_first(value: object, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        check.integer(value, "n", low=1)
    assert str(info.value) == message


def test_errors_are_value_errors_and_type_errors() -> None:
    assert issubclass(check.InvalidArgumentError, ValueError)
    assert issubclass(check.ArgumentTypeError, ValueError)
    assert issubclass(check.ArgumentTypeError, TypeError)


@pytest.mark.parametrize(
    ("kwargs", "value", "ok"),
    [
        ({"low": 0, "high": 1}, 0.0, True),
        ({"low": 0, "high": 1, "low_open": True}, 0.0, False),
        ({"low": 0, "high": 1, "high_open": True}, 1.0, False),
        ({"low": 0, "high": 1}, 1.0000001, False),
        ({}, float("inf"), False),
        ({}, float("nan"), False),
        ({}, np.float32(2.5), True),
    ],
)
def test_real_bounds(kwargs: dict, value: float, ok: bool) -> None:
    if ok:
        assert check.real(value, "a", **kwargs) == pytest.approx(float(value))
    else:
        with pytest.raises(check.InvalidArgumentError, match=r"^a must be"):
            check.real(value, "a", **kwargs)


def test_seed_is_a_non_negative_integer_or_none() -> None:
    assert check.seed(None) is None
    assert check.seed(np.int64(2**40)) == 2**40
    for bad in ("abc", 1.5, -1, True, [1]):
        with pytest.raises(ValueError, match=r"^seed must be a non-negative integer or None"):
            check.seed(bad)


def test_flag_refuses_truthy_strings() -> None:
    assert check.flag(np.bool_(True), "standardize") is True
    for bad in ("no", "False", 0, 1, None):
        with pytest.raises(TypeError, match=r"^standardize must be True or False"):
            check.flag(bad, "standardize")


def test_option_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"^backend must be one of 'auto', 'r', 'python', got 'R'"):
        check.backend("R")


def test_vector_and_matrix() -> None:
    np.testing.assert_array_equal(check.vector([[1.0], [2.0]], "x"), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^x must be one-dimensional, got shape \(2, 2\)"):
        check.vector(np.eye(2), "x")
    with pytest.raises(ValueError, match=r"^x must have at least 2 value"):
        check.vector([1.0], "x", min_size=2)
    values, names = check.matrix(np.ones((2, 2)))
    assert names == ["V1", "V2"] and values.flags.c_contiguous
    with pytest.raises(TypeError, match=r"^X has non-numeric columns \['b'\]"):
        check.matrix(pd.DataFrame({"a": [1.0], "b": ["x"]}))
    with pytest.raises(ValueError, match=r"^y has 2 values but X has 3 rows"):
        check.response([1.0, 2.0], 3)
    with pytest.raises(ValueError, match=r"^y is constant"):
        check.response([1.0, 1.0, 1.0], 3)


def test_renamed_keeps_the_old_name_for_one_release() -> None:
    @check.renamed(K="nfolds", variance=("amplitude", lambda v: v**0.5))
    def f(*, nfolds: int = 10, amplitude: float = 1.0) -> tuple[int, float]:
        return nfolds, amplitude

    with pytest.warns(
        DeprecationWarning, match=r"f\(\): argument 'K' is deprecated .*use 'nfolds'"
    ):
        assert f(K=5) == (5, 1.0)
    with pytest.warns(DeprecationWarning, match="'variance'"):
        assert f(variance=4.0) == (10, 2.0)
    with pytest.raises(TypeError, match="got both 'K'"):
        f(K=5, nfolds=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(nfolds=3) == (3, 1.0)  # the new name warns about nothing


def test_old_vocabulary_names_still_work_with_a_deprecation_warning() -> None:
    import numpy as np

    import statlab as sl
    from statlab.gp.hierarchical import _NUTS_OPTIONS
    from statlab.shap import kernel_shap_variance

    with pytest.warns(DeprecationWarning, match="'noise' is deprecated.*use 'noise_sd'"):
        old = sl.trees.simulate_redundant(n=20, copies=2, n_noise=1, noise=0.5, seed=2)
    new = sl.trees.simulate_redundant(n=20, copies=2, n_noise=1, noise_sd=0.5, seed=2)
    assert old.equals(new)
    with pytest.warns(DeprecationWarning, match="'copy_noise' is deprecated"):
        sl.trees.simulate_redundant(n=20, copies=2, n_noise=1, copy_noise=0.1, seed=2)
    background = np.random.default_rng(0).normal(size=(10, 3))
    arguments = (lambda X: X.sum(axis=1), np.ones(3), background)
    with pytest.warns(DeprecationWarning, match="'n_reps' is deprecated.*use 'n_draws'"):
        old_study = kernel_shap_variance(*arguments, n_samples_grid=[8], n_reps=3, seed=1)
    new_study = kernel_shap_variance(*arguments, n_samples_grid=[8], n_draws=3, seed=1)
    assert old_study.replicates.equals(new_study.replicates)
    # HierarchicalGP.fit passes its options on to fit_nuts, which renames cores and progressbar
    assert {"n_jobs", "progress", "cores", "progressbar"} <= _NUTS_OPTIONS


def test_glmnet_options_by_position_still_work_with_a_deprecation_warning() -> None:
    import numpy as np

    import statlab as sl

    ozone = sl.data.load("ozone")
    X, y = sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"])
    with pytest.warns(DeprecationWarning, match=r"passing alpha, family by position.*alpha=\.\.\."):
        by_position = sl.glmnet(X, y, 0.5, "gaussian", backend="python")
    by_keyword = sl.glmnet(X, y, alpha=0.5, family="gaussian", backend="python")
    np.testing.assert_array_equal(by_position.beta, by_keyword.beta)
    with pytest.raises(TypeError, match="'alpha' by position and by keyword"):
        sl.cv_glmnet(X, y, 0.5, alpha=0.5, backend="python")
