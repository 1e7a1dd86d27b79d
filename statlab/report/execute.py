"""Running a report's chunks in a fresh Jupyter kernel with nbclient, one cell at a time.

Each chunk becomes a notebook cell; each inline ``{python} expr`` becomes a small cell placed
after the chunks before it, which displays ``str(expr)`` under a private MIME type, so inline
values are computed by the same kernel, in document order. Cells run one by one
(``NotebookClient.execute_cell``) so a failure names its chunk. ANSI colour codes are stripped from
tracebacks with one regular expression (nbconvert, which has a filter for it, is not otherwise
needed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from statlab.report.document import Chunk, Prose, QmdDocument
from statlab.report.errors import ChunkError
from statlab.report.kernel_setup import STARTUP_CODE

INLINE_MIME = "text/x-statlab-inline"
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SETUP = f"""\
{STARTUP_CODE}
def __statlab_inline__(value):
    import json
    from IPython import get_ipython
    from IPython.display import display
    data, _metadata = get_ipython().display_formatter.format(value)
    display({{{INLINE_MIME!r}: json.dumps(data)}}, raw=True)
"""
# bytes in a Unix socket's path, with its final NUL: 108 on Linux, 104 on macOS and the BSDs
_UNIX_SOCKET_PATH_LIMIT = 104
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")


@dataclass(frozen=True)
class Execution:
    """What running a report produced: each chunk's outputs and each prose part's inline values."""

    chunk_outputs: dict[int, list[dict[str, Any]]]
    inline_values: dict[int, list[str]]


def inline_markdown(data: dict[str, str]) -> str:
    """The Markdown for an inline value's display data, chosen as Quarto chooses it for HTML: the
    HTML form, else the Markdown form, else the plain text, where a string's quotes are dropped
    and its Markdown characters escaped. So numbers show as their ``repr``: format them in the
    report (``f"{x:.3g}"``) to control the digits.

    >>> inline_markdown({"text/plain": "'a_b'"}), inline_markdown({"text/plain": "np.float64(0.5)"})
    ('a\\\\_b', 'np.float64(0.5)')
    """
    if "text/html" in data:
        return f"`{data['text/html']}`{{=html}}"
    if "text/markdown" in data:
        return data["text/markdown"]
    text = data.get("text/plain", "")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text[1:-1])
    return text


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes.

    >>> strip_ansi("\\x1b[0;31mValueError\\x1b[0m: bad")
    'ValueError: bad'
    """
    return _ANSI_ESCAPE.sub("", text)


