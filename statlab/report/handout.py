"""The handout: every report's PDF joined into one file behind a contents page.

A course hand-in asks for one PDF. :func:`write_handout` puts a contents page first (each report's
title and the page it starts on, each line a link to that page), then the reports' own PDFs, with
a bookmark per report holding that report's own bookmarks, and stamps the handout's page number
in the top corner of every page (the reports number their pages from 1 each).

pypdf joins the files, copies the bookmarks and places the links and stamps. The contents page and
the stamps are typst, compiled by Quarto's own typst (``quarto typst compile``), so their type
matches the reports'. Laying the contents out at fixed heights is what lets a link's rectangle be
computed here; typst cannot link into pages that are not yet part of its document.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from statlab.report.errors import ReportError

HANDOUT_NAME = "statlab-handout.pdf"
"""The handout's file name in the output folder."""

_POINTS_PER_INCH = 72
_PAGE_WIDTH, _PAGE_HEIGHT = (
    8.5 * _POINTS_PER_INCH,
    11 * _POINTS_PER_INCH,
)  # US letter, as the reports
_MARGIN = 72.0
_TITLE_BLOCK = 80.0  # the contents page's title and lead paragraph, above the first entry
_ROW_HEIGHT = 34.0  # two lines of a long title
_ROWS_PER_PAGE = 16


@dataclass(frozen=True)
class HandoutPart:
    """One report in the handout: its title and its rendered PDF."""

    title: str
    pdf: Path


def write_handout(parts: Sequence[HandoutPart], destination: Path, heading: str) -> Path:
    """Join ``parts`` into one PDF at ``destination`` behind a contents page titled ``heading``.

    Needs Quarto (its typst compiles the contents page and the page stamps).

    >>> import tempfile
    >>> from pypdf import PdfReader
    >>> from statlab.report import quarto
    >>> folder = Path(tempfile.mkdtemp())
    >>> if quarto.status().usable:  # a one-page report: the handout adds its contents page
    ...     report = _compile_typst("= A demo report", folder / "demo")
    ...     handout = write_handout([HandoutPart("A demo", report)], folder / "all.pdf", "Reports")
    ...     print(len(PdfReader(handout).pages), PdfReader(handout).outline[0].title)
    ... else:
    ...     print(2, "A demo")
    2 A demo
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    if not parts:
        raise ReportError("the handout needs at least one report PDF")
    readers = [PdfReader(part.pdf) for part in parts]
    contents_pages = math.ceil(len(parts) / _ROWS_PER_PAGE)
    first_pages, next_page = [], contents_pages
    for reader in readers:
        first_pages.append(next_page)
        next_page += len(reader.pages)

    with tempfile.TemporaryDirectory(prefix="statlab-handout-") as scratch:
        contents = _compile_typst(
            _contents_source(parts, first_pages, heading), Path(scratch) / "contents"
        )
        writer = PdfWriter()
        writer.append(contents)
        for part, reader in zip(parts, readers, strict=True):
            writer.append(reader, outline_item=part.title)
        for index, first_page in enumerate(first_pages):
            writer.add_annotation(
                page_number=index // _ROWS_PER_PAGE,
                annotation=Link(rect=_row_rectangle(index), target_page_index=first_page),
            )
        sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in writer.pages]
        stamps = PdfReader(_compile_typst(_stamps_source(sizes), Path(scratch) / "stamps"))
        for page, stamp in zip(writer.pages, stamps.pages, strict=True):
            page.merge_page(stamp)
        writer.page_mode = "/UseOutlines"
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.partial")
        with partial.open("wb") as stream:
            writer.write(stream)
        partial.replace(destination)
    return destination


def _row_rectangle(index: int) -> tuple[float, float, float, float]:
    """The link rectangle of contents entry ``index`` in PDF points (origin bottom left)."""
    row = index % _ROWS_PER_PAGE
    top = _PAGE_HEIGHT - _MARGIN - _TITLE_BLOCK - row * _ROW_HEIGHT
    return (_MARGIN, top - _ROW_HEIGHT, _PAGE_WIDTH - _MARGIN, top)


def _typst_string(text: str) -> str:
    """``text`` as a typst string literal, shown verbatim (no markup)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _contents_source(parts: Sequence[HandoutPart], first_pages: Sequence[int], heading: str) -> str:
    """The typst source of the contents page(s): every entry at a fixed height, so that
    :func:`_row_rectangle` knows where its link goes."""
    lines = [
        f"#set page(width: {_PAGE_WIDTH}pt, height: {_PAGE_HEIGHT}pt, margin: {_MARGIN}pt)",
        "#set text(size: 11pt)",
    ]
    for index, (part, first_page) in enumerate(zip(parts, first_pages, strict=True)):
        row = index % _ROWS_PER_PAGE
        if row == 0:
            if index:
                lines.append("#pagebreak()")
            lines += [
                f'#place(top + left)[#text(size: 20pt, weight: "bold")[#{_typst_string(heading)}]]',
                "#place(top + left, dy: 40pt, block(width: 100%)[#text(size: 10pt)["
                "Every report in one file. Page numbers are this file's; each report also numbers "
                "its own pages from 1, at their foot.]])",
            ]
        lines.append(
            f"#place(top + left, dy: {_TITLE_BLOCK + row * _ROW_HEIGHT}pt, "
            f"box(width: 100%, height: {_ROW_HEIGHT}pt, clip: true, inset: (y: 4pt), "
            "grid(columns: (1.8em, 1fr, auto), column-gutter: 8pt, "
            f"[{index + 1}.], [#{_typst_string(part.title)}], [page {first_page + 1}])))"
        )
    return "\n".join(lines) + "\n"


def _stamps_source(sizes: Sequence[tuple[float, float]]) -> str:
    """The typst source of one transparent page per handout page, carrying its number."""
    pages = [
        f"#page(width: {width}pt, height: {height}pt, margin: 0pt)["
        f"#place(top + right, dx: -36pt, dy: 22pt)[#text(size: 8pt, fill: gray)["
        f"handout page {number} of {len(sizes)}]]]"
        for number, (width, height) in enumerate(sizes, start=1)
    ]
    return "\n".join(pages) + "\n"


def _compile_typst(source: str, stem: Path) -> Path:
    """Compile typst ``source`` with Quarto's typst to ``stem.pdf``."""
    from statlab.report import quarto

    quarto.require("the PDF handout")
    typ, pdf = stem.with_suffix(".typ"), stem.with_suffix(".pdf")
    typ.write_text(source, encoding="utf-8")
    command = ["quarto", "typst", "compile", str(typ), str(pdf)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not pdf.is_file():
        raise ReportError(f"typst could not build the handout's pages: {result.stderr.strip()}")
    return pdf
