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
