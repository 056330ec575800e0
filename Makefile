# Maillage — the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint format install migrate demo serve clean audit browser lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The exact versions of requirements-dev.lock (checked against pyproject.toml's ranges by
# tests/portal/test_dependencies.py); `make lock` regenerates both lock files.
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_demo

run: demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates
	$(BIN)/djlint --lint templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	-$(BIN)/djlint --reformat templates  # exits 1 when it changed a file: not an error here

# The suite in parallel (one database per worker), then the browser tests, also in parallel:
# each of their E2E_WORKERS workers loads the demo world into its own test database, and runs
# its own live server and Chromium (two: a Chromium and a Django server per core, on 2 cores).
PYTEST_WORKERS ?= auto
E2E_WORKERS ?= 2
test: lint
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -n $(E2E_WORKERS) tests/e2e $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (tests/e2e), installed once; Playwright never downloads one.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# Known vulnerabilities in the locked versions (PyPI's advisory data, via pip-audit).
audit: install
	$(BIN)/pip-audit --progress-spinner off --timeout 10 --no-deps --disable-pip -r requirements-dev.lock

# Newest versions allowed by pyproject.toml's ranges, frozen into the lock files (in throw-away
# virtual environments under var/).
lock:
	rm -rf var/lock-runtime var/lock-dev
	$(PYTHON) -m venv var/lock-runtime && var/lock-runtime/bin/pip install --quiet --upgrade pip
	var/lock-runtime/bin/pip install --quiet .
	{ sed -n 1,2p requirements.lock; var/lock-runtime/bin/pip freeze --all --exclude-editable \
		| grep -v -E '^(pip|setuptools|wheel|maillage)[= @]'; } > requirements.lock.new
	$(PYTHON) -m venv var/lock-dev && var/lock-dev/bin/pip install --quiet --upgrade pip
	var/lock-dev/bin/pip install --quiet ".[dev]"
	{ sed -n 1,2p requirements-dev.lock; var/lock-dev/bin/pip freeze --all --exclude-editable \
		| grep -v -E '^(pip|setuptools|wheel|maillage)[= @]'; } > requirements-dev.lock.new
	mv requirements.lock.new requirements.lock && mv requirements-dev.lock.new requirements-dev.lock
	rm -rf var/lock-runtime var/lock-dev

clean:
	rm -rf $(VENV) staticfiles
