"""Shared test set-up: the ``needs_r`` marker, from statlab's pytest plugin.

Tests marked ``needs_r`` compare with real R. They skip, saying why, only where R, rpy2 or glmnet is
absent; under CI (``CI=true``) an unusable R fails them instead, since CI installs R.

The marker is the one statlab gives its users (:mod:`statlab.testing.pytest_plugin`). Where
statlab is installed with its ``pytest11`` entry point (or run with ``-p``) pytest has already
loaded the plugin; otherwise (an editable install made before the entry point existed, or
statlab on ``PYTHONPATH``) it is registered here, once.
"""

from __future__ import annotations

import os

import pytest

from statlab.testing import pytest_plugin


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, "statlab.testing.pytest_plugin")
    if os.environ.get("CI") == "true":
        config.stash[pytest_plugin.REQUIRE_R] = True
