# Two commands a newcomer needs: `make run` and `make test`. Both install into
# .venv first, so they work on a fresh clone with only python3 on the machine.

VENV := .venv
# The web server's port; the worker and beat need none.
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format data bench fixtures/wtsa20.json

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## A development .env, so that manage.py commands run by hand find DEBUG on too.
## It is read only by a process started with DJANGO_ENV=development in its own
## environment, as `make data` and `make run` do: any other process refuses to
## start with DEBUG from it.
data run: export DJANGO_ENV = development

.env:
	printf '# Development settings (see .env.example for every variable).\nDEBUG=true\n' > .env

## Migrate, load reference data into empty tables, create the first administrator.
data: install .env
	$(BIN)/python manage.py bootstrap

## Prepare the database, then run the web server, a Celery worker and Celery beat
## (http://127.0.0.1:8000/) until Ctrl-C, which stops them all and is no error.
run: install .env
	@$(BIN)/python manage.py run --port $(PORT)

## Run the whole test suite (SQLite, filesystem broker: no server needed).
test: install
	$(BIN)/pytest

## Measure against raw baselines and print issue 13's targets (BENCH_SCALE=S|M|L,
## DATABASE_URL=postgres://… for PostgreSQL); data is generated once into var/bench/.
bench: install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Rebuild fixtures/wtsa20.json from the seed text (after a parser change).
fixtures/wtsa20.json: install
	rm -f var/fixture-build.sqlite3
	DEBUG=1 SQLITE_PATH=var/fixture-build.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 SQLITE_PATH=var/fixture-build.sqlite3 $(BIN)/python manage.py loaddata assemblies bodies -v0
	DEBUG=1 SQLITE_PATH=var/fixture-build.sqlite3 $(BIN)/python manage.py import_resolutions fixtures/wtsa20_itud_background.txt
	DEBUG=1 SQLITE_PATH=var/fixture-build.sqlite3 $(BIN)/python manage.py dumpdata \
		resolutions.resolution resolutions.resolutionreference resolutions.clause \
		actions.action actions.reportingobligation actions.resolutionreportingduty \
		--natural-foreign --indent 1 --output fixtures/wtsa20.json
	rm -f var/fixture-build.sqlite3
