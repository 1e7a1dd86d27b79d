"""What every report kernel runs first, under both engines.

A warning raised in a chunk is printed by Python with the file the kernel wrote the cell to (a
temporary path such as ``/tmp/ipykernel_81/3337752635.py:4:``), which means nothing to a reader
of the page. Reports show a warning as its category and message only, the way R prints
``Warning message: ...`` without a file. ``warnings.showwarning`` is replaced rather than
``warnings.formatwarning``, which plotnine sets for itself when it is imported.
"""

from __future__ import annotations

import sys
import warnings
from typing import TextIO

STARTUP_CODE = "from statlab.report.kernel_setup import plain_warnings\nplain_warnings()\n"


def warning_text(message: Warning | str, category: type[Warning]) -> str:
    """A warning as a report shows it: ``Category: message``, no file or line.

    >>> warning_text("invalid value encountered in log", RuntimeWarning)
    'RuntimeWarning: invalid value encountered in log\\n'
    """
    return f"{category.__name__}: {message}\n"


def show_plain_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for report kernels: write :func:`warning_text` to stderr."""
    (file or sys.stderr).write(warning_text(message, category))


def plain_warnings() -> None:
    """Make this process print warnings as :func:`warning_text` does (a report kernel's set-up)."""
    warnings.showwarning = show_plain_warning
