"""exact_shap, linear_shap and conditional_linear_shap: efficiency, known values, closed forms,
R parity and agreement with the shap package."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from statlab.shap import conditional_linear_shap, exact_shap, linear_shap

VALUES = ["marginal", "conditional_gaussian"]


@pytest.mark.parametrize("value", VALUES)
def test_efficiency_values_sum_to_prediction_minus_base(
    interacting_model, value, background, explained
):
    res = exact_shap(interacting_model, explained, background, value=value, backend="python")
    np.testing.assert_allclose(
        res.values.sum(axis=1), interacting_model(explained) - res.base_value, atol=1e-12
    )
    np.testing.assert_allclose(res.base_value, interacting_model(background).mean(), atol=1e-12)


def test_baseline_efficiency_and_equals_marginal_with_one_row(
    interacting_model, background, explained
):
    baseline = background[:1]
    res = exact_shap(interacting_model, explained, baseline, value="baseline", backend="python")
    marginal = exact_shap(interacting_model, explained, baseline, backend="python")
    np.testing.assert_allclose(res.values, marginal.values, atol=0)
    np.testing.assert_allclose(res.efficiency_gap, 0, atol=1e-12)
    assert res.base_value == pytest.approx(float(interacting_model(baseline)[0]))


def test_known_values_of_a_product_by_hand():
    # f = x1 x2, x = (3, 1), background rows (0, 0) and (2, 2):
    # v() = 2, v(1) = 3, v(2) = 1, v(12) = 3, so phi1 = (1 + 2) / 2, phi2 = (-1 + 0) / 2
    res = exact_shap(
        lambda X: X[:, 0] * X[:, 1], [3.0, 1.0], [[0.0, 0.0], [2.0, 2.0]], backend="python"
    )
    np.testing.assert_allclose(res.values, [[1.5, -0.5]], atol=1e-14)


def test_a_feature_the_model_ignores_gets_zero_under_marginal(background, explained):
    res = exact_shap(lambda X: X[:, 0] * X[:, 1], explained, background, backend="python")
    np.testing.assert_allclose(res.values[:, 2:], 0, atol=1e-14)


def test_conditional_gives_an_ignored_correlated_feature_credit(background, explained):
    res = exact_shap(
        lambda X: X[:, 0] * 1.0,
        explained,
        background,
        value="conditional_gaussian",
        backend="python",
    )
    assert np.abs(res.values[:2, 1]).min() > 0.05  # x2 is correlated with x1


def test_conditional_gaussian_on_linear_f_equals_the_closed_form(background, explained):
    beta = np.array([1.0, 0.1, -2.0, 0.5])
    res = exact_shap(
        lambda X: X @ beta, explained, background, value="conditional_gaussian", backend="python"
    )
    closed = conditional_linear_shap(
        beta, explained, mean=background.mean(axis=0), cov=np.cov(background, rowvar=False)
    )
    np.testing.assert_allclose(res.values, closed.values, atol=1e-12)


def test_conditional_two_feature_formula():
    rho, beta, x = 0.9, np.array([1.0, 0.1]), np.array([0.7, -1.2])
    res = conditional_linear_shap(beta, x, mean=[0, 0], cov=[[1, rho], [rho, 1]])
    phi1 = beta[0] * x[0] + rho * (beta[1] * x[0] - beta[0] * x[1]) / 2
    phi2 = beta[1] * x[1] + rho * (beta[0] * x[1] - beta[1] * x[0]) / 2
    np.testing.assert_allclose(res.values[0], [phi1, phi2], atol=1e-14)


def test_linear_shap_equals_exact_on_a_linear_model(background, explained):
    beta, intercept = np.array([2.0, -1.0, 0.3, 4.0]), 1.5
    lin = linear_shap(beta, explained, background=background, intercept=intercept, backend="python")
    ex = exact_shap(lambda X: intercept + X @ beta, explained, background, backend="python")
    np.testing.assert_allclose(lin.values, ex.values, atol=1e-12)
    assert lin.base_value == pytest.approx(ex.base_value, abs=1e-12)
    one = exact_shap(
        lambda X: intercept + X @ beta, explained, background[3], value="baseline", backend="python"
    )
    np.testing.assert_allclose(
        linear_shap(beta, explained, baseline=background[3], backend="python").values,
        one.values,
        atol=1e-12,
    )


def test_changing_the_baseline_shifts_phi_by_beta_times_the_move(explained):
    beta = np.array([2.0, -1.0, 0.3, 4.0])
    old, new = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, -1.0, 2.5, 0.0])
    shift = (
        linear_shap(beta, explained, baseline=new, backend="python").values
        - linear_shap(beta, explained, baseline=old, backend="python").values
    )
    np.testing.assert_allclose(shift, np.tile(-beta * (new - old), (3, 1)), atol=1e-13)


def test_default_linear_reference_is_the_mean_of_x(explained):
    beta = np.array([1.0, 2.0, 3.0, 4.0])
    res = linear_shap(beta, explained, backend="python")
    np.testing.assert_allclose(res.values.sum(axis=0), 0, atol=1e-13)


def test_feature_names_come_from_a_dataframe(interacting_model, background, explained):
    frame = pd.DataFrame(background, columns=["a", "b", "c", "d"])
    res = exact_shap(interacting_model, explained, frame, backend="python")
    assert res.feature_names == ("a", "b", "c", "d")
    table = res.to_frame()
    assert table.shape == (12, 5)
    assert table.loc[table["feature"] == "c", "phi"].tolist() == res.values[:, 2].tolist()
    assert list(res.summary().index) == [
        res.feature_names[j] for j in np.argsort(-np.abs(res.values).mean(axis=0), kind="stable")
    ]


def test_p12_with_100_background_rows_runs_in_one_go():
    rng = np.random.default_rng(3)
    background, x = rng.normal(size=(100, 12)), rng.normal(size=12)
    res = exact_shap(lambda X: np.tanh(X.sum(axis=1)), x, background, backend="python")
    assert abs(res.efficiency_gap[0]) < 1e-12


@pytest.mark.needs_r
@pytest.mark.parametrize("value", [*VALUES, "baseline"])
def test_r_enumeration_agrees_to_1e10(interacting_model, value, background, explained):
    bg = background[:1] if value == "baseline" else background
    python = exact_shap(interacting_model, explained, bg, value=value, backend="python")
    r = exact_shap(interacting_model, explained, bg, value=value, backend="r")
    assert r.backend == "r"
    np.testing.assert_allclose(r.values, python.values, rtol=0, atol=1e-10)
    assert r.base_value == pytest.approx(python.base_value, abs=1e-10)


@pytest.mark.needs_r
def test_r_linear_shap_agrees(background, explained):
    beta = np.array([2.0, -1.0, 0.3, 4.0])
    python = linear_shap(beta, explained, background=background, backend="python")
    r = linear_shap(beta, explained, background=background, backend="r")
    np.testing.assert_allclose(r.values, python.values, rtol=0, atol=1e-12)


def test_shap_package_kernel_explainer_at_full_enumeration_agrees_with_exact(
    interacting_model, background, explained
):
    # shap's ExactExplainer would do too, but its first call spends ~20 s compiling with numba
    shap = pytest.importorskip("shap")
    explainer = shap.KernelExplainer(interacting_model, background)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = explainer.shap_values(explained, nsamples=2**4 - 2, silent=True)
    ours = exact_shap(interacting_model, explained, background, backend="python")
    np.testing.assert_allclose(ours.values, reference, atol=1e-10)
    assert ours.base_value == pytest.approx(float(explainer.expected_value), abs=1e-12)


def test_shap_package_linear_explainer_agrees(background, explained):
    shap = pytest.importorskip("shap")
    beta, intercept = np.array([2.0, -1.0, 0.3, 4.0]), 0.7
    explainer = shap.LinearExplainer((beta, intercept), background)
    ours = linear_shap(
        beta, explained, background=background, intercept=intercept, backend="python"
    )
    np.testing.assert_allclose(ours.values, explainer.shap_values(explained), atol=1e-12)
    assert ours.base_value == pytest.approx(float(np.ravel(explainer.expected_value)[0]), abs=1e-12)


def test_conditional_gaussian_is_exact_for_a_quadratic_model(background, explained):
    """v(S) = E[x1 x2 + x3^2 | x_S] under the Gaussian fitted (by maximum likelihood) to the
    background: conditional mean m and covariance C give m1 m2 + C12 + m3^2 + C33."""
    from statlab.shap._coalitions import all_masks, shapley_from_values

    def quadratic(X):
        return X[:, 0] * X[:, 1] + X[:, 2] ** 2

    mu = background.mean(axis=0)
    sigma = np.cov(background, rowvar=False, ddof=0)
    masks = all_masks(4)
    values = np.empty((len(explained), len(masks)))
    for k, mask in enumerate(masks):
        inside, outside = np.flatnonzero(mask), np.flatnonzero(~mask)
        for i, row in enumerate(explained):
            mean, cov = mu.copy(), np.zeros((4, 4))
            mean[inside] = row[inside]
            if outside.size:
                regression = (
                    np.linalg.solve(sigma[np.ix_(inside, inside)], sigma[np.ix_(inside, outside)])
                    if inside.size
                    else np.zeros((0, outside.size))
                )
                mean[outside] += (row[inside] - mu[inside]) @ regression
                cov[np.ix_(outside, outside)] = (
                    sigma[np.ix_(outside, outside)] - sigma[np.ix_(outside, inside)] @ regression
                )
            values[i, k] = mean[0] * mean[1] + cov[0, 1] + mean[2] ** 2 + cov[2, 2]
    res = exact_shap(
        quadratic, explained, background, value="conditional_gaussian", backend="python"
    )
    np.testing.assert_allclose(res.values, shapley_from_values(values), atol=1e-10)


@pytest.mark.needs_r
@pytest.mark.parametrize("value", VALUES)
def test_r_file_alone_with_an_r_model_agrees(value, background, explained, tmp_path):
    """An R user's path: source r/shap.R in a plain Rscript, the model written in R."""
    import subprocess

    from statlab._paths import r_dir

    def r_matrix(array: np.ndarray) -> str:
        numbers = ", ".join(repr(float(v)) for v in array.ravel(order="F"))
        return f"matrix(c({numbers}), nrow = {array.shape[0]})"

    script = tmp_path / "run.R"
    script.write_text(
        f'source("{r_dir() / "shap.R"}")\n'
        "f <- function(X) sin(X[, 1]) + X[, 2] * X[, 3] + 0.5 * X[, 4]^2 - X[, 1] * X[, 4]\n"
        f'out <- shap_exact(f, {r_matrix(explained)}, {r_matrix(background)}, "{value}")\n'
        'cat(sprintf("%.17g", t(out$phi)), sep = "\\n")\n',
        encoding="utf-8",
    )
    run = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    r_values = np.array(run.stdout.split(), dtype=float).reshape(explained.shape)

    def model(X):
        return np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2 - X[:, 0] * X[:, 3]

    python = exact_shap(model, explained, background, value=value, backend="python")
    np.testing.assert_allclose(r_values, python.values, rtol=0, atol=1e-10)


def test_marginal_coalition_values_evaluate_each_distinct_row_once():
    # discrete features: most (explained row, background row, coalition) mixes repeat
    from statlab.shap._coalitions import all_masks, coalition_values

    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(30, 4)).astype(float)
    background = rng.integers(0, 3, size=(20, 4)).astype(float)
    masks = all_masks(4)
    seen = []

    def f(rows):
        seen.append(rows.copy())
        return np.sin(rows @ [1.0, -2.0, 0.5, 3.0]) + rows[:, 0] * rows[:, 3]

    values = coalition_values(f, x, background, masks)
    mixed = np.where(masks[None, :, None, :], x[:, None, None, :], background[None, None, :, :])
    by_hand = f(mixed.reshape(-1, 4)).reshape(30, 16, 20).mean(axis=2)
    np.testing.assert_array_equal(values, by_hand)
    evaluated = np.vstack(seen[:-1])
    assert len(np.unique(evaluated, axis=0)) == len(evaluated)  # no row twice
    assert len(evaluated) <= 3**4  # at most every distinct row of three levels
