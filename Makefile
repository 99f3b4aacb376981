# Each target does its own setup: a virtual environment in .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/demo
PYTEST_WORKERS ?= auto

.PHONY: demo test lint typecheck bench clean setup readme-peers

setup: $(STAMP)

# constraints.txt pins every dependency to the versions the suite last passed with, so a
# release upstream (moto 5.2.6 renamed a method the demo's moto extensions called) cannot
# turn a fresh clone red; refresh it deliberately: pip freeze --exclude-editable.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aiposture demo --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --durations=10

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The README's "Compared with Prowler" table, generated from the checks' peer_refs.
readme-peers: $(STAMP)
	$(BIN)/aiposture checks list --peers --write-readme README.md

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
