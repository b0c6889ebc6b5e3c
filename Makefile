# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
# node_modules holds only what the browser tests inject into pages (axe-core); `npm ci` empties it, stamp and all.
NODE_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mails point where `make run` serves.
export SITE_URL ?= http://$(HOST):$(PORT)

# Development and tests run with a fixed, non-secret key; production sets SECRET_KEY and DEBUG=0 itself.
export DEBUG ?= 1
export SECRET_KEY ?= development-only-not-a-secret

.PHONY: run test install migrate demo messages catalogue lint check pytest lock clean bench bench-data soak

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ and npm (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: install messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py demo --url http://$(HOST):$(PORT)

# Django's "development server, not for production" banner is what `make run` is for; the demo said where to go.
run: demo
	DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy vendorcollab bench

check: install messages
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# One pytest worker per core (pytest-xdist), each with its own test database (pytest-django adds _gw0, _gw1, ... to
# the name, the SQLite file's too). A file's tests stay on one worker (loadfile), so a module's expensive fixture (a
# gunicorn server, collectstatic, a catalogue rebuild) is built once. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
pytest: install messages
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint check pytest

# Benchmarks (README: Benchmarks): the large data set in its own database, then the measurements or the soak.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vendorcollab_bench
BENCH_VENDORS ?= 1000
BENCH_POS ?= 200000
BENCH_ARGS ?=
SOAK_ARGS ?=

bench-data: install messages
	$(PY) bench/create_database.py "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py migrate --noinput -v 0
	VENDORCOLLAB_BENCH=1 DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py bench_data --vendors $(BENCH_VENDORS) --pos $(BENCH_POS) --skip-if-loaded

bench: bench-data
	VENDORCOLLAB_BENCH=1 DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py bench_run $(BENCH_ARGS)

soak: bench-data
	VENDORCOLLAB_BENCH=1 DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py bench_soak $(SOAK_ARGS)

# Refresh the Dutch catalogue after adding or changing strings; then translate what is new.
catalogue: install
	$(PY) manage.py makemessages -l nl --no-obsolete --no-location --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench

# Re-pin every dependency after changing requirements.in.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -r requirements.in
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules var test-artifacts
