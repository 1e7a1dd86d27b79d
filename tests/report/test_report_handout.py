"""The PDF handout: contents page, page order, links, bookmarks and page stamps."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_testing import require_quarto

from statlab.report.errors import ReportError
from statlab.report.handout import HandoutPart, _compile_typst, write_handout


def pdftotext(pdf: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return " ".join(
        subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[HandoutPart]:
    """Three small 'reports' of 2, 1 and 3 pages, one with a title typst would read as markup."""
    require_quarto()
    folder = tmp_path_factory.mktemp("handout-parts")
    titles = ["First: $x$ & #y", 'Second "quoted" \\ report', "Third " + "long words " * 14]
    parts = []
    for number, (title, pages) in enumerate(zip(titles, [2, 1, 3], strict=True), start=1):
        body = "\n#pagebreak()\n".join(
            f"= Part {number} page {page}" for page in range(1, pages + 1)
        )
        parts.append(HandoutPart(title, _compile_typst(body, folder / f"report{number}")))
    return parts


def test_handout_joins_the_reports_behind_a_contents_page(
    reports: list[HandoutPart], tmp_path: Path
) -> None:
    handout = write_handout(reports, tmp_path / "all.pdf", "Course reports")
    reader = PdfReader(handout)
    assert len(reader.pages) == 1 + 2 + 1 + 3
    contents = pdftotext(handout, 1)
    assert contents.startswith("handout page 1 of 7 Course reports")
    assert "1. First: $x$ & #y page 2" in contents
    assert '2. Second "quoted" \\ report page 4' in contents
    assert "page 5" in contents and "3. Third long words" in contents
    # every report's pages follow in order, each stamped with its page in the handout
    expected = ["1 page 1", "1 page 2", "2 page 1", "3 page 1", "3 page 2", "3 page 3"]
    for number, part_page in enumerate(expected, start=2):
        text = pdftotext(handout, number)
        assert f"handout page {number} of 7" in text
        assert f"Part {part_page}" in text


def test_contents_lines_link_to_and_bookmarks_open_each_report(
    reports: list[HandoutPart], tmp_path: Path
) -> None:
    reader = PdfReader(write_handout(reports, tmp_path / "all.pdf", "Course reports"))
    targets = []
    for annotation in reader.pages[0]["/Annots"]:
        link = annotation.get_object()
        assert link["/Subtype"] == "/Link"
        targets.append((float(link["/Rect"][3]), reader.get_page_number(link["/Dest"][0])))
    # top to bottom, the links go to the pages the contents names
    assert [page for _top, page in sorted(targets, reverse=True)] == [1, 3, 4]
    top_level = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top_level] == [part.title for part in reports]
    assert [reader.get_destination_page_number(item) for item in top_level] == [1, 3, 4]
    assert reader.page_mode == "/UseOutlines"


def test_contents_runs_over_pages_when_the_reports_are_many(
    reports: list[HandoutPart], tmp_path: Path
) -> None:
    many = [reports[1]] * 20  # one page each, 16 entries on a contents page
    reader = PdfReader(write_handout(many, tmp_path / "many.pdf", "Course reports"))
    assert len(reader.pages) == 2 + 20
    assert len(reader.pages[0]["/Annots"]) == 16 and len(reader.pages[1]["/Annots"]) == 4
    assert "17. Second" in pdftotext(tmp_path / "many.pdf", 2)
    assert "page 22" in pdftotext(tmp_path / "many.pdf", 2)


def test_handout_of_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="at least one report"):
        write_handout([], tmp_path / "none.pdf", "Course reports")
    assert not (tmp_path / "none.pdf").exists()
