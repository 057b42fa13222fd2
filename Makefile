# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint services bench clean

$(BIN)/moderation: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The service with demo data on the embedded default: SQLite file + in-process queue.
demo: $(BIN)/moderation
	DATABASE_URL=$${DATABASE_URL:-sqlite:///./demo.db} $(BIN)/moderation demo

# Lint, types, rule examples and the test suite, against the local PostgreSQL and Redis.
test: $(BIN)/moderation services
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/moderation rules test
	$(BIN)/pytest

services:
	@bash scripts/services.sh

clean:
	rm -rf $(VENV) demo.db* moderation.db*
