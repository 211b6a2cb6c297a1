#!/usr/bin/env bash
# Set up gongkai on a fresh Debian machine and build the bundled example into out/.
# Installs: a virtual environment (.venv) with the package; as root, the system libraries
# WeasyPrint needs and a Chinese font (fonts-noto-cjk) when none is present.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "gongkai needs Python >= 3.11 (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2; exit 2; }

need_pkgs=()
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need_pkgs+=(fonts-noto-cjk); fi
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then need_pkgs+=(libpango-1.0-0 libpangoft2-1.0-0); fi
if [ "${GONGKAI_TEST_TOOLS:-0}" = 1 ]; then   # extra tools the test suite uses
  command -v soffice >/dev/null || need_pkgs+=(libreoffice-calc-nogui)
  command -v pdftoppm >/dev/null || need_pkgs+=(poppler-utils)
  command -v chromium >/dev/null || need_pkgs+=(chromium)   # the web page's browser test (Playwright drives it)
fi
if ! "$PY" -m venv --help >/dev/null 2>&1; then need_pkgs+=(python3-venv); fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${need_pkgs[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "Missing system packages. Please run as root:  apt-get install -y ${need_pkgs[*]}" >&2
    exit 2
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

mkdir -p out
.venv/bin/gongkai build inputs/zhengzhou-commerce-2020.xlsx -o out --format html,json,pdf
