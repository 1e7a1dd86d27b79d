"""Shared test set-up: the ``needs_r`` marker and small data helpers.

Tests marked ``needs_r`` compare with real R. They skip, saying why, only where R, rpy2 or glmnet is
absent; under CI (``CI=true``) an unusable R fails them instead, since CI installs R.
"""

from __future__ import annotations

import os

import pytest

from statlab import _rbridge


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("needs_r") for item in items):
        return
    status = _rbridge.status()
    if status.usable:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI must run the R parity tests, but R is not usable: {status.reason}"
        )
    skip = pytest.mark.skip(reason=f"R backend not usable here: {status.reason}")
    for item in items:
        if item.get_closest_marker("needs_r"):
            item.add_marker(skip)
