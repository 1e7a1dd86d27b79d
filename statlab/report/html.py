"""Turning an executed report into one self-contained HTML page with pandoc.

The report becomes pandoc Markdown (prose with inline values filled in, code blocks, outputs,
figures as PNG files) and pandoc writes the page with ``--standalone --embed-resources --mathml``:
figures and CSS are embedded as data URIs and math becomes native MathML, so the page opens offline
and refers to nothing over http(s). pandoc comes from pypandoc-binary; only the mapping from
Jupyter outputs to Markdown is written here.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from statlab.report.document import INLINE_CODE, Chunk, Prose, QmdDocument
from statlab.report.errors import ReportError
from statlab.report.execute import INLINE_MIME, Execution, strip_ansi

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
    pieces = ["---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False) + "---"]
    for index, part in enumerate(document.parts):
        if isinstance(part, Prose):
            pieces.append(_fill_inline_values(part, execution.inline_values.get(index, [])))
        elif part.options["include"]:
            outputs = execution.chunk_outputs.get(part.number, [])
            pieces.append(_chunk_markdown(document.name, part, outputs, figure_dir))
    return "\n\n".join(pieces) + "\n"


def write_html(markdown: str, resource_dir: Path, destination: Path) -> None:
    """Convert ``markdown`` to a self-contained page at ``destination``, replacing it atomically.

    The page is written to a temporary file next to ``destination`` and renamed over it, so an
    earlier page stays intact if pandoc fails.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_html("---\\ntitle: T\\n---\\n\\n$x^2$\\n", folder, folder / "t.html")
    >>> "<math" in (folder / "t.html").read_text()
    True
    """
    import pypandoc

    modern = _pandoc_at_least(pypandoc.get_pandoc_version(), (2, 19))
    embed = "--embed-resources" if modern else "--self-contained"
    handle, temporary = tempfile.mkstemp(
        prefix=f".{destination.stem}-", suffix=".html.part", dir=destination.parent
    )
    os.close(handle)
    try:
        pypandoc.convert_text(
            markdown,
            "html5",
            format="markdown",
            outputfile=temporary,
            extra_args=[
                "--standalone",
                embed,
                "--mathml",
                "--variable=document-css",
                f"--css={STYLESHEET}",
                f"--resource-path={resource_dir}",
            ],
            sandbox=False,
        )
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, destination)
    except (RuntimeError, OSError) as error:
        raise ReportError(f"pandoc could not write {destination}: {error}") from error
    finally:
        Path(temporary).unlink(missing_ok=True)


# header keys pandoc's HTML template uses; Quarto-only keys (format, execute, jupyter) stay out
_PANDOC_METADATA = {"title", "subtitle", "author", "date", "abstract", "description", "lang"}


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pandoc_at_least(version: str, minimum: tuple[int, int]) -> bool:
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    return numbers >= minimum


def _fill_inline_values(part: Prose, values: list[str]) -> str:
    remaining = iter(values)
    return INLINE_CODE.sub(lambda _match: next(remaining), part.text)


def _chunk_markdown(
    report: str, chunk: Chunk, outputs: list[dict[str, Any]], figure_dir: Path
) -> str:
    options = chunk.options
    pieces = []
    if options["echo"] and chunk.code:
        pieces.append(_fenced(chunk.code, "{.python .cell-code}"))
    if options["output"] is not False:
        pieces.extend(_outputs_markdown(report, chunk, outputs, figure_dir))
    label = options.get("label")
    attributes = f"#{label} .cell" if label and not label.startswith("fig-") else ".cell"
    return f"::::: {{{attributes}}}\n" + "\n\n".join(pieces) + "\n:::::"


def _outputs_markdown(
    report: str, chunk: Chunk, outputs: list[dict[str, Any]], figure_dir: Path
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
                    report, chunk, figures, data["image/png"], output, figure_dir
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
) -> str:
    path = figure_dir / f"{report}-chunk{chunk.number}-{number}.png"
    path.write_bytes(base64.b64decode(png_base64))
    attributes = []
    label = chunk.options.get("label")
    if label and label.startswith("fig-") and number == 1:
        attributes.append(f"#{label}")
    width = output.get("metadata", {}).get("image/png", {}).get("width")
    if width:
        attributes.append(f'width="{int(width)}"')
    if "fig-alt" in chunk.options:
        attributes.append(f"fig-alt={_quoted(chunk.options['fig-alt'])}")
    caption = chunk.options.get("fig-cap", "")
    return f"![{caption}]({path.name}){{{' '.join(attributes)}}}"


def _fenced(text: str, attributes: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{attributes}\n{text}\n{fence}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
