"""Rendering statlab's Quarto reports (``reports/*.qmd``) to self-contained HTML (or PDF).

``statlab report`` renders with the Quarto CLI (>= 1.4) when it is installed
(:mod:`statlab.report.quarto`: this interpreter runs the chunks, in a scratch copy of the report),
and otherwise with the ``embedded`` engine: jupytext reads the ``.qmd``, nbclient runs its chunks in
a Jupyter kernel and pandoc writes one HTML page with figures embedded and math as MathML. Both
give the same page content. Each report reads the backend to use (``r`` or ``python``) from the
``STATLAB_BACKEND`` environment variable.

Example
-------
>>> from statlab.report import available_reports
>>> isinstance(available_reports(), list)
True
"""

from __future__ import annotations

from statlab.report.cli import cli_main
from statlab.report.document import QmdDocument, read_qmd
from statlab.report.errors import ChunkError, ReportError
from statlab.report.helpers import (
    backend_comparison,
    r_missing_text,
    r_usable,
    report_backend,
)
from statlab.report.render import (
    RenderedReport,
    available_reports,
    render_report,
    report_path,
    write_index,
)

__all__ = [
    "ChunkError",
    "QmdDocument",
    "RenderedReport",
    "ReportError",
    "available_reports",
    "backend_comparison",
    "cli_main",
    "r_missing_text",
    "r_usable",
    "read_qmd",
    "render_report",
    "report_backend",
    "report_path",
    "write_index",
]
