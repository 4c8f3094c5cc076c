# Two commands: `make book` builds the website, `make test` proves it.
# Both create .venv (Python 3.11) and install requirements.txt into it first,
# again whenever requirements.txt or pyproject.toml changes, and install the
# site's MathJax from package-lock.json into node_modules.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html

# TensorFlow's logging variables are set by ceutils.adapters, which everything
# that imports TensorFlow imports first.
export PYTHONHASHSEED := 0

.PHONY: help book test bench install clean

help:
	@echo "make book   build the website into $(HTML) (creates $(VENV) first)"
	@echo "make test   check notebooks, run unit tests and every notebook, build, check the site"
	@echo "make bench  re-measure accuracy, memory and speed into ceutils/data (not part of test)"
	@echo "make clean  remove _build (keeps $(VENV))"

# MathJax is served from the built site itself: npm installs the pinned copy.
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip check
	@touch $@

install: $(STAMP) $(NODE_STAMP)

book: $(STAMP) $(NODE_STAMP)
	@# Execute changed notebooks two at a time into the build's execution cache;
	@# the build then only renders (and executes nothing an unchanged rebuild).
	$(BIN)/python tools/execute_notebooks.py --jobs 2
	$(BIN)/jupyter-book build -W -n --keep-going .
	@test -f $(HTML)/index.html || { echo "error: $(HTML)/index.html was not produced" >&2; exit 1; }
	@echo "Book built: $(CURDIR)/$(HTML)/index.html"

NOTEBOOKS := $(shell find chapters reference -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null | sort)

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/nbstripout --verify $(NOTEBOOKS)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist worksteal --nbmake $(NOTEBOOKS) tests ceutils -m "not site"
	$(MAKE) --no-print-directory book
	$(BIN)/pytest -n 2 tests -m site

# Re-measures and rewrites the results in ceutils/data/ (about six minutes); `make test`
# only checks the committed results.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.accuracy
	$(BIN)/python -m benchmarks.memory
	$(BIN)/python -m benchmarks.speed

clean:
	rm -rf _build
