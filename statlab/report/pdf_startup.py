"""IPython start-up file for PDF renders with Quarto: pandas tables also display as Markdown.

Quarto's typst output converts a chunk's HTML table only with a CSS inliner it downloads at run
time; offline that fails and the table is dropped. A Markdown form (``DataFrame.to_markdown``,
from tabulate) comes first in Quarto's choice for typst, so the tables reach the PDF. The renderer
copies this file into the IPython start-up folder of the render's own ``IPYTHONDIR``; it is not
imported by statlab.
"""


def _display_frames_as_markdown() -> None:
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        markdown = shell.display_formatter.formatters["text/markdown"]
        markdown.for_type(pd.DataFrame, lambda frame: frame.to_markdown())


_display_frames_as_markdown()
