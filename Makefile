# kb: see README.md. `make run` serves the shipped corpus; `make test` runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KB_HOME ?= instance
export KB_HOME

.PHONY: run test format install load clean reset bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

load: install
	$(BIN)/kb ingest corpus/documents
	$(BIN)/kb list

run: load
	$(BIN)/kb serve --host 127.0.0.1 --port 5000

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Benchmarks (bench/README.md); never part of `make test`. wrk comes from Debian.
bench: install
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	BENCH_SIZES=$${BENCH_SIZES:-1000,10000} $(BIN)/python -m bench.run
	if [ "$${BENCH_RELIABILITY:-1}" != 0 ]; then $(BIN)/python -m bench.reliability; fi

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

reset:
	rm -rf $(KB_HOME)

clean: reset
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
