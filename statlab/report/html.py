"""Turning an executed report into one self-contained HTML page with pandoc.

The report becomes pandoc Markdown (prose with inline values filled in, code blocks, outputs,
figures as PNG files) and pandoc writes the page with ``--standalone --embed-resources --mathml``:
figures and CSS are embedded as data URIs and math becomes native MathML, so the page opens offline
and refers to nothing over http(s). pandoc comes from pypandoc-binary; only the mapping from
Jupyter outputs to Markdown is written here.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from statlab.report.document import INLINE_CODE, Chunk, Prose, QmdDocument
from statlab.report.errors import ReportError
from statlab.report.execute import INLINE_MIME, Execution, strip_ansi
from statlab.report.scratch import publish

STYLESHEET = Path(__file__).with_name("report.css")


def report_markdown(document: QmdDocument, execution: Execution, figure_dir: Path) -> str:
    """The pandoc Markdown of an executed report; figures are written as PNGs to ``figure_dir``.

    >>> import tempfile
    >>> from statlab.report.document import read_qmd
    >>> from statlab.report.execute import execute
    >>> path = Path(tempfile.mkdtemp()) / "demo.qmd"
    >>> _ = path.write_text("---\\ntitle: Demo\\n---\\n\\n```{python}\\nprint(6 * 7)\\n```\\n")
    >>> document = read_qmd(path)
    >>> print(report_markdown(document, execute(document, "python"), path.parent))
    ---
    title: Demo
    ---
    <BLANKLINE>
    ::::: {.cell}
    ```{.python .cell-code}
    print(6 * 7)
    ```
    <BLANKLINE>
    ```{.cell-output}
    42
    ```
    :::::
    <BLANKLINE>
    """
    header = {key: value for key, value in document.header.items() if key in _PANDOC_METADATA}
    header.setdefault("title", document.title)
    if document.toc:
        header["toc-title"] = document.toc_title
    pieces = ["---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False) + "---"]
    if document.header.get("description"):
        pieces.append(f"::: {{.description}}\n{document.header['description']}\n:::")
    numbering = _Numbering()
    for index, part in enumerate(document.parts):
        if isinstance(part, Prose):
            pieces.append(_fill_inline_values(part, execution.inline_values.get(index, [])))
        elif part.options["include"]:
            outputs = execution.chunk_outputs.get(part.number, [])
            pieces.append(_chunk_markdown(document.name, part, outputs, figure_dir, numbering))
    return "\n\n".join(pieces) + "\n"


def write_html(
    markdown: str,
    resource_dir: Path,
    destination: Path,
    *,
    stylesheets: Sequence[Path] = (),
    toc: bool = False,
) -> None:
    """Convert ``markdown`` to a self-contained page at ``destination``, replacing it atomically.

    The page is styled by statlab's stylesheet, then by ``stylesheets`` (a report's ``css``), and
    starts with a table of contents if ``toc``. It is written to a ``.part`` file next to
    ``destination`` and renamed over it, so an earlier page stays intact if pandoc fails.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_html("---\\ntitle: T\\n---\\n\\n$x^2$\\n", folder, folder / "t.html")
    >>> "<math" in (folder / "t.html").read_text()
    True
    """
    import pypandoc

    modern = _pandoc_at_least(pypandoc.get_pandoc_version(), (2, 19))
    embed = "--embed-resources" if modern else "--self-contained"
    for stylesheet in stylesheets:
        if not Path(stylesheet).is_file():
            raise ReportError(f"the report's stylesheet {stylesheet} does not exist")
    try:
        page = pypandoc.convert_text(
            markdown,
            "html5",
            format="markdown",
            extra_args=[
                "--standalone",
                embed,
                "--mathml",
                "--variable=document-css",
                *(f"--css={css}" for css in (STYLESHEET, *stylesheets)),
                *(["--toc"] if toc else []),
                f"--resource-path={resource_dir}",
            ],
            sandbox=False,
        )
    except (RuntimeError, OSError) as error:
        raise ReportError(f"pandoc could not write {destination}: {error}") from error
    publish(_description_in_title_block(page).encode("utf-8"), destination)


# header keys pandoc's HTML template uses; Quarto-only keys (format, execute, jupyter) stay out
_PANDOC_METADATA = {"title", "subtitle", "author", "date", "abstract", "description", "lang"}


def _description_in_title_block(page: str) -> str:
    """Move the description (the first ``<div class="description">``, written by pandoc from the
    Markdown) into the title block, where Quarto shows it: pandoc's template has no place for it.

    >>> _description_in_title_block('<header><h1>T</h1></header>\\n<div class="description">\\n<p>D</p>\\n</div>')
    '<header><h1>T</h1><div class="description">\\n<p>D</p>\\n</div>\\n</header>\\n'
    """
    match = _DESCRIPTION.search(page)
    if match is None or "</header>" not in page[: match.start()]:
        return page
    without = page[: match.start()] + page[match.end() :]
    return without.replace("</header>", match.group(0) + "\n</header>", 1)


_DESCRIPTION = re.compile(r'<div class="description">\n.*?\n</div>', re.S)


def _pandoc_at_least(version: str, minimum: tuple[int, int]) -> bool:
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    return numbers >= minimum


def _fill_inline_values(part: Prose, values: list[str]) -> str:
    remaining = iter(values)
    return INLINE_CODE.sub(lambda _match: next(remaining), part.text)


@dataclass
class _Numbering:
    """Cross-reference numbers, as Quarto gives them: chunks labelled ``fig-*`` (``tbl-*``) are
    Figure (Table) 1, 2, ... in document order."""

    figures: int = 0
    tables: int = 0


def _chunk_markdown(
    report: str,
    chunk: Chunk,
    outputs: list[dict[str, Any]],
    figure_dir: Path,
    numbering: _Numbering,
) -> str:
    options = chunk.options
    label = options.get("label") or ""
    pieces = []
    if options["echo"] and chunk.code:
        pieces.append(_code_markdown(chunk))
    if options["output"] is not False:
        if label.startswith("fig-"):
            numbering.figures += 1
        output_pieces = list(_outputs_markdown(report, chunk, outputs, figure_dir, numbering))
        if "tbl-cap" in options and output_pieces:
            caption = options["tbl-cap"]
            if label.startswith("tbl-"):
                numbering.tables += 1
                caption = f"Table {numbering.tables}: {caption}"
            identifier = f' id="{label}"' if label.startswith("tbl-") else ""
            output_pieces = [
                f'<figure class="table"{identifier}>\n<figcaption>{_escaped(caption)}</figcaption>',
                *output_pieces,
                "</figure>",
            ]
        pieces.extend(output_pieces)
    attributes = f"#{label} .cell" if label and not label.startswith(("fig-", "tbl-")) else ".cell"
    return f"::::: {{{attributes}}}\n" + "\n\n".join(pieces) + "\n:::::"


def _code_markdown(chunk: Chunk) -> str:
    """The chunk's code as Quarto shows it: highlighted, with its fence and options for
    ``echo: fenced``, folded into a ``<details>`` for ``code-fold``."""
    options = chunk.options
    code = chunk.code
    if options["echo"] == "fenced":
        shown = [line for line in chunk.option_lines if not line.startswith("echo:")]
        code = "\n".join(["```{python}", *(f"#| {line}" for line in shown), code, "```"])
        block = _fenced(code, "{.markdown .cell-code}")
    else:
        block = _fenced(code, "{.python .cell-code}")
    fold = options.get("code-fold", False)
    if fold is False:
        return block
    summary = _escaped(options.get("code-summary", "Code"))
    opening = "<details open>" if fold == "show" else "<details>"
    return f"{opening}\n<summary>{summary}</summary>\n\n{block}\n\n</details>"


def _outputs_markdown(
    report: str,
    chunk: Chunk,
    outputs: list[dict[str, Any]],
    figure_dir: Path,
    numbering: _Numbering,
) -> Iterator[str]:
    options = chunk.options
    figures = 0
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            if output["name"] == "stderr" and not options["warning"]:
                continue
            text = output["text"]
            if options["output"] == "asis":
                yield text
            else:
                css = ".cell-output" + (" .cell-stderr" if output["name"] == "stderr" else "")
                yield _fenced(text.rstrip("\n"), f"{{{css}}}")
        elif kind == "error":
            yield _fenced(strip_ansi("\n".join(output["traceback"])), "{.cell-output .cell-error}")
        elif kind in ("display_data", "execute_result"):
            data = output["data"]
            if INLINE_MIME in data:
                continue
            if "image/png" in data:
                figures += 1
                yield _figure_markdown(
                    report, chunk, figures, data["image/png"], output, figure_dir, numbering
                )
            elif options["output"] == "asis" and "text/markdown" in data:
                yield data["text/markdown"]
            elif "text/html" in data:
                yield _fenced(data["text/html"], "{=html}")
            elif "text/markdown" in data:
                yield data["text/markdown"]
            elif "text/plain" in data:
                yield _fenced(data["text/plain"], "{.cell-output}")


def _figure_markdown(
    report: str,
    chunk: Chunk,
    number: int,
    png_base64: str,
    output: dict[str, Any],
    figure_dir: Path,
    numbering: _Numbering,
) -> str:
    path = figure_dir / f"{report}-chunk{chunk.number}-{number}.png"
    path.write_bytes(base64.b64decode(png_base64))
    options = chunk.options
    attributes = []
    label = options.get("label") or ""
    caption = options.get("fig-cap", "") if number == 1 else ""
    if label.startswith("fig-") and number == 1:
        attributes.append(f"#{label}")
        if caption:
            caption = f"Figure {numbering.figures}: {caption}"
    if "fig-width" in options or "fig-height" in options:
        # fig-width and fig-height (inches) set the size the figure is shown at
        for key in ("fig-width", "fig-height"):
            if key in options:
                attributes.append(f'{key.removeprefix("fig-")}="{options[key]}in"')
    else:
        width = output.get("metadata", {}).get("image/png", {}).get("width")
        if width:
            attributes.append(f'width="{int(width)}"')
    if "fig-alt" in options:
        attributes.append(f"alt={_quoted(options['fig-alt'])}")
    return f"![{caption}]({path.name}){{{' '.join(attributes)}}}"


def _escaped(text: str) -> str:
    return html.escape(text, quote=False)


def _fenced(text: str, attributes: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{attributes}\n{text}\n{fence}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
