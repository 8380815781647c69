# Two commands for a fresh machine: `make run` and `make test` (see README.md).
# The environment passes through to every command, e.g.
#   CAPTCHA_TEST_MODE=1 make run     DATABASE_URL=postgres://... make test

VENV := .venv
PY := $(VENV)/bin/python
# xstatic-bootstrap builds from an sdist that needs setuptools<81 (constraints-build.txt).
PIP := PIP_CONSTRAINT=$(CURDIR)/constraints-build.txt PIP_BUILD_CONSTRAINT=$(CURDIR)/constraints-build.txt \
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` (one per core). Tests that use the loopback servers
# carry xdist_group("loopback-services"), but under pytest 9.2 pytest-xdist 3.8's loadgroup
# does not group them (it rewrites item._nodeid, which pytest 9.2 no longer reads), so each
# such fixture keeps its own ports, databases and Redis rather than rely on running alone.
TEST_WORKERS ?= auto

.PHONY: run test lint messages migrations setup clean bench worker

$(PY):
	python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt constraints-build.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt constraints-build.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py createcachetable
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py load_demo

run: setup
	@echo "Starting the portal at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# A Celery worker with beat (the timers) against CELERY_BROKER_URL, e.g.
#   CELERY_BROKER_URL=redis://127.0.0.1:6379/1 make worker
# In production run worker and beat as the separate units in deploy/systemd/.
worker: $(VENV)/.installed
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1); without it tasks run inside the web process." >&2; exit 1; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/celery -A smeportal worker --beat --loglevel INFO \
		--schedule $(CURDIR)/.celerybeat-schedule

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r . --severity-level medium
	$(VENV)/bin/semgrep scan --config .semgrep/ --metrics=off --disable-version-check --error -q \
		--exclude .venv --exclude staticfiles .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/i18n.py check

test: $(VENV)/.installed-dev
	scripts/ensure-system-deps
	$(MAKE) lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# After changing user-visible strings: update the catalogues, translate the
# new zh_Hans entries in locale/zh_Hans/LC_MESSAGES/django.po, then run this again.
messages: $(VENV)/.installed-dev
	$(PY) scripts/i18n.py update

# Benchmarks on PostgreSQL (see bench/run.py and README.md): a fresh database at full
# size, then the pages against the bare /healthz view under gunicorn. Scale down with
# BENCH_SERVICES, BENCH_INSTITUTIONS, BENCH_ORDERS, BENCH_DEMANDS, BENCH_REPORTS.
# Never run by CI. Use a database of your own: BENCH_DB=postgres://.../smeportal_bench_me
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/smeportal_bench
bench: $(VENV)/.installed-dev
	psql "$(dir $(BENCH_DB))postgres" -q -c "DROP DATABASE IF EXISTS $(notdir $(BENCH_DB))" -c "CREATE DATABASE $(notdir $(BENCH_DB))"
	DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=1 $(PY) manage.py migrate -v0
	DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DATABASE_URL=$(BENCH_DB) $(PY) bench/generate.py
	DATABASE_URL=$(BENCH_DB) $(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
