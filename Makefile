# Vigil: every task an operator or developer runs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR := var/demo
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CHECK_TESTS ?= yes

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres check lint eval bench browser messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.txt
	$(BIN)/python -m pip install --quiet --require-virtualenv --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Vigil with pinned dependencies

run: install ## Create a demo instance in var/demo (once) and serve it on http://127.0.0.1:8000
	VIGIL_DATA_DIR=$(DEMO_DIR) $(BIN)/vigil demo
	VIGIL_DATA_DIR=$(DEMO_DIR) $(BIN)/vigil serve --host $(HOST) --port $(PORT)

browser: ## Make sure Debian's Chromium is there for the browser tests
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Chromium is missing; the browser tests need Debian's chromium package. Installing it with apt-get..."; \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Not root: run 'sudo apt-get install chromium' and try again."; exit 1; \
	  fi; \
	fi

test: install browser ## Run the whole test suite (SQLite, and Chromium for the browser tests)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: install ## Run the database tests again on PostgreSQL (DATABASE_URL must point at a server)
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test"; exit 2; }
	$(BIN)/python -m pytest -n 2 --database-only $(PYTEST_ARGS)

lint: install ## Formatting, lint, types, migrations and translation catalogues
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy vigil bench scripts
	$(BIN)/bandit -q -c pyproject.toml -r vigil scripts
	VIGIL_DATA_DIR=$$(mktemp -d) $(BIN)/vigil manage makemigrations --check --dry-run
	$(BIN)/python scripts/check_messages.py

check: lint ## lint, then the tests (CHECK_TESTS=no skips them when they have just run)
	@if [ "$(CHECK_TESTS)" = "yes" ]; then $(MAKE) --no-print-directory test; fi

messages: install ## Update the translation catalogues and compile them
	cd vigil && VIGIL_DATA_DIR=$$(mktemp -d) ../$(BIN)/vigil manage makemessages -l ru -l en --no-obsolete --no-location
	cd vigil && VIGIL_DATA_DIR=$$(mktemp -d) ../$(BIN)/vigil manage compilemessages

eval: install ## Score `vigil extract` against ../shared/samples
	$(BIN)/python scripts/eval_extract.py

bench: install ## Run the benchmarks under bench/ (prints ratios measured in one run)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtualenv and the demo instance
	rm -rf $(VENV) var