def execute(
    document: QmdDocument,
    backend: str,
    on_cell_done: Callable[[int, int], None] | None = None,
    working_dir: Path | None = None,
) -> Execution:
    """Run ``document``'s chunks and inline expressions in a new kernel with ``STATLAB_BACKEND``.

    The kernel's working folder is ``working_dir`` (default: the report's folder, as with a plain
    ``quarto render``); its connection file and sockets then go in the folder above
    ``working_dir``. ``on_cell_done(done, total)`` is called after each cell. Raises
    :class:`ChunkError` naming the report and the chunk that failed.

    >>> import tempfile, pathlib
    >>> from statlab.report.document import read_qmd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qmd"
    >>> text = "```{python}\\nimport os\\n```\\n\\nOn `{python} os.environ['STATLAB_BACKEND']`\\n"
    >>> _ = path.write_text(text)
    >>> execute(read_qmd(path), "python").inline_values
    {1: ['python']}
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(_SETUP))
    where: list[str] = ["statlab's set-up cell"]
    previous_chunk = "the start of the report"
    for index, part in enumerate(document.parts):
        if isinstance(part, Chunk):
            previous_chunk = part.name
            if not part.options["eval"]:
                continue
            cell = nbformat.v4.new_code_cell(
                part.code, metadata={"statlab": {"chunk": part.number}}
            )
            if part.options["error"]:
                cell.metadata["tags"] = ["raises-exception"]
            notebook.cells.append(cell)
            where.append(part.name)
        elif isinstance(part, Prose):
            for expression in part.inline_expressions:
                source = f"__statlab_inline__(\n{expression}\n)"
                notebook.cells.append(
                    nbformat.v4.new_code_cell(source, metadata={"statlab": {"prose": index}})
                )
                where.append(f"inline expression `{{python}} {expression}` after {previous_chunk}")

    from jupyter_client.manager import KernelManager

    folder = working_dir or document.path.parent
    report = f"report '{document.name}' ({document.path})"
    with contextlib.ExitStack() as stack:
        kernel_log = stack.enter_context(tempfile.TemporaryFile("w+"))
        # the connection file in the scratch folder, not loose in the temporary folder
        connection_folder = (
            working_dir.parent
            if working_dir is not None
            else stack.enter_context(tempfile.TemporaryDirectory(prefix="statlab-kernel-"))
        )
        connection_file = Path(connection_folder) / "kernel.json"
        kernel_manager = KernelManager(
            kernel_name="python3",
            transport=kernel_transport(connection_file),
            connection_file=str(connection_file),
        )
        client = NotebookClient(
            notebook,
            km=kernel_manager,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        )
        try:
            # cleanup_kc: nbclient shuts down only kernels whose manager it made itself; this
            # one is shut down as soon as its report is done, so its exit handlers run (joblib's
            # stops its worker processes). Its output streams go to the log, not to statlab's.
            with client.setup_kernel(
                env={**os.environ, "STATLAB_BACKEND": backend},
                stdout=kernel_log,
                stderr=kernel_log,
                cleanup_kc=True,
            ):
                for index, cell in enumerate(notebook.cells):
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError as error:
                        traceback_text = strip_ansi(str(error))
                        message = f"{report} failed in {where[index]}: {_last_error(error)}"
                        raise ChunkError(message, traceback_text) from None
                    except DeadKernelError:
                        message = f"{report}: the kernel died while running {where[index]}"
                        raise ChunkError(message, _tail(kernel_log)) from None
                    if on_cell_done is not None:
                        on_cell_done(index + 1, len(notebook.cells))
        except RuntimeError as error:  # how jupyter_client says a kernel failed to start
            message = f"{report}: the Python kernel did not start ({error})"
            raise ChunkError(message, _tail(kernel_log)) from None

    chunk_outputs: dict[int, list[dict[str, Any]]] = {}
    inline_values: dict[int, list[str]] = {}
    for cell in notebook.cells[1:]:
        info = cell.metadata["statlab"]
        if "chunk" in info:
            chunk_outputs[info["chunk"]] = list(cell.outputs)
        else:
            values = [
                inline_markdown(json.loads(o["data"][INLINE_MIME]))
                for o in cell.outputs
                if INLINE_MIME in o.get("data", {})
            ]
            inline_values.setdefault(info["prose"], []).append("".join(values))
    return Execution(chunk_outputs, inline_values)


def kernel_transport(connection_file: Path) -> str:
    """``"ipc"`` (Unix sockets named after the connection file) where the sockets' paths fit the
    system's limit, else ``"tcp"``. A TCP port is found free, then taken only once the kernel has
    started, so a kernel started meanwhile by another render can take it first ("Address already
    in use"); a socket file in the render's own folder cannot be taken.

    >>> kernel_transport(Path("/tmp/statlab-report-1-abc/kernel.json"))
    'ipc'
    >>> kernel_transport(Path("/tmp") / ("x" * 100) / "kernel.json")
    'tcp'
    """
    longest_socket = connection_file.with_name(f"{connection_file.stem}-ipc-99")
    fits = len(os.fsencode(longest_socket)) < _UNIX_SOCKET_PATH_LIMIT
    return "ipc" if os.name == "posix" and fits else "tcp"


def _tail(log: IO[str], lines: int = 30) -> str:
    """The last lines the kernel wrote to its stderr."""
    log.seek(0)
    return "".join(log.readlines()[-lines:])


def _last_error(error: Any) -> str:
    """``ExceptionName: message``; errors raised while displaying a value (a plot that cannot be
    drawn) come back from IPython without a name, so the traceback's last line is used then."""
    if error.ename and error.ename != "NoneType":
        return f"{error.ename}: {strip_ansi(error.evalue)}"
    lines = [line for line in strip_ansi(str(error)).splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
