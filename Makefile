# The two commands a new user needs: `make demo` and `make test`. `make help` lists all.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: help demo test extract clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

demo: extract ## set up, extract the bundled reports in data/raw into data/processed, print a summary

test: $(INSTALLED) ## set up, then run every test
	$(BIN)/python -m pytest

extract: $(INSTALLED) ## extract data/raw into data/processed
	$(BIN)/python -m toolkit extract data/raw --out data/processed

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean: ## remove the environment and everything generated
	rm -rf $(VENV) data/processed/*.csv data/processed/*.parquet data/processed/records
