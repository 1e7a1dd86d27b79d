"""Shared by the report tests: the fixture folder, and ``statlab report`` run in a new process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def run_report_command(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m statlab.report ARGS`` (``statlab report ARGS``) in a fresh process."""
    command = [sys.executable, "-m", "statlab.report", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
