# The two Quickstart commands: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint bench clean

setup:
	@bash scripts/setup.sh

run: setup
	$(VENV)/bin/imssim $(ARGS)

test: setup
	$(VENV)/bin/ruff check src tests experiments
	$(VENV)/bin/ruff format --check src tests experiments
	$(PY) -m pytest -q

bench: setup
	$(VENV)/bin/imssim-bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
