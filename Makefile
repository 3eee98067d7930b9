# The two Quickstart commands: `make run` and `make test`; `make test-fast` for the inner loop.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test test-fast bench dashboard clean

setup:
	@bash scripts/setup.sh

run: setup
	$(VENV)/bin/imssim $(ARGS)

# also installs Debian's chromium for the dashboard's browser test, when missing (root)
test:
	@bash scripts/setup.sh --browser
	$(VENV)/bin/ruff check src tests experiments
	$(VENV)/bin/ruff format --check src tests experiments
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

# the tests not marked slow (each of those takes more than about 2 s): about a minute
test-fast: setup
	$(PY) -m pytest -q -m "not slow"

bench: setup
	$(VENV)/bin/imssim-bench

dashboard: setup
	$(VENV)/bin/imssim-dashboard $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
