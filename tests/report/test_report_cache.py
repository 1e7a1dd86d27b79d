"""Reusing an unchanged page: the second render of an unchanged report is a copy, and any change
to the .qmd, statlab's code, the data, the engine, the format or the backend renders afresh."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from report_testing import FIXTURES, run_report_command

from statlab.report import cache, read_qmd

TINY = "---\ntitle: Tiny\n---\n\n```{python}\nx = 2\n```\n\nTwo: `{python} x`.\n"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    report = tmp_path / "tiny.qmd"
    report.write_text(TINY)
    return report


def test_an_unchanged_report_is_reused_and_an_edited_one_rendered(tmp_path, tiny):
    report = tiny
    out = tmp_path / "out"
    first = run_report_command(report, "--out", out, "--engine", "embedded")
    assert first.returncode == 0, first.stderr
    page = (out / "tiny.html").read_text()

    started = time.perf_counter()
    second = run_report_command(report, "--out", out, "--engine", "embedded")
    assert second.returncode == 0, second.stderr
    assert "tiny: unchanged, reused" in second.stderr
    assert (out / "tiny.html").read_text() == page
    assert time.perf_counter() - started < 30  # no kernel started: the process start alone

    report.write_text(report.read_text() + "\nAn added line.\n")
    third = run_report_command(report, "--out", out, "--engine", "embedded")
    assert third.returncode == 0, third.stderr
    assert "tiny: done" in third.stderr
    assert "An added line." in (out / "tiny.html").read_text()

    fresh = run_report_command(report, "--out", out, "--engine", "embedded", "--no-cache")
    assert "tiny: done" in fresh.stderr


@pytest.fixture
def private_inputs(tmp_path, monkeypatch):
    """statlab's code, R files and data replaced by small copies the test may edit."""
    package, r_files, data = tmp_path / "statlab", tmp_path / "r", tmp_path / "data"
    for folder, name, text in (
        (package, "module.py", "x = 1\n"),
        (r_files, "model.R", "f <- function() 1\n"),
        (data, "table.csv", "a,b\n1,2\n"),
    ):
        folder.mkdir()
        (folder / name).write_text(text)
    monkeypatch.setattr(cache, "PACKAGE", package)
    monkeypatch.setattr(cache, "r_dir", lambda: r_files)
    monkeypatch.setattr(cache, "data_dir", lambda: data)
    cache.inputs_digest.cache_clear()
    yield {"code": package / "module.py", "r": r_files / "model.R", "data": data / "table.csv"}
    cache.inputs_digest.cache_clear()


@pytest.mark.parametrize("changed", ["code", "r", "data"])
def test_the_key_changes_with_code_r_files_and_data(private_inputs, tiny, changed):
    document = read_qmd(tiny)
    before = cache.page_key(document, "embedded", "python", "html")
    assert cache.page_key(document, "embedded", "python", "html") == before
    private_inputs[changed].write_text(private_inputs[changed].read_text() + "# edited\n")
    cache.inputs_digest.cache_clear()
    assert cache.page_key(document, "embedded", "python", "html") != before


def test_the_key_changes_with_the_qmd_engine_format_and_backend(tiny):
    report = tiny
    key = cache.page_key(read_qmd(report), "embedded", "python", "html")
    others = {
        cache.page_key(read_qmd(report), "embedded", "r", "html"),
        cache.page_key(read_qmd(report), "embedded", "auto", "html"),
        cache.page_key(read_qmd(report), "embedded", "python", "pdf"),
    }
    if shutil.which("quarto"):
        others.add(cache.page_key(read_qmd(report), "quarto", "python", "html"))
    (tiny.parent / "style.css").write_text("p { color: black; }\n")
    others.add(cache.page_key(read_qmd(report), "embedded", "python", "html"))
    report.write_text(report.read_text() + "\n")
    others.add(cache.page_key(read_qmd(report), "embedded", "python", "html"))
    assert key not in others and len(others) == 5 + bool(shutil.which("quarto"))


def test_a_failed_render_is_not_cached(tmp_path):
    out = tmp_path / "out"
    failing = run_report_command(FIXTURES / "failing.qmd", "--out", out, "--engine", "embedded")
    assert failing.returncode == 1
    assert not (out / cache.CACHE_FOLDER / "failing.html").exists()


def test_reused_pages_need_their_key(tmp_path: Path, tiny):
    document = read_qmd(tiny)
    destination = tmp_path / "out" / "tiny.html"
    destination.parent.mkdir()
    assert cache.reuse_page(document, destination, "key-1") is False
    destination.write_text("fresh")
    cache.keep_page(document, destination, "key-1")

    destination.write_text("edited by hand")
    assert cache.reuse_page(document, destination, "key-1") is True
    assert destination.read_text() == "fresh"
    destination.write_text("edited again")
    assert cache.reuse_page(document, destination, "key-2") is False
    assert destination.read_text() == "edited again"
