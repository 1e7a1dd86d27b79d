#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv and install statlab into it.
# The R extra (rpy2) is added when R is on PATH; without R everything runs on the Python backend.
# `statlab compile` then fills numba's cache with the Python glmnet kernels, so that no later
# process compiles them (a minute once, here, instead of seconds at each first call).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
extras="dev"
if command -v R >/dev/null 2>&1; then
  extras="dev,r"
fi
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
.venv/bin/statlab compile
.venv/bin/statlab doctor
