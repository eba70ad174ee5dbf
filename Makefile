# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo serve test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/precursor-watch demo

# Datasette for analysts on http://127.0.0.1:8001 (DB=path, PORT=n to change).
DB ?= catalog.db
PORT ?= 8001
serve: $(STAMP)
	$(BIN)/precursor-watch serve --db $(DB) --port $(PORT)

# The full tier (what .ci/run calls): every test, subprocess crawls, Chromium, Redis, Scrapyd.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# The fast tier (under a minute): unit and table tests, parsers on saved pages, in-process
# Datasette, doctests; no subprocess, JVM, crawl, browser, redis or scrapyd test, and the
# never-raises passes on a fixed seeded sample of pages (`--fast`: tests/conftest.py, markers
# registered in pyproject.toml). FAST_WORKERS test processes (pytest-xdist, one test file per
# process at a time); FAST_WORKERS=0 runs them in this process.
FAST_WORKERS ?= 2
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q --fast -n $(FAST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_match.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artifacts
