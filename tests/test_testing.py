"""statlab.testing: the R-against-Python table and its tolerances, and the pytest plugin (the
needs_r marker, the r_backend fixture, --require-r), run in a separate pytest through pytester."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

import statlab as sl
from statlab import _rbridge
from statlab._validation import InvalidArgumentError
from statlab.testing import TOLERANCES, assert_backends_agree, compare_backends, compare_results

pytest_plugins = ["pytester"]

# an installed statlab loads the plugin through its pytest11 entry point, and pytest refuses to
# load it a second time under another name; from a source tree it is loaded with -p
INSTALLED_PLUGIN = any(
    entry.value == "statlab.testing.pytest_plugin"
    for entry in importlib.metadata.entry_points(group="pytest11")
)
PLUGIN = () if INSTALLED_PLUGIN else ("-p", "statlab.testing.pytest_plugin")
CONFTEST = Path(__file__).with_name("conftest.py")


@dataclass(frozen=True)
class Fit:
    lambdas: np.ndarray
    beta: np.ndarray
    df: np.ndarray
    measure: str
    backend: str
    relaxed: Fit | None = None


BASE = Fit(
    lambdas=np.array([1.0, 0.5, 0.25]),
    beta=np.array([[0.0, 2.0, 4.0], [0.0, 0.0, -1.0]]),
    df=np.array([0, 1, 2]),
    measure="Mean-Squared Error",
    backend="python",
)


def fake_fit(backend: str, beta_shift: float = 0.0, **changes) -> Fit:
    """BASE as one backend's result: on "r", the coefficients moved by ``beta_shift``."""
    fit = replace(BASE, backend=backend, **changes)
    return replace(fit, beta=fit.beta + (beta_shift if backend == "r" else 0.0))


def test_table_measures_each_field_against_its_tolerance():
    table = compare_results(fake_fit("python"), fake_fit("r", beta_shift=2e-10))
    assert table.index.tolist() == ["lambdas", "beta", "df", "measure"]  # not backend, relaxed
    beta = table.loc["beta"]
    assert beta["abs_diff"] == pytest.approx(2e-10, rel=1e-6)
    assert beta["scale"] == pytest.approx(4.0, rel=1e-9)
    assert beta["rel_diff"] == pytest.approx(5e-11, rel=1e-6)
    assert beta["tolerance"] == TOLERANCES["beta"] == 1e-10
    assert table["passed"].all()
    assert table.loc["df", "tolerance"] == 0.0  # integers must be equal


def test_failures_outside_tolerance_unequal_counts_text_and_shapes():
    failing = compare_results(fake_fit("python"), fake_fit("r", beta_shift=1e-9))
    assert failing.loc["beta", "rel_diff"] == pytest.approx(2.5e-10, rel=1e-6)
    assert not failing.loc["beta", "passed"]
    other = fake_fit("r", df=np.array([0, 1, 3]), measure="Deviance", lambdas=np.ones(2))
    table = compare_results(fake_fit("python"), other)
    assert not table.loc[["df", "measure", "lambdas"], "passed"].any()
    assert table.loc["df", "abs_diff"] == 1.0
    assert table.loc["lambdas", "note"] == "shapes differ: (3,) and (2,)"
    loosened = compare_results(
        fake_fit("python"), fake_fit("r", beta_shift=1e-9), tolerances={"beta": 1e-9}
    )
    assert loosened["passed"].all()


def test_nested_results_are_walked():
    with_relaxed = replace(BASE, relaxed=BASE)
    moved = replace(BASE, relaxed=replace(BASE, lambdas=BASE.lambdas * (1 + 1e-11)))
    table = compare_results(with_relaxed, moved)
    assert table.loc["relaxed.lambdas", "rel_diff"] == pytest.approx(1e-11, rel=1e-3)
    assert not table.loc["relaxed.lambdas", "passed"]  # lambdas are held to 1e-12
    assert table.drop(index="relaxed.lambdas")["passed"].all()


def test_assert_backends_agree_raises_with_the_table():
    def shifted(*, backend: str, shift: float) -> Fit:
        return fake_fit(backend, beta_shift=shift)

    assert assert_backends_agree(shifted, shift=1e-12)["passed"].all()
    with pytest.raises(AssertionError, match=r"differ in 1 field\(s\) \(beta\)") as error:
        assert_backends_agree(shifted, shift=1e-6)
    assert "rel_diff" in str(error.value) and "2.5e-07" in str(error.value)
    with pytest.raises(InvalidArgumentError, match=r"^backend"):
        compare_backends(shifted, shift=0.0, backend="r")
    with pytest.raises(InvalidArgumentError, match=r"^tolerances\['beta'\]"):
        compare_results(BASE, BASE, tolerances={"beta": -1.0})


