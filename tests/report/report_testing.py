"""Shared by the report tests: the fixture folder, ``statlab report`` run in a new process, and
what a page would fetch from the network."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from statlab.report import quarto

FIXTURES = Path(__file__).parent / "fixtures"

# attributes and CSS the browser follows to load something: src=, <link href=>, url(), @import
_FETCHED = re.compile(
    r"""\bsrc\s*=\s*["']?(?P<src>[^"'\s>]+)"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?P<link>[^"'\s>]+)"""
    r"""|url\(\s*["']?(?P<url>[^"')\s]+)"""
    r"""|@import\s+["'](?P<import>[^"']+)""",
    re.I,
)


def run_report_command(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m statlab.report ARGS`` (``statlab report ARGS``) in a fresh process."""
    command = [sys.executable, "-m", "statlab.report", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)


def outside_urls(page: str) -> list[str]:
    """The http(s) or protocol-relative addresses the page would make the browser load.

    >>> outside_urls('<img src="https://x.org/a.png"><a href="https://x.org">link</a>')
    ['https://x.org/a.png']
    """
    found = (next(v for v in match.groups() if v) for match in _FETCHED.finditer(page))
    return [url for url in found if re.match(r"(https?:)?//", url, re.I)]


def path_without_quarto() -> str:
    """PATH with every folder holding a ``quarto`` command left out."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if not (Path(f) / "quarto").exists())


def fake_quarto(folder: Path, script: str) -> dict[str, str]:
    """An environment whose only ``quarto`` is a shell script with body ``script``."""
    folder.mkdir(parents=True, exist_ok=True)
    executable = folder / "quarto"
    executable.write_text(f"#!/bin/sh\n{script}\n")
    executable.chmod(0o755)
    return {**os.environ, "PATH": os.pathsep.join([str(folder), path_without_quarto()])}


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (no scripts or styles), whitespace collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return _words(soup.get_text(" "))


_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_NOT_COMPARED = [
    "script",
    "style",
    "button",
    "nav",
    "summary",
    ".sourceCode",
    ".cell-code",
    ".cell-output-stderr",
    ".cell-stderr",
    ".cell-output-error",
    ".cell-error",
]


@dataclass(frozen=True)
class PageContent:
    """What a reader takes from a report page, whichever engine wrote it."""

    title: str
    description: str
    headings: list[str]
    captions: list[str]
    tables: list[list[str]]
    numbers: list[str]
    text: str


def page_content(html: str) -> PageContent:
    """Title block, headings, figure and table captions, table cells, and the numbers of the
    prose and printed outputs (code and warnings left out) of a report page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("main") or soup.body
    for selector in _NOT_COMPARED:
        for tag in root.select(selector):
            tag.decompose()
    header = root.find(id="title-block-header")
    title = header.find(class_="title") if header else None
    description = header.find(class_="description") if header else None
    content = PageContent(
        title=_words(title.get_text(" ")) if title else "",
        description=_words(description.get_text(" ")) if description else "",
        headings=[
            f"{h.name}: {_words(h.get_text(' '))}"
            for h in root.find_all(["h2", "h3", "h4", "h5", "h6"])
        ],
        captions=[_words(caption.get_text(" ")) for caption in root.find_all("figcaption")],
        tables=[
            [_words(cell.get_text(" ")) for cell in table.find_all(["th", "td"])]
            for table in root.find_all("table")
        ],
        numbers=[],
        text="",
    )
    for tag in root.find_all(["table", "figcaption"]):
        tag.decompose()
    if header:
        header.decompose()
    text = _words(root.get_text(" "))
    return replace(content, numbers=_NUMBER.findall(text), text=text)


def _words(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def written_files(folder: Path) -> list[str]:
    """The names in an output folder, less the cache of unchanged pages ``statlab report`` keeps."""
    from statlab.report.cache import CACHE_FOLDER

    return sorted(p.name for p in folder.iterdir() if p.name != CACHE_FOLDER)


def require_quarto() -> None:
    """Skip (saying why) where Quarto cannot render; under CI, which installs Quarto, fail."""
    probe = quarto.status()
    if probe.usable:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the Quarto tests, but {probe.reason}")
    pytest.skip(f"{probe.reason}; the quarto engine is tested only where Quarto >= 1.4 exists")
