# The two commands a new user needs: `make demo` and `make test`. `make help` lists all.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SHARED_CORPUS := ../shared/corpus
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
# the bundled reports: the notebooks read what they give (data/processed/sample), whatever else is in data/raw
SAMPLE := $(addprefix data/raw/,000_323c267c87cacc94.txt 001_45c66cdd23912b77.txt 002_1ee472de9be0b35c.txt \
            003_8d388e7911cc997b.txt 004_05aca36cc1e89005.txt)

.PHONY: help demo test extract review notebooks lab corpus ocr-answers clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

demo: extract review notebooks ## set up, extract the bundled reports, build data/processed, write the review pages and run the notebooks into reports/

test: extract ## set up, extract, then run every test (unit, end-to-end, notebooks), on every core
	$(BIN)/python -m pytest -n auto --dist loadscope

extract: $(INSTALLED) ## extract data/raw (+ the committed corpus statistics) into data/processed, the bundled sample into data/processed/sample
	$(BIN)/python -m toolkit extract $(SAMPLE) --records data/processed/corpus --out data/processed/sample --replace --quiet
	$(BIN)/python -m toolkit extract data/raw --records data/processed/corpus --out data/processed --replace; \
	  test $$? -le 1  # 1 = some of your files are listed in data/processed/failures.csv: the tables are written

review: $(INSTALLED) ## write reports/review: each report's tables beside its source (open reports/review/index.html)
	$(BIN)/python -m toolkit review data/processed --out reports/review

notebooks: $(INSTALLED) ## execute the notebooks, HTML copies in reports/
	$(BIN)/python -m jupyter nbconvert --to html --execute --output-dir reports $(NOTEBOOKS)

lab: $(INSTALLED) ## start JupyterLab on the notebooks (they read data/processed/sample: make extract first)
	$(BIN)/python -m jupyter lab notebooks

corpus: $(INSTALLED) ## re-extract the real reports of ../shared/corpus into data/processed/corpus (committed)
	$(BIN)/python -m toolkit extract --manifest $(SHARED_CORPUS)/MANIFEST.tsv --out data/processed/corpus --replace --quiet; \
	  test $$? -le 1  # 1 = some inputs are listed as failures, as expected

ocr-answers: extract ## renew tests/fixtures/ocr_answers (the OCR engine's answers for the test scans), after changing the OCR code or engine
	rm -rf tests/fixtures/ocr_answers
	OGI_OCR_CACHE=$(CURDIR)/tests/fixtures/ocr_answers $(BIN)/python -m pytest -n auto --dist loadscope -q

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean: ## remove the environment and everything generated (not the committed corpus statistics)
	rm -rf $(VENV) reports
	find data/processed -mindepth 1 -maxdepth 1 ! -name corpus -exec rm -rf {} +
