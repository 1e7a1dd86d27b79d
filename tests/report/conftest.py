"""Helpers for the report tests: running ``statlab report`` and rendering the showcase fixture once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from statlab.report.execute import python_child_environment

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: opens pages in headless Chromium (skipped only where chromium is absent; "
        "fails instead under CI=true)",
    )


def run_report_command(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m statlab.report ARGS`` (``statlab report ARGS``) in a fresh process."""
    command = [sys.executable, "-m", "statlab.report", *map(str, args)]
    environment = python_child_environment()  # clean even after other tests loaded R
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=environment)


@pytest.fixture(scope="session")
def showcase_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The showcase fixture rendered once with the embedded engine on the python backend."""
    out = tmp_path_factory.mktemp("showcase")
    result = run_report_command(
        FIXTURES / "showcase.qmd", "--out", out, "--engine", "embedded", "--backend", "python"
    )
    assert result.returncode == 0, result.stderr
    return out / "showcase.html"
