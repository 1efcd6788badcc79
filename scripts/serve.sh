#!/usr/bin/env bash
# Start the blog under gunicorn on http://127.0.0.1:8000.
# First run: installs into .venv, creates instance/ with a secret key and the
# SQLite database, creates the author 'admin' and prints its password once.
# Later runs: applies pending migrations and starts again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv
exec .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app "$@"
