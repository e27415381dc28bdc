#!/usr/bin/env bash
# Install qualcode (first run only), build the demo study and open the workspace.
# Usage: ./workspace.sh [PROJECT_FILE_OR_URL]   (default: the demo study in demo_project/)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
project=${1:-}
if [ -z "$project" ]; then
  .venv/bin/qualcode demo demo_project
  project=demo_project/demo.qualcode
fi
echo "Opening the workspace at http://127.0.0.1:8501 (Ctrl+C to stop)"
exec .venv/bin/streamlit run app.py -- --project "$project"
