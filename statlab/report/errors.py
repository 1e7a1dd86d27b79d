"""The errors of the report renderer; messages name the report, and the chunk that failed."""

from __future__ import annotations


class ReportError(Exception):
    """A report cannot be read or rendered (bad name, malformed file, unusable output folder...)."""


class ChunkError(ReportError):
    """A chunk (or an inline ``{python} expr``) of a report raised while it was executed."""

    def __init__(self, message: str, traceback_text: str) -> None:
        super().__init__(message)
        self.traceback_text = traceback_text
