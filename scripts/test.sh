#!/usr/bin/env bash
# Set up and run the whole test suite: lint, types, tests (incl. real-browser tests).
# Debian packages the tests need: chromium (browser tests), gdal-bin (independent reader
# for exports), poppler-utils (pdftotext/pdftoppm), fonts-thai-tlwg + fonts-noto-core (Thai
# in printed maps), postgresql-15 + postgresql-15-postgis-3 (a throwaway PostGIS cluster for
# the store tests, started by tests/pg_support.py). As root they are installed with apt-get;
# otherwise install them first.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="chromium gdal-bin poppler-utils fonts-thai-tlwg fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-15 postgresql-15-postgis-3"
missing=""
for p in $DEB_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "missing Debian packages:$missing (run: sudo apt-get install$missing)" >&2
    exit 1
  fi
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

echo "== ruff"
.venv/bin/ruff check src tests ui app.py benchmarks
.venv/bin/ruff format --check src tests ui app.py benchmarks
echo "== import-linter"
.venv/bin/lint-imports
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
# two browser tests seed the Streamlit server's store from outside and run in a session of
# their own (marker own_server; see pyproject.toml)
.venv/bin/python -m pytest -m "not own_server" "$@"
.venv/bin/python -m pytest -m own_server "$@"
