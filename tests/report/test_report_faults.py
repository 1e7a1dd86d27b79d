"""Faults: a chunk failing under Quarto, leftovers of killed runs, two runs into one folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from report_testing import FIXTURES, require_quarto, run_report_command, written_files

OLD_PAGE = "<html>the page from the last good render</html>"


def with_tmpdir(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "TMPDIR": str(folder)}


def test_chunk_failing_under_quarto_names_report_and_chunk_and_keeps_the_old_page(
    tmp_path: Path,
) -> None:
    require_quarto()
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    (out / "failing.html").write_text(OLD_PAGE, encoding="utf-8")

    result = run_report_command(
        FIXTURES / "failing.qmd",
        "--out",
        out,
        "--engine",
        "quarto",
        "--backend",
        "python",
        env=with_tmpdir(scratch),
    )

    assert result.returncode == 1
    failed_line = next(line for line in result.stderr.splitlines() if ": failed: " in line)
    assert "report 'failing'" in failed_line
    assert "failed under Quarto in 'divide' (chunk 2, line 11)" in failed_line
    assert "ZeroDivisionError: division by zero" in failed_line
    assert (out / "failing.html").read_text(encoding="utf-8") == OLD_PAGE
    assert sorted(p.name for p in out.iterdir()) == ["failing.html", "index.html"]
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in FIXTURES.iterdir()) == [
        "bad_header.qmd",
        "bad_option.qmd",
        "failing.qmd",
        "showcase.qmd",
    ]


def test_a_failing_report_does_not_stop_the_others_in_its_quarto_process(tmp_path: Path) -> None:
    """One Quarto process renders all three (one job); Quarto stops a project at a failing page,
    so the page after it must still be rendered."""
    require_quarto()
    source, out = tmp_path / "source", tmp_path / "out"
    source.mkdir()
    for name in ("before", "after"):
        (source / f"{name}.qmd").write_text(f"Page {name}: `{{python}} 6 * 7`.\n")

    result = run_report_command(
        source / "before.qmd",
        FIXTURES / "failing.qmd",
        source / "after.qmd",
        "--out",
        out,
        "--engine",
        "quarto",
        "--backend",
        "python",
        "--n-jobs",
        "1",
    )

    assert result.returncode == 1
    lines = [
        line for line in result.stderr.splitlines() if ": done in " in line or ": failed" in line
    ]
    assert [line.split(":")[0] for line in lines] == [
        "[1/3] before",
        "[2/3] failing",
        "[3/3] after",
    ]
    assert "failed under Quarto in 'divide' (chunk 2, line 11)" in lines[1]
    assert written_files(out) == ["after.html", "before.html", "index.html"]
    assert "Page after: 42." in (out / "after.html").read_text(encoding="utf-8")


def test_inline_expression_failing_under_quarto_names_the_chunk_before_it(tmp_path: Path) -> None:
    require_quarto()
    report = tmp_path / "inline.qmd"
    report.write_text(
        "```{python}\n#| label: first\nd = {}\n```\n\nValue: `{python} d['sigma']`.\n"
    )

    result = run_report_command(report, "--out", tmp_path / "out", "--engine", "quarto")

    assert result.returncode == 1
    assert f"report 'inline' ({report}) failed under Quarto in an inline" in result.stderr
    assert (
        "in an inline `{python}` expression after 'first' (chunk 1, line 1): KeyError: 'sigma'"
        in result.stderr
    )
    assert not (tmp_path / "out" / "inline.html").exists()


def dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_leftovers_of_dead_runs_are_removed_and_those_of_live_runs_kept(tmp_path: Path) -> None:
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    scratch.mkdir()
    dead, alive = dead_pid(), os.getpid()
    (out / f".tiny-{dead}-a1b2.html.part").write_text("half a page")
    (out / f".tiny-{alive}-c3d4.html.part").write_text("a page being written")
    (scratch / f"statlab-quarto-{dead}-e5f6").mkdir()
    (scratch / f"statlab-quarto-{dead}-e5f6" / "tiny.qmd").write_text("copy")
    (scratch / f"statlab-report-{alive}-g7h8").mkdir()
    report = tmp_path / "tiny.qmd"
    report.write_text("---\ntitle: Tiny\n---\n\nTwo: `{python} 1 + 1`.\n")

    result = run_report_command(
        report, "--out", out, "--engine", "embedded", env=with_tmpdir(scratch)
    )

    assert result.returncode == 0, result.stderr
    assert written_files(out) == [
        f".tiny-{alive}-c3d4.html.part",
        "index.html",
        "tiny.html",
    ]
    assert [p.name for p in scratch.iterdir()] == [f"statlab-report-{alive}-g7h8"]


def test_a_killed_render_is_cleaned_up_by_the_next_run(tmp_path: Path) -> None:
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    slow = tmp_path / "slow.qmd"
    slow.write_text("```{python}\nimport time\ntime.sleep(120)\n```\n")
    command = [sys.executable, "-m", "statlab.report", str(slow), "--out", str(out)]
    command += ["--engine", "embedded", "--backend", "python"]
    render = subprocess.Popen(
        command,
        env=with_tmpdir(scratch),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(scratch.glob("statlab-report-*")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(scratch.glob("statlab-report-*")), "the render never started"
        time.sleep(2)
    finally:
        os.killpg(render.pid, signal.SIGKILL)  # the render and the kernel it started
        render.wait()
    assert list(scratch.glob(f"statlab-report-{render.pid}-*"))  # left behind by the kill

    report = tmp_path / "tiny.qmd"
    report.write_text("Two: `{python} 1 + 1`.\n")
    result = run_report_command(
        report, "--out", out, "--engine", "embedded", env=with_tmpdir(scratch)
    )

    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []
    assert written_files(out) == ["index.html", "tiny.html"]


def test_two_runs_into_one_folder_at_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    reports = []
    for name in ("first", "second"):
        report = tmp_path / f"{name}.qmd"
        report.write_text(f"---\ntitle: {name}\n---\n\nThe {name}: `{{python}} 6 * 7`.\n")
        reports.append(report)
    command_start = [sys.executable, "-m", "statlab.report", "--backend", "python"]
    runs = [
        subprocess.Popen(
            [*command_start, str(report), "--out", str(out), "--engine", "embedded"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for report in [*reports, reports[0]]
    ]
    for run in runs:
        _stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr

    assert written_files(out) == ["first.html", "index.html", "second.html"]
    for name in ("first", "second"):
        assert f"The {name}: 42." in (out / f"{name}.html").read_text(encoding="utf-8")
