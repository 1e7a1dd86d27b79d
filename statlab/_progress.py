"""The progress bar of statlab's long loops (bootstraps, forests, replicates).

Bars are tqdm's, on stderr, and hidden unless the caller asks for them (the command line and the
``analyses/`` scripts do; tests and reports don't). A hidden bar is plain ``tqdm``: importing
``tqdm.auto`` in a Jupyter kernel without ipywidgets emits a warning, which would show in every
report page that runs a loop.
"""

from __future__ import annotations

from typing import Any


def progress_bar(total: int, description: str, show: bool, unit: str = "it") -> Any:
    """A tqdm bar counting to ``total``, drawn only when ``show`` (a notebook widget where one
    can be drawn); use it as a context manager and call ``update``.

    >>> with progress_bar(3, "demo", show=False) as bar:
    ...     bar.update(3)
    >>> bar.total, bar.disable
    (3, True)
    """
    if show:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(total=total, desc=description, unit=unit, disable=not show)
