"""Reading a Quarto ``.qmd`` file into prose and code chunks, with their ``#|`` options checked.

jupytext parses the file (its R Markdown reader understands ```` ```{python} ```` fences and
keeps the ``#|`` lines in the cell source). What is written here is what jupytext leaves to Quarto:
reading the ``#|`` option lines as YAML, checking them against the options the embedded engine
honours, finding each chunk's line number and language, and finding the inline ``{python} expr``
values in the prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from statlab.report.errors import ReportError

#: chunk options the embedded engine honours, with the values each accepts
CHUNK_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "label": (str,),
    "echo": (bool, str),  # True, False or "fenced"
    "eval": (bool,),
    "include": (bool,),
    "output": (bool, str),  # True, False or "asis"
    "warning": (bool,),
    "error": (bool,),
    "fig-cap": (str,),
    "fig-alt": (str,),
    "fig-width": (int, float),
    "fig-height": (int, float),
    "tbl-cap": (str,),
    "code-fold": (bool, str),  # True, False or "show"
    "code-summary": (str,),
}
_ALLOWED_STRINGS = {"echo": ("fenced",), "output": ("asis",), "code-fold": ("show",)}
_EXPECTED_VALUES = {
    "echo": "true, false or fenced",
    "output": "true, false or asis",
    "code-fold": "true, false or show",
    "fig-width": "a number (inches)",
    "fig-height": "a number (inches)",
}
#: the other cell options of Quarto 1.7's schema (src/resources/schema/cell-*.yml): valid in a
#: report, so the embedded engine ignores them with a warning instead of refusing the report
QUARTO_ONLY_OPTIONS = frozenset(
    """animation-hook aniopts attr-error attr-message attr-output attr-source attr-warning
    autodep cache cache-comments cache-globals cache-lazy cache-path cache-rebuild cache-vars
    cap-location child class-error class-message class-output class-source class-warning classes
    code code-line-numbers code-overflow collapse color column comment content context
    dependson expandable export external fig-align fig-asp fig-cap-location fig-column fig-dpi
    fig-env fig-format fig-keep fig-link fig-pos fig-scap fig-show fig-subcap file height
    highlight html-table-processing id interval layout layout-align layout-ncol layout-nrow
    layout-valign lst-cap lst-label message out-extra out-height out-width output-location
    padding panel prompt purl renderings results sanitize tags tbl-cap-location tbl-column
    tbl-colwidths tbl-subcap tidy tidy-opts title width""".split()
)


#: chunk options a report's header may set for every chunk as HTML-format options
HTML_CHUNK_OPTIONS = ("code-fold", "code-summary")
_HTML_OPTIONS = ("toc", "toc-title", "css", *HTML_CHUNK_OPTIONS)

DEFAULT_CHUNK_OPTIONS: dict[str, Any] = {
    "echo": True,
    "eval": True,
    "include": True,
    "output": True,
    "warning": True,
    "error": False,
}

_FENCE = re.compile(r"^(`{3,})\s*\{\s*([A-Za-z0-9_]+)")
_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
INLINE_CODE = re.compile(r"`\{python\}\s+([^`]+?)\s*`")


@dataclass(frozen=True)
class Chunk:
    """One executable ```` ```{python} ```` chunk: its code (without ``#|`` lines) and options."""

    number: int
    line: int
    code: str
    options: dict[str, Any]
    option_lines: tuple[str, ...] = ()

    @property
    def ignored_options(self) -> list[str]:
        """The chunk's Quarto options that the embedded engine does not implement."""
        return [
            line.split(":", 1)[0].strip()
            for line in self.option_lines
            if line.split(":", 1)[0].strip() in QUARTO_ONLY_OPTIONS
        ]

    @property
    def name(self) -> str:
        """How messages name the chunk: its label if it has one, else its number."""
        label = self.options.get("label")
        if label:
            return f"'{label}' (chunk {self.number}, line {self.line})"
        return f"chunk {self.number} (line {self.line})"


@dataclass(frozen=True)
class Prose:
    """A run of Markdown between chunks, and the inline ``{python} expr`` expressions it holds."""

    text: str
    inline_expressions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QmdDocument:
    """A parsed ``.qmd`` file: its YAML header and its prose and chunks, in order.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qmd"
    >>> _ = path.write_text('---\\ntitle: Demo\\n---\\n\\nTwo: `{python} 1 + 1`\\n')
    >>> doc = read_qmd(path)
    >>> doc.title, doc.parts[0].inline_expressions
    ('Demo', ['1 + 1'])
    """

    name: str
    path: Path
    header: dict[str, Any]
    parts: list[Chunk | Prose]

    @property
    def title(self) -> str:
        """The header's ``title``, or the file name when there is none."""
        return str(self.header.get("title") or self.name)

    @property
    def chunks(self) -> list[Chunk]:
        """The code chunks, in order."""
        return [part for part in self.parts if isinstance(part, Chunk)]

    @property
    def toc(self) -> bool:
        """Whether the page shows a table of contents (the header's ``toc``)."""
        return bool(html_format(self.header).get("toc", False))

    @property
    def toc_title(self) -> str:
        """The table of contents' heading (the header's ``toc-title``; Quarto's default)."""
        return str(html_format(self.header).get("toc-title", "Table of contents"))

    @property
    def stylesheets(self) -> list[Path]:
        """The header's ``css`` files, relative to the report's folder."""
        return [self.path.parent / name for name in html_format(self.header).get("css", [])]


def read_qmd(path: Path) -> QmdDocument:
    """Parse and check ``path``; raise :class:`ReportError` naming file and line if malformed.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.qmd"
    >>> _ = path.write_text("```{python}\\n#| echo: maybe\\n1\\n```\\n")
    >>> read_qmd(path)
    Traceback (most recent call last):
    ...
    statlab.report.errors.ReportError: ...bad.qmd: chunk 1 (line 1): chunk option 'echo' must be ...
    """
    import jupytext

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"cannot read report {path}: {error}") from error
    notebook = jupytext.reads(text, fmt="Rmd")
    fences = _chunk_fences(text)
    cells = list(notebook.cells)

    header: dict[str, Any] = {}
    if cells and cells[0].cell_type == "raw" and cells[0].source.startswith("---"):
        header = _parse_header(path, cells.pop(0).source)
    html_options = html_format(header)
    chunk_defaults = {key: html_options[key] for key in HTML_CHUNK_OPTIONS if key in html_options}
    defaults = {
        **DEFAULT_CHUNK_OPTIONS,
        **_check_options(f"{path}: header 'format: html'", chunk_defaults),
        **_execute_defaults(path, header),
    }

    parts: list[Chunk | Prose] = []
    code_cells = [cell for cell in cells if cell.cell_type == "code"]
    if len(code_cells) != len(fences):
        raise ReportError(
            f"{path}: found {len(fences)} chunk fences but jupytext read {len(code_cells)} chunks; "
            "check that every ```{python} chunk is closed with ```"
        )
    labels: dict[str, int] = {}
    for cell in cells:
        if cell.cell_type != "code":
            parts.append(Prose(cell.source, INLINE_CODE.findall(cell.source)))
            continue
        number = sum(isinstance(part, Chunk) for part in parts) + 1
        line, language = fences[number - 1]
        if language != "python":
            raise ReportError(
                f"{path}: chunk {number} (line {line}) is a {{{language}}} chunk; "
                "reports run python chunks only (call R through statlab's backend='r')"
            )
        options, code = _split_options(cell.source)
        where = f"{path}: chunk {number} (line {line})"
        chunk_options = {**defaults, **_check_options(where, _parse_options(where, options))}
        label = chunk_options.get("label")
        if label is not None:
            if label in labels:
                raise ReportError(
                    f"{where}: label '{label}' is already used by chunk {labels[label]}"
                )
            labels[label] = number
        parts.append(Chunk(number, line, code, chunk_options, tuple(options)))
    return QmdDocument(path.stem, path, header, parts)


def _chunk_fences(text: str) -> list[tuple[int, str]]:
    """Line number and language of every executable chunk fence (```` ```{lang} ````)."""
    fences = []
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        match = _FENCE.match(line)
        if match:
            fences.append((number, match.group(2)))
            closing = match.group(1)
    return fences


def _parse_header(path: Path, raw: str) -> dict[str, Any]:
    body = raw.strip().removeprefix("---").removesuffix("---")
    try:
        header = yaml.safe_load(body)
    except yaml.YAMLError as error:
        raise ReportError(f"{path}: malformed YAML header: {error}") from error
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise ReportError(
            f"{path}: the YAML header must be a mapping (key: value lines), "
            f"not {type(header).__name__}"
        )
    return header


def html_format(header: dict[str, Any]) -> dict[str, Any]:
    """The HTML options of a report's header that both engines honour (``toc``, ``toc-title``,
    ``css`` as a list, ``code-fold``, ``code-summary``), given at the top level or under
    ``format: html:`` as in Quarto (the latter wins).

    >>> html_format({"toc": True, "format": {"html": {"css": "a.css", "code-fold": True}}})
    {'toc': True, 'css': ['a.css'], 'code-fold': True}
    """
    formats = header.get("format")
    html_options = formats.get("html") if isinstance(formats, dict) else None
    merged = {**header, **(html_options if isinstance(html_options, dict) else {})}
    options = {key: merged[key] for key in _HTML_OPTIONS if key in merged}
    if isinstance(options.get("css"), str):
        options["css"] = [options["css"]]
    return options


def _execute_defaults(path: Path, header: dict[str, Any]) -> dict[str, Any]:
    """Document-wide chunk options from the header's ``execute:`` mapping, as in Quarto."""
    execute = header.get("execute", {})
    if not isinstance(execute, dict):
        raise ReportError(f"{path}: the header's 'execute' must be a mapping of chunk options")
    return _check_options(f"{path}: header 'execute'", execute)


def _split_options(source: str) -> tuple[list[str], str]:
    lines = source.splitlines()
    options = []
    while lines and (match := _OPTION_LINE.match(lines[0])):
        options.append(match.group(1))
        lines.pop(0)
    return options, "\n".join(lines).strip("\n")


def _parse_options(where: str, option_lines: list[str]) -> dict[str, Any]:
    if not option_lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(option_lines))
    except yaml.YAMLError as error:
        raise ReportError(f"{where}: malformed '#|' chunk options: {error}") from error
    if not isinstance(options, dict):
        raise ReportError(
            f"{where}: '#|' chunk options must be 'key: value' lines, got {option_lines[0]!r}"
        )
    return options


def _check_options(where: str, options: dict[str, Any]) -> dict[str, Any]:
    checked = {}
    for key, value in options.items():
        if key in QUARTO_ONLY_OPTIONS:
            continue  # kept in the raw options; see Chunk.ignored_options
        if key not in CHUNK_OPTION_TYPES:
            raise ReportError(
                f"{where}: unknown chunk option {key!r}; the embedded engine honours "
                + ", ".join(CHUNK_OPTION_TYPES)
            )
        allowed = CHUNK_OPTION_TYPES[key]
        bad_string = (
            key in _ALLOWED_STRINGS
            and isinstance(value, str)
            and value not in _ALLOWED_STRINGS[key]
        )
        wrong_type = not isinstance(value, allowed) or (
            isinstance(value, bool) and bool not in allowed
        )
        if wrong_type or bad_string:
            expected = _EXPECTED_VALUES.get(
                key, "true or false" if allowed == (bool,) else "a string"
            )
            raise ReportError(f"{where}: chunk option {key!r} must be {expected}, got {value!r}")
        checked[key] = value
    return checked
