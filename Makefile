.PHONY: serve test test-postgres lint format

serve:  ## start the blog under gunicorn on http://127.0.0.1:8000
	scripts/serve.sh

test:  ## run the whole test suite on SQLite
	scripts/test.sh

test-postgres:  ## the same on the local PostgreSQL
	TEST_DATABASE_URL=postgresql://root@127.0.0.1:5432/test scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
