"""Kernels: closed-form values, symmetric PSD Gram matrices, sum/product identities, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from statlab import gp
from statlab.gp.kernels import RBF, Kernel, Linear, Periodic, kernel_sections, sample_paths

positive_floats = st.floats(0.1, 5.0)
inputs = arrays(np.float64, st.integers(1, 25), elements=st.floats(-10, 10))


@st.composite
def kernels(draw: st.DrawFn, depth: int = 2) -> Kernel:
    base = draw(
        st.sampled_from(
            [
                Linear(amplitude=draw(positive_floats), center=draw(st.floats(-2, 2))),
                RBF(amplitude=draw(positive_floats), length_scale=draw(positive_floats)),
                Periodic(
                    amplitude=draw(positive_floats),
                    length_scale=draw(positive_floats),
                    period=draw(positive_floats),
                ),
            ]
        )
    )
    if depth == 0 or not draw(st.booleans()):
        return base
    other = draw(kernels(depth=depth - 1))
    return base + other if draw(st.booleans()) else base * other


def test_closed_form_values() -> None:
    assert Linear(amplitude=np.sqrt(2.0), center=1.0)([3.0], [0.0])[0, 0] == pytest.approx(-4.0)
    assert RBF(amplitude=2.0, length_scale=2.0)([0.0], [2.0])[0, 0] == pytest.approx(
        4.0 * np.exp(-0.5)
    )
    periodic = Periodic(amplitude=np.sqrt(1.5), length_scale=0.5, period=4.0)
    assert periodic([0.0], [4.0])[0, 0] == pytest.approx(1.5)
    assert periodic([0.0], [2.0])[0, 0] == pytest.approx(1.5 * np.exp(-8.0))
    assert periodic([0.0], [1.0])[0, 0] == pytest.approx(1.5 * np.exp(-2 * 0.5 / 0.25))


def test_matrix_shape_and_default_second_argument() -> None:
    k = RBF()
    assert k([0.0, 1.0, 2.0], [5.0, 6.0]).shape == (3, 2)
    np.testing.assert_array_equal(k([0.0, 1.0]), k([0.0, 1.0], [0.0, 1.0]))


@settings(max_examples=60, deadline=None)
@given(kernel=kernels(), x=inputs)
def test_gram_matrix_symmetric_positive_semidefinite(kernel: Kernel, x: np.ndarray) -> None:
    gram = kernel(x)
    np.testing.assert_allclose(gram, gram.T, atol=1e-12)
    eigenvalues = np.linalg.eigvalsh(gram)
    assert eigenvalues.min() >= -1e-8 * max(1.0, np.abs(eigenvalues).max())


@settings(max_examples=40, deadline=None)
@given(k1=kernels(depth=0), k2=kernels(depth=0), x=inputs, x2=inputs)
def test_sum_and_product_identities(k1: Kernel, k2: Kernel, x: np.ndarray, x2: np.ndarray) -> None:
    np.testing.assert_allclose((k1 + k2)(x, x2), k1(x, x2) + k2(x, x2))
    np.testing.assert_allclose((k1 * k2)(x, x2), k1(x, x2) * k2(x, x2))
    np.testing.assert_allclose((k1 + k2)(x, x2), (k2 + k1)(x, x2))
    np.testing.assert_allclose((k1 * k2)(x, x2), (k2 * k1)(x, x2))


def test_composition_names() -> None:
    assert str(Linear() * (RBF() + Periodic())) == "Linear x (RBF + Periodic)"
    assert str(Linear() + RBF() * Periodic()) == "Linear + RBF x Periodic"


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda: RBF(length_scale=0.0), "length_scale"),
        (lambda: RBF(amplitude=-1.0), "amplitude"),
        (lambda: Periodic(period=0.0), "period"),
        (lambda: Linear(amplitude=float("nan")), "amplitude"),
        (lambda: RBF(amplitude="1"), "amplitude"),
    ],
)
def test_non_positive_hyperparameters_rejected(make, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        make()


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="x contains NaN"):
        RBF()([0.0, np.nan])
    with pytest.raises(ValueError, match="x must have at least 1 value"):
        RBF()([])
    with pytest.raises(ValueError, match="n_draws must be an integer"):
        sample_paths(RBF(), [0.0, 1.0], n_draws=0)
    with pytest.raises(ValueError, match="kernel"):
        sample_paths("rbf", [0.0, 1.0])  # type: ignore[arg-type]


def test_sample_paths_reproducible_and_shaped() -> None:
    grid = np.linspace(-5, 5, 50)
    first = sample_paths(RBF(), grid, n_draws=4, seed=3)
    np.testing.assert_array_equal(first["f"], sample_paths(RBF(), grid, n_draws=4, seed=3)["f"])
    assert list(first.columns) == ["draw", "x", "f"]
    assert sorted(first["draw"].unique()) == [0, 1, 2, 3]
    assert not np.array_equal(first["f"], sample_paths(RBF(), grid, n_draws=4, seed=4)["f"])


def test_linear_kernel_paths_are_lines_through_center() -> None:
    paths = sample_paths(Linear(center=1.0), np.linspace(-5, 5, 11), n_draws=3, seed=0)
    for _, path in paths.groupby("draw"):
        slope, intercept = np.polyfit(path["x"], path["f"], 1)
        np.testing.assert_allclose(path["f"], slope * path["x"] + intercept, atol=1e-6)
        assert slope + intercept == pytest.approx(0.0, abs=1e-6)  # f(center) = 0


def test_periodic_paths_repeat() -> None:
    grid = np.arange(0.0, 6.0, 0.25)
    paths = sample_paths(Periodic(period=2.0), grid, n_draws=3, seed=0)
    f = paths.pivot(index="draw", columns="x", values="f").to_numpy()
    np.testing.assert_allclose(f[:, :8], f[:, 8:16], atol=1e-6)


def test_sample_covariance_matches_kernel() -> None:
    grid = np.array([0.0, 0.5, 2.0])
    kernel = RBF(amplitude=np.sqrt(2.0))
    f = sample_paths(kernel, grid, n_draws=20000, seed=1).pivot(
        index="draw", columns="x", values="f"
    )
    np.testing.assert_allclose(np.cov(f.to_numpy().T), kernel(grid), atol=0.08)


def test_kernel_sections() -> None:
    sections = kernel_sections({"RBF": RBF(), "Linear": Linear()}, [0.0, 1.0, 3.0], x0=1.0)
    assert list(sections["kernel"].cat.categories) == ["RBF", "Linear"]
    rbf = sections[sections["kernel"] == "RBF"]["k"].to_numpy()
    np.testing.assert_allclose(rbf, np.exp(-0.5 * np.array([1.0, 0.0, 4.0])))
    with pytest.raises(ValueError, match="kernels"):
        kernel_sections({}, [0.0])


def test_every_public_name_resolves_and_moved_figures_warn() -> None:
    missing = [name for name in gp.__all__ if getattr(gp, name, None) is None]
    assert missing == []
    with pytest.warns(DeprecationWarning, match="moved to statlab.plots.gp.plot_sample_paths"):
        old = gp.plot_sample_paths
    paths = sample_paths(RBF(), [0.0, 1.0], n_draws=2, seed=1).assign(kernel="RBF")
    assert len(old(paths).layers) == 1
    with pytest.raises(AttributeError, match="no attribute 'plot_everything'"):
        _ = gp.plot_everything


def test_deprecated_variance_and_lengthscale_convert() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        old = RBF(variance=4.0, lengthscale=2.0)
    messages = " ".join(str(w.message) for w in caught)
    assert "'variance' is deprecated" in messages and "'lengthscale' is deprecated" in messages
    assert old == RBF(amplitude=2.0, length_scale=2.0)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match=r"^variance must be"):
        Linear(variance=-1.0)


def test_rbf_is_the_kernel_of_the_gp_core() -> None:
    """The likelihood and the posterior compute with RBF; their eigen form agrees."""
    from statlab.gp._core import EigenRBF, conditional, log_likelihood

    x, y = gp.EXERCISE_X, gp.EXERCISE_Y
    kernel = RBF(amplitude=1.4, length_scale=2.5)
    eigen = EigenRBF(x, y, length_scale=2.5)
    assert eigen.log_likelihood(np.array([1.4]), np.array([0.3]))[0, 0] == pytest.approx(
        log_likelihood(kernel, 0.3, x, y), abs=1e-10
    )
    grid = np.linspace(-8, 8, 9)
    mean, variance = conditional(kernel, 0.3, x, y, grid)
    means, variances = eigen.conditional_moments(grid, np.array([1.4]), np.array([0.3]))
    np.testing.assert_allclose(means[0], mean, atol=1e-9)
    np.testing.assert_allclose(variances[0], variance, atol=1e-9)
    _, covariance = conditional(kernel, 0.3, x, y, grid, full_cov=True)
    np.testing.assert_allclose(np.diag(covariance), variance, atol=1e-12)
