"""Report test set-up: the ``browser`` marker, and the fixtures rendered once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from report_testing import FIXTURES, require_quarto, run_report_command


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


@pytest.fixture(scope="session")
def quarto_showcase(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The showcase and a one-line report, rendered by Quarto two at a time from a copy of the
    fixtures: (the page, the source folder, statlab report's stderr)."""
    require_quarto()
    source = tmp_path_factory.mktemp("quarto-source")
    shutil.copy(FIXTURES / "showcase.qmd", source)
    (source / "tiny.qmd").write_text("---\ntitle: Tiny\n---\n\nTwo: `{python} 1 + 1`.\n")
    out = tmp_path_factory.mktemp("quarto-showcase")
    result = run_report_command(
        source / "showcase.qmd",
        source / "tiny.qmd",
        "--out",
        out,
        "--engine",
        "quarto",
        "--backend",
        "python",
        "--n-jobs",
        "2",
    )
    assert result.returncode == 0, result.stderr
    return out / "showcase.html", source, result.stderr


@pytest.fixture(scope="session")
def shipped_pages(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``shipped_pages(engine)``: the folder holding every shipped report rendered with
    ``engine`` (``embedded`` or ``quarto``) on the auto backend, rendered once per session."""
    folders: dict[str, Path] = {}

    def folder(engine: str) -> Path:
        if engine == "quarto":
            require_quarto()
        if engine not in folders:
            out = tmp_path_factory.mktemp(f"shipped-{engine}")
            result = run_report_command("--all", "--out", out, "--engine", engine)
            assert result.returncode == 0, result.stderr
            folders[engine] = out
        return folders[engine]

    return folder


@pytest.fixture(scope="session")
def shipped_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding every shipped report rendered to PDF by Quarto, once per session."""
    require_quarto()
    missing = [
        tool for tool in ("pdfinfo", "pdfimages", "pdftotext", "pdftoppm") if not shutil.which(tool)
    ]
    if missing:
        reason = f"{', '.join(missing)} missing (apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must check the PDF reports, but {reason}")
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("shipped-pdf")
    result = run_report_command("--all", "--out", out, "--format", "pdf")
    assert result.returncode == 0, result.stderr
    return out
