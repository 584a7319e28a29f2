# Two commands set everything up on a fresh machine with only Python 3.11:
#   make run    the registry on http://127.0.0.1:8000/ (plus one Celery worker); PORT=8080 HOST=…
#   make test   the whole test suite
# With DATABASE_URL / CELERY_BROKER_URL unset they use the embedded PostgreSQL and file broker.

PYTHON ?= python3
# make run PORT=8080 (and HOST=0.0.0.0 to listen on every interface)
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: setup run serve test lint bench stop-db clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py load_vocabularies
	$(PY) manage.py serve --ingest-samples --bind $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) -m benchmarks

stop-db: setup
	$(PY) -c "import registry.embedded as e; e.stop_embedded_database()"

clean: stop-db
	rm -rf var/ $(VENV)
