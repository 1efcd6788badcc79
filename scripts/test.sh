#!/usr/bin/env bash
# Run the whole test suite (lint, unit, Flask test client, headless browser).
# Extra arguments go to pytest. TEST_DATABASE_URL=postgresql://... runs it on
# PostgreSQL. Sets up what it needs: .venv with the test extra and, on
# Debian as root, the chromium package when /usr/bin/chromium is missing,
# a Java runtime for the HTML checker when java is missing and wrk for the
# load benchmark's smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv test

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)           # the browser tests
command -v java >/dev/null || missing+=(default-jre-headless)  # the HTML checker
command -v wrk >/dev/null || missing+=(wrk)                # the load benchmark's smoke test
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages for the tests: ${missing[*]} ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
        "${missing[@]}" >/dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
# A worker a CPU (pytest-xdist); the tests that serve the blog under gunicorn run
# on one of them, one after another (see tests/conftest.py). `-n 0` runs in one process.
# pytest exits 5 when it collected nothing: with `set -e` that fails the run too.
exec .venv/bin/pytest --numprocesses=logical --dist=loadgroup "$@"
