# Two entry points for a fresh machine with Python 3.11+ (see README):
#   make report   install into .venv, render the default organisation's report
#   make test     install into .venv, lint and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

ORG  ?= nongsaeng-prachinburi
YEAR ?= 2565

.PHONY: install report test lint screenshot bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

report: install
	$(BIN)/ita-analysis report --org $(ORG) --year $(YEAR)

# Refresh the README's picture of the seed report (needs Debian's chromium).
screenshot: install
	$(BIN)/python scripts/screenshot_readme.py

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/score.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/responses.py
	$(BIN)/python bench/thaibreak.py
	$(BIN)/python bench/cli_help.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
