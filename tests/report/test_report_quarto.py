"""The quarto engine: the interpreter it runs, what it writes where, the version check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_testing import (
    FIXTURES,
    fake_quarto,
    outside_urls,
    page_content,
    path_without_quarto,
    require_quarto,
    visible_text,
    written_files,
)
from report_testing import run_report_command as run

from statlab.report import quarto


def test_quarto_page_shows_the_kernel_values_and_is_self_contained(
    quarto_showcase: tuple[Path, Path, str],
) -> None:
    page_path, _source, _log = quarto_showcase
    page = page_path.read_text(encoding="utf-8")
    text = visible_text(page)
    assert "computed on the python backend" in text
    assert "six times seven is 42" in text
    assert "{python}" not in page_content(page).text
    assert outside_urls(page) == []
    assert page.count("<math") == 2  # MathML, not MathJax
    assert "mathjax" not in page.lower()
    assert "UserWarning: WARNING_THAT_SHOWS" in text
    assert "ipykernel" not in page  # a warning shows no kernel temporary file


def test_quarto_renders_run_in_parallel_and_write_nothing_beside_the_qmd(
    quarto_showcase: tuple[Path, Path, str],
) -> None:
    page_path, source, log = quarto_showcase
    assert "2 at a time" in log
    assert sorted(p.name for p in source.iterdir()) == ["showcase.qmd", "tiny.qmd"]
    assert "Two: 2." in visible_text((page_path.parent / "tiny.html").read_text())
    assert written_files(page_path.parent) == ["index.html", "showcase.html", "tiny.html"]


def test_quarto_runs_this_interpreter_with_a_fresh_backend() -> None:
    environment = quarto.environment("r", Path("/tmp"))
    assert environment["QUARTO_PYTHON"] == sys.executable
    assert environment["PATH"].split(":")[0] == str(Path(sys.executable).parent)
    assert environment["STATLAB_BACKEND"] == "r"
    assert "--no-execute-daemon" in quarto.command("html")


def test_auto_prefers_quarto_when_it_works() -> None:
    require_quarto()
    from statlab.report.render import resolve_engine

    assert resolve_engine("auto") == "quarto"
    assert resolve_engine("auto", "pdf") == "quarto"


def resolve_in_new_process(engine: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = f"from statlab.report.render import resolve_engine; print(resolve_engine({engine!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("echo 1.3.450", "Quarto 1.3.450 (%s) is too old: the reports need Quarto >= 1.4"),
        ("echo 'cannot open shared object' >&2; exit 127", "--version` failed (exit 127"),
    ],
)
def test_old_or_broken_quarto_gives_one_line_and_the_hint(
    tmp_path: Path, script: str, expected: str
) -> None:
    environment = fake_quarto(tmp_path / "bin", script)
    if "%s" in expected:
        expected = expected % (tmp_path / "bin" / "quarto")

    result = run(
        FIXTURES / "showcase.qmd", "--out", tmp_path, "--engine", "quarto", env=environment
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "https://quarto.org/docs/get-started/" in lines[0]
    assert "--engine embedded" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]
    # auto falls back to the embedded engine instead
    assert resolve_in_new_process("auto", environment).stdout.strip() == "embedded"


def test_missing_quarto_gives_one_line_and_the_hint(tmp_path: Path) -> None:
    import os

    environment = {**os.environ, "PATH": path_without_quarto()}

    result = run(
        FIXTURES / "showcase.qmd", "--out", tmp_path, "--engine", "quarto", env=environment
    )

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "the Quarto CLI is not on PATH" in result.stderr
    assert "https://quarto.org/docs/get-started/" in result.stderr
    pdf = run(FIXTURES / "showcase.qmd", "--out", tmp_path, "--format", "pdf", env=environment)
    assert pdf.returncode == 2
    assert "--format pdf needs Quarto, but the Quarto CLI is not on PATH" in pdf.stderr
    assert resolve_in_new_process("auto", environment).stdout.strip() == "embedded"


def test_doctor_says_when_quarto_is_too_old(tmp_path: Path) -> None:
    environment = fake_quarto(tmp_path / "bin", "echo 1.2.475")
    code = "from statlab.cli import doctor_text; print(doctor_text())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120
    )
    quarto_line = next(line for line in result.stdout.splitlines() if line.startswith("quarto"))
    assert "Quarto 1.2.475" in quarto_line
    assert "too old: the reports need Quarto >= 1.4" in quarto_line
    assert "https://quarto.org" in quarto_line


def test_version_numbers_compare_as_numbers() -> None:
    assert quarto.parse_version("1.10.2") > quarto.parse_version("1.4")
    assert quarto.parse_version("1.3.450") < quarto.MIN_VERSION


def test_engines_agree_on_the_showcase(
    quarto_showcase: tuple[Path, Path, str], showcase_html: Path
) -> None:
    by_quarto = page_content(quarto_showcase[0].read_text(encoding="utf-8"))
    embedded = page_content(showcase_html.read_text(encoding="utf-8"))
    assert (
        by_quarto.captions
        == embedded.captions
        == [
            "Figure 1: The four points and their least-squares line.",
            "Table 1: Mean and standard deviation of x and y.",
            "Figure 2: The points again, drawn small.",
        ]
    )
    assert by_quarto.description == embedded.description != ""
    assert by_quarto.tables == embedded.tables
    assert by_quarto.numbers == embedded.numbers
