#!/usr/bin/env bash
# Run the whole test suite; installs what it needs first (idempotent, fast when present).
set -euo pipefail
cd "$(dirname "$0")/.."
GONGKAI_TEST_TOOLS=1 bash scripts/setup.sh >/dev/null
exec .venv/bin/python -m pytest "$@"
