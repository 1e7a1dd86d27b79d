"""The R bridge: backend resolution, conversions and the rpy2/R version check."""

from __future__ import annotations

import numpy as np
import pytest

from statlab import _rbridge


def test_resolve_backend_python_and_unknown():
    assert _rbridge.resolve_backend("python") == "python"
    with pytest.raises(ValueError, match="backend must be 'auto', 'r' or 'python', got 'R'"):
        _rbridge.resolve_backend("R")


def test_rpy2_36_on_old_r_is_explained(monkeypatch):
    _rbridge.status.cache_clear()
    monkeypatch.setattr(_rbridge.importlib.metadata, "version", lambda name: "3.6.1")
    monkeypatch.setattr(_rbridge, "_r_version_tuple", lambda: (4, 2))
    monkeypatch.setattr(_rbridge, "_r_version_text", lambda: "R version 4.2.2")
    try:
        status = _rbridge.status()
        assert not status.usable
        assert "R_getVar" in status.reason and "rpy2>=3.5,<3.6" in status.reason
        with pytest.raises(
            _rbridge.RUnavailableError, match="apt-get install r-base-core r-cran-glmnet"
        ):
            _rbridge.require()
    finally:
        _rbridge.status.cache_clear()


def test_missing_rpy2_is_reported(monkeypatch):
    _rbridge.status.cache_clear()

    def no_rpy2(name):
        raise _rbridge.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_rbridge.importlib.metadata, "version", no_rpy2)
    try:
        assert _rbridge.status().reason == "rpy2 is not installed"
        assert _rbridge.resolve_backend("auto") == "python"
    finally:
        _rbridge.status.cache_clear()


@pytest.mark.needs_r
def test_round_trip_of_values():
    import rpy2.robjects as robjects

    identity = robjects.r("function(x) x")
    to_python = lambda v: _rbridge._to_python(identity(_rbridge._to_r(v)), robjects)  # noqa: E731
    np.testing.assert_array_equal(to_python(np.array([1.5, 2.5])), [1.5, 2.5])
    matrix = np.arange(6, dtype=float).reshape(2, 3)
    np.testing.assert_array_equal(to_python(matrix), matrix)
    nested = to_python({"a": np.array([1, 2]), "b": {"c": "text"}})
    assert nested["a"].tolist() == [1, 2] and nested["b"]["c"] == ["text"]
    assert to_python(None) is None
    assert robjects.r("function(x) is.null(dim(x))")(_rbridge._to_r(np.array([1.0, 2.0])))[0]


@pytest.mark.needs_r
def test_child_processes_keep_this_interpreters_libraries():
    # R's start-up puts the system library folder on LD_LIBRARY_PATH; worker processes (joblib,
    # Dask) started afterwards must still load this interpreter's own extension modules
    import subprocess
    import sys

    _rbridge.require()
    out = subprocess.run([sys.executable, "-c", "import ssl"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.needs_r
def test_r_warnings_become_python_warnings_at_the_callers_line():
    x = np.random.default_rng(0).normal(size=(30, 3))
    y = x[:, 0] + 0.1 * x[:, 1]
    with pytest.warns(_rbridge.RWarning, match=r"^R glmnet_fit\(\): .*maxit=1") as caught:
        _rbridge.call("glmnet_fit", x, y, maxit=1)
    assert caught[0].filename == __file__  # pointed at this line, not inside statlab


@pytest.mark.needs_r
def test_r_errors_become_one_clear_statlab_error():
    with pytest.raises(_rbridge.RCallError, match=r"^R's glmnet_fit\(\) failed: .*zero variance"):
        _rbridge.call("glmnet_fit", np.ones((5, 2)), np.arange(5.0))
