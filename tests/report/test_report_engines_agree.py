"""Every shipped report reads the same whichever engine rendered it: its title block, sections,
figures (count, numbers, captions), table cells and the numbers in its prose and outputs.

The reports are found in ``reports/`` when the tests are collected, so a new report is compared
too. Each engine renders all reports once per test session (``shipped_pages``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from report_testing import outside_urls, page_content

from statlab.report import available_reports, read_qmd, report_path

pytestmark = pytest.mark.slow


def plain_quotes(text: str) -> str:
    """Text with the typographic quotes and ellipses both engines' Markdown makes turned back into
    plain ones."""
    return text.translate(str.maketrans("‘’“”", "''\"\"")).replace("…", "...")


@pytest.mark.parametrize("name", available_reports())
def test_engines_agree(name: str, shipped_pages: Callable[[str], Path]) -> None:
    quarto_page = (shipped_pages("quarto") / f"{name}.html").read_text(encoding="utf-8")
    embedded_page = (shipped_pages("embedded") / f"{name}.html").read_text(encoding="utf-8")
    by_quarto, embedded = page_content(quarto_page), page_content(embedded_page)

    header = read_qmd(report_path(name)).header
    assert by_quarto.title == embedded.title
    assert plain_quotes(embedded.title) == header["title"]
    assert by_quarto.description == embedded.description
    assert plain_quotes(embedded.description) == header.get("description", "")
    assert embedded.headings == by_quarto.headings
    assert embedded.captions == by_quarto.captions
    assert embedded.tables == by_quarto.tables
    assert embedded.numbers == by_quarto.numbers
    assert "{python}" not in by_quarto.text + embedded.text
    # an inline NumPy scalar shows as its repr under both engines: reports format their numbers
    assert not re.search(r"\bnp\.\w+\(", by_quarto.text), "unformatted NumPy scalar inline"


@pytest.mark.parametrize("name", available_reports())
def test_figures_are_numbered_as_quarto_numbers_them(
    name: str, shipped_pages: Callable[[str], Path]
) -> None:
    document = read_qmd(report_path(name))
    labelled = [
        chunk.options["fig-cap"]
        for chunk in document.chunks
        if str(chunk.options.get("label", "")).startswith("fig-") and "fig-cap" in chunk.options
    ]
    expected = [f"Figure {number}: {caption}" for number, caption in enumerate(labelled, 1)]
    for engine in ("embedded", "quarto"):
        page = (shipped_pages(engine) / f"{name}.html").read_text(encoding="utf-8")
        captions = [plain_quotes(c) for c in page_content(page).captions if c.startswith("Figure")]
        assert captions == [" ".join(c.split()) for c in expected], engine
        assert outside_urls(page) == [], engine
