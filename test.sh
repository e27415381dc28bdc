#!/usr/bin/env bash
# Install qualcode with its test tools (first run only) and run the whole test suite.
# Extra arguments go to pytest, e.g. ./test.sh tests/ingest -x
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec .venv/bin/python -m pytest "$@"
