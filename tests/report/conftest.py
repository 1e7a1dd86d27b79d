"""Report test set-up: the ``browser`` marker and the showcase fixture rendered once."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_testing import FIXTURES, run_report_command


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: opens pages in headless Chromium (skipped only where chromium is absent; "
        "fails instead under CI=true)",
    )


@pytest.fixture(scope="session")
def showcase_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The showcase fixture rendered once with the embedded engine on the python backend."""
    out = tmp_path_factory.mktemp("showcase")
    result = run_report_command(
        FIXTURES / "showcase.qmd", "--out", out, "--engine", "embedded", "--backend", "python"
    )
    assert result.returncode == 0, result.stderr
    return out / "showcase.html"
