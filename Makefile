# The two Quickstart commands: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint bench dashboard clean

setup:
	@bash scripts/setup.sh

run: setup
	$(VENV)/bin/imssim $(ARGS)

# also installs Debian's chromium for the dashboard's browser test, when missing (root)
test:
	@bash scripts/setup.sh --browser
	$(VENV)/bin/ruff check src tests experiments
	$(VENV)/bin/ruff format --check src tests experiments
	$(PY) -m pytest -q

bench: setup
	$(VENV)/bin/imssim-bench

dashboard: setup
	$(VENV)/bin/imssim-dashboard $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
