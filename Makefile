# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint services browser messages bench clean constraints

# Installs exactly the versions in constraints.txt (the lock CI and the image install from).
$(BIN)/moderation: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,dashboard]'
	touch $@

# Refresh the lock from the venv after changing pyproject.toml's dependencies: install the
# new versions first (e.g. `.venv/bin/pip install -U -e '.[dev,dashboard]'`), then write what is
# installed; if scikit-learn's minor moved, retrain the bundles (`moderation train`).
constraints:
	$(BIN)/python scripts/freeze_constraints.py constraints.txt

# The service with demo data on the embedded default: SQLite file + in-process queue.
demo: $(BIN)/moderation
	DATABASE_URL=$${DATABASE_URL:-sqlite:///./demo.db} $(BIN)/moderation demo

# Lint, types, rule examples and the test suite, against the local PostgreSQL and Redis,
# with the console's pages in real Chromium; pytest on both cores, a database and a Redis
# database per process (tests/conftest.py).
test: $(BIN)/moderation services browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/moderation rules test
	$(BIN)/pytest -n 2

services:
	@bash scripts/services.sh

# The console's tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) demo.db* moderation.db*

# Extract the console's messages and merge them into the Polish and English catalogues.
messages: $(BIN)/moderation
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k Reason:2 -k "ngettext:1,2" --no-location \
		--sort-output -o api/locale/messages.pot .
	$(BIN)/pybabel update -i api/locale/messages.pot -d api/locale --no-fuzzy-matching
