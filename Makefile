# Linli: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/linli

.PHONY: run test test-sqlite test-postgres test-future install lint schema messages bench clean

$(STAMP): requirements/build.txt requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/build.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate the embedded SQLite database under var/, load the demo once, serve.
## The background worker runs supervised: started again if it ever exits; its output (the demo's
## SMS and WeChat messages) goes to var/worker.log, not the console. Once the server answers, the
## address and the demo logins are printed last.
run: $(STAMP)
	$(PY) -m linli migrate --noinput -v 0
	$(PY) -m linli demo --if-empty --no-logins
	$(PY) -m linli worker --supervise -v 0 >>"$${LINLI_VAR_DIR:-var}/worker.log" 2>&1 & WORKER=$$!; \
	$(PY) -m linli demo --logins-when-up http://$(HOST):$(PORT) & ANNOUNCE=$$!; \
	trap 'kill $$WORKER $$ANNOUNCE 2>/dev/null' EXIT INT TERM; \
	$(PY) -m linli runserver $(HOST):$(PORT)

## make test: system packages for the browser and spreadsheet tests, then the suite on SQLite and PostgreSQL.
test: $(STAMP)
	bash scripts/system-deps.sh
	$(MAKE) --no-print-directory lint schema
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-future

test-sqlite: $(STAMP)
	LINLI_VAR_DIR=$(CURDIR)/var/test $(PY) -m pytest -q

test-postgres: $(STAMP)
	bash scripts/ensure-postgres.sh
	LINLI_VAR_DIR=$(CURDIR)/var/test DATABASE_URL=$(PG_URL) DB_CONN_MAX_AGE=0 $(PY) -m pytest -q

## The suite without the browser, with the clock one year ahead: no test may pass or fail with the
## calendar. (time-machine, for the whole run: see conftest.py.)
test-future: $(STAMP)
	LINLI_VAR_DIR=$(CURDIR)/var/test LINLI_TEST_CLOCK_AHEAD_DAYS=365 $(PY) -m pytest -q -m "not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check linli tests bench
	LINLI_VAR_DIR=$(CURDIR)/var/test $(PY) -m linli makemigrations --check --dry-run -v 0

## The committed OpenAPI document; `make schema` fails when it is stale, `make schema-update` rewrites it.
schema: $(STAMP)
	LINLI_VAR_DIR=$(CURDIR)/var/test $(PY) -m linli openapi --check docs/openapi.json

schema-update: $(STAMP)
	LINLI_VAR_DIR=$(CURDIR)/var/test $(PY) -m linli openapi --write docs/openapi.json

messages: $(STAMP)
	cd linli && ../$(PY) -m django makemessages -l zh_Hans -l en --no-location --no-obsolete
	$(PY) -m linli compilemessages --ignore=.venv

bench: $(STAMP)
	bash scripts/ensure-postgres.sh
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/test
