"""``python -m statlab.report ...``: the same as ``statlab report ...``."""

import sys

from statlab.report.cli import cli_main

sys.exit(cli_main(sys.argv[1:]))
