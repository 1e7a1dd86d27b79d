"""Rendered pages in a real browser (headless Chromium, network off): images, math, no errors."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from chromium_page import DevToolsSession, PageFacts, chromium_path

from statlab.report import available_reports

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[DevToolsSession]:
    missing = []
    if chromium_path() is None:
        missing.append("chromium is not installed (apt-get install chromium)")
    if importlib.util.find_spec("websocket") is None:
        missing.append("websocket-client is not installed (pip install 'statlab[dev]')")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser tests, but " + "; ".join(missing))
        pytest.skip("; ".join(missing))
    session = DevToolsSession(chromium_path())
    yield session
    session.close()


def assert_page_sound(facts: PageFacts, min_images: int, min_math: int) -> None:
    assert facts.errors == []
    assert len(facts.images) >= min_images
    for image in facts.images:
        assert image["complete"] and image["naturalWidth"] > 0, image
        assert image["src"].startswith("data:image/png;base64,")
    assert len(facts.math_boxes) >= min_math
    for box in facts.math_boxes:
        assert box["width"] > 0 and box["height"] > 0, box


def test_showcase_page_loads_offline(browser: DevToolsSession, showcase_html: Path) -> None:
    facts = browser.open(showcase_html)
    assert facts.title == "Showcase of the embedded engine"
    assert_page_sound(facts, min_images=1, min_math=2)


def test_index_page_loads_offline(browser: DevToolsSession, showcase_html: Path) -> None:
    facts = browser.open(showcase_html.parent / "index.html")
    assert facts.title == "statlab reports"
    assert facts.errors == []


def test_a_page_referring_to_the_network_is_caught(
    browser: DevToolsSession, tmp_path: Path
) -> None:
    page = tmp_path / "remote.html"
    page.write_text('<html><body><img src="https://example.org/figure.png"></body></html>')
    facts = browser.open(page)
    assert facts.errors
    assert facts.images[0]["naturalWidth"] == 0


def test_quarto_showcase_loads_offline(
    browser: DevToolsSession, quarto_showcase: tuple[Path, Path, str]
) -> None:
    facts = browser.open(quarto_showcase[0])
    assert facts.title == "Showcase of the embedded engine"
    assert_page_sound(facts, min_images=2, min_math=2)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "quarto"])
def test_every_shipped_report_loads_offline(
    browser: DevToolsSession, shipped_pages: Callable[[str], Path], engine: str
) -> None:
    names = available_reports()
    if not names:
        pytest.skip("no reports in reports/ yet")
    folder = shipped_pages(engine)
    for name in names:
        facts = browser.open(folder / f"{name}.html")
        assert_page_sound(facts, min_images=1, min_math=0)
    index = browser.open(folder / "index.html")
    assert index.errors == []
    links = (folder / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.html"' in links


# every table wider than the text column, and whether it sits in a box that scrolls sideways
WIDE_TABLES = """(() => {
  const column = (document.querySelector("main") || document.body).getBoundingClientRect();
  const scrolls = element => {
    for (let e = element; e && e !== document.body; e = e.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  return {
    pageOverflows: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    tables: Array.from(document.querySelectorAll("table"))
      .filter(table => table.scrollWidth > column.width)
      .map(table => ({width: table.scrollWidth, scrolls: scrolls(table)})),
  };
})()"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "quarto"])
def test_wide_tables_scroll_inside_the_column(
    browser: DevToolsSession, shipped_pages: Callable[[str], Path], engine: str
) -> None:
    folder = shipped_pages(engine)
    browser.set_width(700)
    try:
        wide = 0
        for name in available_reports():
            browser.open(folder / f"{name}.html")
            layout = browser.evaluate(WIDE_TABLES)
            assert not layout["pageOverflows"], name
            assert all(table["scrolls"] for table in layout["tables"]), (name, layout)
            wide += len(layout["tables"])
        assert wide > 0  # at 700 px some table is wider than the column (prostate's summary)
    finally:
        browser.set_width(1200)


# What a reader would miss on the page as laid out at the current window width: content cut off
# or running past its box, images wider than the text column, warnings printed into the page, NaN
# in tables, figures without alt text, and a missing table of contents or unfolded code.
LAYOUT_PROBLEMS = """(() => {
  const root = document.querySelector("main") || document.body;
  const box = root.getBoundingClientRect(), style = getComputedStyle(root);
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.classList.length ? "." + Array.from(e.classList).join(".") : "");
  // a table wider than the column scrolls sideways in a box of its own (it cannot shrink without
  // wrapping its numbers): an element is excused when a table is what makes its content wide and
  // it sits in a box that scrolls; any other element whose content is wider than its box cuts or
  // spills that content
  const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const scrollingTable = e => {
    const table = e.tagName === "TABLE" ? e : e.querySelector("table");
    if (!table) return false;
    const own = getComputedStyle(e), padding = parseFloat(own.paddingLeft) + parseFloat(own.paddingRight);
    if (e !== table && table.offsetWidth + padding + 1 < e.scrollWidth) return false;
    for (let a = e; a && a !== root; a = a.parentElement) if (scrolls(a)) return true;
    return false;
  };
  const problems = [];
  for (const e of root.querySelectorAll("*")) {
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && !scrollingTable(e)) {
      problems.push(`${name(e)} holds ${e.scrollWidth} px of content in ${e.clientWidth} px`);
    }
  }
  for (const img of root.querySelectorAll("img")) {
    const shown = img.getBoundingClientRect();
    if (shown.left < left - 1 || shown.right > right + 1) {
      problems.push(`an image spans ${shown.left}-${shown.right} px, the column ${left}-${right}`);
    }
    if (!(img.getAttribute("alt") || "").trim()) problems.push("an image has no alt text");
  }
  for (const output of root.querySelectorAll(".cell-output")) {
    if (/Warning:/.test(output.textContent)) {
      problems.push(`a warning in an output: ${output.textContent.trim().slice(0, 120)}`);
    }
  }
  for (const cell of root.querySelectorAll("td, th")) {
    if (/\\bnan\\b/i.test(cell.textContent)) problems.push(`a table cell reads ${cell.textContent}`);
  }
  if (!document.querySelector("nav#TOC a")) problems.push("no table of contents");
  for (const code of root.querySelectorAll(".cell pre.sourceCode")) {
    if (!code.closest("details")) problems.push(`code not folded: ${code.textContent.slice(0, 60)}`);
  }
  return problems;
})()"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "quarto"])
def test_every_shipped_report_fits_its_column(
    browser: DevToolsSession, shipped_pages: Callable[[str], Path], engine: str
) -> None:
    folder = shipped_pages(engine)
    problems = []
    try:
        for width in (1280, 800):
            browser.set_width(width)
            for name in available_reports():
                browser.open(folder / f"{name}.html")
                problems += [
                    f"{name} at {width} px: {p}" for p in browser.evaluate(LAYOUT_PROBLEMS)
                ]
    finally:
        browser.set_width(1200)
    assert not problems, "\n".join(problems)
