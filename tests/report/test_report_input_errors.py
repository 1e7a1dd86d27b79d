"""Bad input gives a clear error naming the argument or the file and line, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_testing import FIXTURES

from statlab.report import ReportError, available_reports, cli_main, read_qmd


def write_qmd(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.qmd"
    path.write_text(text, encoding="utf-8")
    return path


def test_chunk_options_and_header_are_read(tmp_path: Path) -> None:
    report = read_qmd(FIXTURES / "showcase.qmd")
    assert report.title == "Showcase of the embedded engine"
    first, figure = report.chunks[0], report.chunks[1]
    assert (first.number, first.line, first.options["label"], first.options["echo"]) == (
        1,
        11,
        "setup",
        False,
    )
    assert figure.options["fig-cap"] == "The four points and their least-squares line."
    assert not figure.code.startswith("#|")


def test_header_execute_options_are_document_defaults(tmp_path: Path) -> None:
    path = write_qmd(
        tmp_path,
        "defaults",
        "---\ntitle: T\nexecute:\n  echo: false\n---\n\n```{python}\n1\n```\n\n"
        "```{python}\n#| echo: true\n2\n```\n",
    )
    echoes = [chunk.options["echo"] for chunk in read_qmd(path).chunks]
    assert echoes == [False, True]


def test_header_html_options_reach_the_embedded_engine(tmp_path: Path) -> None:
    path = write_qmd(
        tmp_path,
        "html",
        "---\ntitle: T\nformat:\n  html:\n    toc: true\n    code-fold: true\n"
        "    css: style.css\n---\n\n```{python}\n1\n```\n\n"
        "```{python}\n#| code-fold: false\n2\n```\n",
    )
    report = read_qmd(path)
    assert [chunk.options["code-fold"] for chunk in report.chunks] == [True, False]
    assert (report.toc, report.toc_title) == (True, "Table of contents")
    assert report.stylesheets == [tmp_path / "style.css"]
    assert not read_qmd(FIXTURES / "showcase.qmd").toc


def test_bad_header_code_fold_is_reported(tmp_path: Path) -> None:
    path = write_qmd(tmp_path, "fold", "---\ntitle: T\ncode-fold: sometimes\n---\n\nText.\n")
    with pytest.raises(ReportError, match=r"header 'format: html'.*'code-fold' must be"):
        read_qmd(path)


def test_malformed_yaml_header_is_reported() -> None:
    with pytest.raises(ReportError, match=r"bad_header\.qmd: malformed YAML header"):
        read_qmd(FIXTURES / "bad_header.qmd")


def test_wrong_option_value_names_file_chunk_and_line() -> None:
    with pytest.raises(ReportError) as raised:
        read_qmd(FIXTURES / "bad_option.qmd")
    assert "bad_option.qmd: chunk 1 (line 5)" in str(raised.value)
    assert "'echo' must be true, false or fenced, got 'maybe'" in str(raised.value)


@pytest.mark.parametrize(
    ("option_lines", "expected"),
    [
        ("#| echo false", "'#|' chunk options must be 'key: value' lines"),
        ("#| fig-cap: [unclosed", "malformed '#|' chunk options"),
        ("#| ehco: false", "unknown chunk option 'ehco'; the embedded engine honours label, echo"),
        ("#| output: sometimes", "'output' must be true, false or asis"),
    ],
)
def test_malformed_chunk_options(tmp_path: Path, option_lines: str, expected: str) -> None:
    path = write_qmd(
        tmp_path, "bad", f"---\ntitle: T\n---\n\n```{{python}}\n{option_lines}\n1\n```\n"
    )
    with pytest.raises(ReportError, match="chunk 1 \\(line 5\\)") as raised:
        read_qmd(path)
    assert expected in str(raised.value)


def test_duplicate_labels_and_r_chunks_are_refused(tmp_path: Path) -> None:
    twice = "```{python}\n#| label: same\n1\n```\n\n```{python}\n#| label: same\n2\n```\n"
    with pytest.raises(ReportError, match="label 'same' is already used by chunk 1"):
        read_qmd(write_qmd(tmp_path, "twice", twice))
    with pytest.raises(ReportError, match=r"chunk 1 \(line 1\) is a \{r\} chunk"):
        read_qmd(write_qmd(tmp_path, "r_chunk", "```{r}\n1 + 1\n```\n"))


def test_unknown_report_lists_the_available_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["no_such_report", "--out", "unused"]) == 2
    error = capsys.readouterr().err
    assert "unknown report 'no_such_report'; available: " in error
    for name in available_reports():
        assert name in error
    assert not Path("unused").exists()


def test_unknown_engine_names_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--engine", "pdflatex"]) == 2
    assert "argument --engine: invalid choice: 'pdflatex'" in capsys.readouterr().err


def test_unwritable_output_folder_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "below"):
        assert cli_main([str(FIXTURES / "failing.qmd"), "--out", str(out)]) == 2
        assert f"--out {out}:" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder"


def test_one_malformed_report_stops_all_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pages"
    reports = [str(FIXTURES / "failing.qmd"), str(FIXTURES / "bad_option.qmd")]
    assert cli_main([*reports, "--out", str(out), "--backend", "python"]) == 2
    assert "bad_option.qmd: chunk 1 (line 5)" in capsys.readouterr().err
    assert not out.exists()


def test_names_and_all_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["ozone_lasso", "--all"]) == 2
    assert "give report names or --all, not both" in capsys.readouterr().err


def test_shipped_reports_parse() -> None:
    for name in available_reports():
        assert read_qmd(Path(f"reports/{name}.qmd")).chunks, name


def test_jobs_must_be_a_positive_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--n-jobs", "0"]) == 2
    assert "argument --n-jobs/--jobs: must be a whole number of at least 1, got '0'" in (
        capsys.readouterr().err
    )


def test_r_backend_without_r_says_why_and_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from statlab import _rbridge

    monkeypatch.setattr(
        _rbridge, "status", lambda: _rbridge.RStatus(False, "rpy2 is not installed")
    )
    code = cli_main([str(FIXTURES / "failing.qmd"), "--backend", "r", "--out", str(tmp_path)])
    assert code == 2
    error = capsys.readouterr().err
    assert "--backend r: " in error
    assert "rpy2 is not installed" in error
    assert "r-cran-glmnet" in error
    assert list(tmp_path.iterdir()) == []


def test_statlab_command_dispatches_to_the_report_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from statlab.cli import main

    assert main(["report", "--list"]) == 0
    assert capsys.readouterr().out.split() == available_reports()