@pytest.mark.needs_r
def test_compare_backends_runs_r_and_python():
    prostate = sl.data.load("prostate")
    X, y = sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"] > 2.5
    table = compare_backends(sl.cv_glmnet, X, y, family="binomial", nfolds=5, seed=2)
    assert {"path.beta", "cvm", "foldid", "index_1se"} <= set(table.index)
    assert table["passed"].all(), table
    assert table.loc["path.beta", "rel_diff"] < 1e-10


# ---- the pytest plugin, in a pytest of its own ----

MARKED_TESTS = """
import pytest

@pytest.mark.needs_r
def test_glmnet():
    pass

@pytest.mark.needs_r("rpart", "statlabNoSuchPackage")
def test_more_packages():
    pass

def test_fixture(r_backend):
    assert r_backend == "r"

def test_plain():
    pass
"""


@pytest.fixture
def without_r(monkeypatch):
    monkeypatch.delenv("CI", raising=False)  # statlab's conftest requires R under CI
    monkeypatch.setattr(_rbridge, "status", lambda: _rbridge.RStatus(False, "no R on this box"))


@pytest.fixture
def r_without_rpart(monkeypatch):
    monkeypatch.setattr(_rbridge, "status", lambda: _rbridge.RStatus(True, "R loads"))
    monkeypatch.setattr(
        _rbridge,
        "missing_packages",
        lambda packages: tuple(p for p in packages if p not in ("glmnet",)),
    )


def test_plugin_skips_saying_why_without_r(pytester, without_r):
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN, "-rs")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["*R backend not usable here: no R on this box*apt-get install*"])


def test_plugin_names_missing_r_packages(pytester, r_without_rpart):
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN, "-rs")
    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*R lacks the packages rpart, statlabNoSuchPackage: "
            "`apt-get install r-cran-rpart r-cran-statlabnosuchpackage`*"
        ]
    )


def test_require_r_turns_the_skip_into_an_error(pytester, without_r):
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN, "--require-r")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*R is required here, but R backend not usable*"])


@pytest.mark.needs_r
def test_plugin_runs_marked_tests_where_r_is_usable(pytester):
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN, "-rs")
    result.assert_outcomes(passed=3, skipped=1)  # the R package that does not exist
    result.stdout.fnmatch_lines(["*R lacks the packages statlabNoSuchPackage*"])


@pytest.mark.parametrize("load", [PLUGIN, ()], ids=["plugin-loaded", "conftest-registers"])
def test_statlab_conftest_registers_the_plugin_once(pytester, without_r, load):
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess(*load, "-rs")
    result.assert_outcomes(passed=1, skipped=3)


def test_statlab_conftest_requires_r_under_ci(pytester, without_r, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(MARKED_TESTS)
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_entry_point_loads_the_plugin_and_the_conftest_leaves_it(
    pytester, without_r, monkeypatch, tmp_path
):
    # an installed statlab's pytest11 entry point, as pytest finds it through importlib.metadata
    site = tmp_path / "site"
    dist_info = site / "statlab_probe-0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: statlab-probe\nVersion: 0\n")
    (dist_info / "entry_points.txt").write_text(
        "[pytest11]\nstatlab = statlab.testing.pytest_plugin\n"
    )
    monkeypatch.syspath_prepend(str(site))
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(
        MARKED_TESTS
        + """
def test_registered_once(pytestconfig):
    from statlab.testing import pytest_plugin
    manager = pytestconfig.pluginmanager
    assert manager.get_plugin("statlab") is pytest_plugin
    assert [p for p in manager.get_plugins() if p is pytest_plugin] == [pytest_plugin]
"""
    )
    result = pytester.runpytest_inprocess("-rs")
    result.assert_outcomes(passed=2, skipped=3)
    # loaded before the command line is parsed, the plugin's --require-r is an option
    required = pytester.runpytest_inprocess("--require-r")
    assert required.ret == pytest.ExitCode.USAGE_ERROR
    required.stderr.fnmatch_lines(["*R is required here, but R backend not usable*"])
