# The two commands a new user needs: `make demo` and `make test`. `make help` lists all.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SHARED_CORPUS := ../shared/corpus
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

.PHONY: help demo test extract notebooks corpus clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

demo: extract notebooks ## set up, extract the bundled reports, build data/processed, run the notebooks into reports/

test: extract ## set up, extract, then run every test (unit, end-to-end, notebooks)
	$(BIN)/python -m pytest

extract: $(INSTALLED) ## extract data/raw (+ the committed corpus statistics) into data/processed
	$(BIN)/python -m toolkit extract data/raw --records data/processed/corpus --out data/processed

notebooks: $(INSTALLED) ## execute the notebooks, HTML copies in reports/
	$(BIN)/python -m jupyter nbconvert --to html --execute --output-dir reports $(NOTEBOOKS)

corpus: $(INSTALLED) ## re-extract the real reports of ../shared/corpus into data/processed/corpus (committed)
	$(BIN)/python -m toolkit extract --manifest $(SHARED_CORPUS)/MANIFEST.tsv --out data/processed/corpus --quiet; \
	  test $$? -le 1  # 1 = some inputs are listed as failures, as expected

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean: ## remove the environment and everything generated (not the committed corpus statistics)
	rm -rf $(VENV) reports
	find data/processed -mindepth 1 -maxdepth 1 ! -name corpus -exec rm -rf {} +
