"""PDF reports (Quarto through typst): each opens, and holds the figures and captions of its page."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from report_testing import FIXTURES, page_content, run_report_command

from statlab._paths import reports_dir
from statlab.report import available_reports
from statlab.report.document import read_qmd

pytestmark = pytest.mark.slow


def tool_output(*command: str | Path) -> str:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def first_page_gray(pdf: Path) -> np.ndarray:
    """Page 1 drawn by pdftoppm at 30 dpi, as grey levels (0 black, 255 white)."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    assert match is not None, pgm[:20]
    width, height = int(match[1]), int(match[2])
    return np.frombuffer(pgm[match.end() :], dtype=np.uint8).reshape(height, width)


@pytest.mark.parametrize("name", available_reports())
def test_pdf_opens_and_holds_the_pages_figures(
    name: str, shipped_pdfs: Path, shipped_pages: Callable[[str], Path]
) -> None:
    pdf = shipped_pdfs / f"{name}.pdf"
    html = (shipped_pages("quarto") / f"{name}.html").read_text(encoding="utf-8")

    pages = int(re.search(r"^Pages:\s+(\d+)", tool_output("pdfinfo", pdf), re.M)[1])
    assert pages >= 1
    images = [
        line
        for line in tool_output("pdfimages", "-list", pdf).splitlines()[2:]
        if line.split()[2] == "image"
    ]
    assert len(images) == html.count("<img ") > 0
    # the captions' numbers, in order (their words are not compared: pdftotext splits and joins
    # words at line ends and rewrites math and quotes)
    text = " ".join(tool_output("pdftotext", pdf, "-").split())
    numbers = [caption.split(":")[0] for caption in page_content(html).captions]
    assert re.findall(r"\b((?:Figure|Table) \d+):", text) == numbers
    # the first page is drawn (not blank) and opens with the report's title
    gray = first_page_gray(pdf)
    assert (gray < 128).mean() > 0.001

    def plain(text: str) -> str:
        return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())

    first_page = plain(tool_output("pdftotext", "-f", "1", "-l", "1", pdf, "-"))
    title_start = " ".join(plain(page_content(html).title).split()[:3])
    assert title_start and title_start in first_page


def test_pdf_needs_quarto(tmp_path: Path) -> None:
    result = run_report_command(
        FIXTURES / "showcase.qmd", "--out", tmp_path, "--format", "pdf", "--engine", "embedded"
    )
    assert result.returncode == 2
    assert "--format pdf needs --engine quarto" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_handout_holds_every_report_legibly(shipped_pdfs: Path) -> None:
    from pypdf import PdfReader

    from statlab.report.handout import HANDOUT_NAME

    handout = shipped_pdfs / HANDOUT_NAME
    names = available_reports()
    report_pages = [len(PdfReader(shipped_pdfs / f"{name}.pdf").pages) for name in names]
    reader = PdfReader(handout)
    assert len(reader.pages) == 1 + sum(report_pages)
    # the contents page names every report and the page it starts on
    contents = " ".join(tool_output("pdftotext", "-f", "1", "-l", "1", handout, "-").split())
    first_page = 2
    for name, pages in zip(names, report_pages, strict=True):
        title = " ".join(read_qmd(reports_dir() / f"{name}.qmd").title.split()[:3])
        assert re.search(rf"{re.escape(title)}.*? page {first_page}\b", contents), (name, contents)
        first_page += pages
    # the figures are the reports' own images, at the reports' resolution
    images = [
        line.split()
        for line in tool_output("pdfimages", "-list", handout).splitlines()[2:]
        if line.split()[2] == "image"
    ]
    per_report = [
        len(tool_output("pdfimages", "-list", shipped_pdfs / f"{name}.pdf").splitlines()[2:])
        for name in names
    ]
    assert len(images) > 0
    assert min(float(image[12]) for image in images) >= 150  # x-ppi: legible when printed
    all_rows = len(tool_output("pdfimages", "-list", handout).splitlines()[2:])
    assert all_rows == sum(per_report)
    index = (shipped_pdfs / "index.html").read_text(encoding="utf-8")
    assert f'href="{HANDOUT_NAME}"' in index
