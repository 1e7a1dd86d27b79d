"""pytest plugin: the ``needs_r`` marker and the ``r_backend`` fixture for tests that compare with R.

Installing statlab registers it (the ``pytest11`` entry point ``statlab``); without the entry point
load it with ``pytest -p statlab.testing.pytest_plugin``.

* ``@pytest.mark.needs_r`` marks a test that runs R's glmnet; ``@pytest.mark.needs_r("rpart")``
  (or ``packages=[...]``) one that needs other R packages too. Where R, rpy2 or a package is
  absent the test is skipped, saying which and how to install it.
* the ``r_backend`` fixture gives ``"r"`` to pass as ``backend=``, skipping likewise.
* ``--require-r`` turns those skips into an error, for a CI job that must compare with R.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

MARKER = "needs_r"
DEFAULT_PACKAGES = ("glmnet",)
#: set in ``config.stash`` by a conftest to require R without the command-line option
REQUIRE_R = pytest.StashKey[bool]()


def r_missing_reason(packages: Iterable[str] = DEFAULT_PACKAGES) -> str | None:
    """Why R cannot run the R ``packages`` here (with the install line), or None if it can.

    >>> reason = r_missing_reason(["statlabNoSuchPackage"])
    >>> reason.startswith(("R lacks the packages statlabNoSuchPackage", "R backend not usable"))
    True
    """
    from statlab import _rbridge  # not at import: pytest loads this plugin in every run

    probe = _rbridge.status()
    if not probe.usable:
        return f"R backend not usable here: {probe.reason}; {_rbridge.INSTALL_HINT}"
    absent = _rbridge.missing_packages(tuple(packages))
    if absent:
        install = " ".join(_rbridge.debian_package(package) for package in absent)
        return f"R lacks the packages {', '.join(absent)}: `apt-get install {install}`"
    return None


def skip_unless_r(packages: Iterable[str] = DEFAULT_PACKAGES) -> None:
    """Skip the running test (or doctest) where R cannot run the R ``packages``.

    >>> skip_unless_r(())  # R, rpy2 and glmnet are there, or this example is skipped
    """
    reason = r_missing_reason(packages)
    if reason is not None:
        pytest.skip(reason)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-r",
        action="store_true",
        default=False,
        help="fail, rather than skip, tests marked needs_r (and r_backend) where R is unusable",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*packages): compares with R; skipped where R, rpy2 or the R packages "
        "(default glmnet) are absent",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker(MARKER)
        if marker is None:
            continue
        reason = r_missing_reason(_marker_packages(marker))
        if reason is None:
            continue
        if _r_required(config):
            raise pytest.UsageError(f"R is required here, but {reason}")
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def r_backend(request: pytest.FixtureRequest) -> str:
    """``"r"``, for ``backend=``; the test is skipped where R, rpy2 or glmnet is absent."""
    reason = r_missing_reason()
    if reason is not None:
        if _r_required(request.config):
            pytest.fail(f"R is required here, but {reason}")
        pytest.skip(reason)
    return "r"


def _marker_packages(marker: pytest.Mark) -> tuple[str, ...]:
    named = marker.kwargs.get("packages", ())
    packages = (*marker.args, *([named] if isinstance(named, str) else named))
    return tuple(dict.fromkeys([*DEFAULT_PACKAGES, *packages]))


def _r_required(config: pytest.Config) -> bool:
    return bool(config.getoption("require_r", default=False)) or config.stash.get(REQUIRE_R, False)
