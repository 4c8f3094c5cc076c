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
# The book's build and tests need every library: a notebook whose PyTorch,
# TensorFlow, Keras or scikit-learn is missing fails instead of showing a
# skipped row (ceutils.libraries). A reader's light install leaves it unset.
export CEUTILS_REQUIRE_FRAMEWORKS := 1

.PHONY: help book book-instructor pdf test test-pdf test-light-install bench install clean

help:
	@echo "make book   build the website into $(HTML) (creates $(VENV) first)"
	@echo "make pdf    build the website and the whole book as one PDF, $(PDF)"
	@echo "make test   check notebooks, run unit tests and every notebook, build, check the site"
	@echo "make test-pdf  print the whole book to PDF and test it (CI runs it after make test)"
	@echo "make test-light-install  run two chapters in a fresh venv with the wheel's light extra"
	@echo "make bench  re-measure accuracy, memory and speed into ceutils/data (not part of test)"
	@echo "make book-instructor  the book without solutions, into _build/instructor/_build/html"
	@echo "make clean  remove _build and $(EXECUTED) (keeps $(VENV))"

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

# Fill the execution cache (tools/execute_notebooks.py: a cache filled under other
# dependencies is emptied first; notebooks the tests just executed are taken from
# .executed/ if they pass its checks; the rest run two at a time), then render
# the book, which then executes nothing; add the whole-book PDF and the downloads a
# reader runs a chapter with (the sources as a zip and the wheel of ceutils,
# tools/downloads.py).
define render_book
$(BIN)/python -m tools.execute_notebooks --jobs 2
$(BIN)/jupyter-book build -W -n --keep-going .
@test -f $(HTML)/index.html || { echo "error: $(HTML)/index.html was not produced" >&2; exit 1; }
$(if $(filter 1,$(BOOK_PDF)),$(MAKE) --no-print-directory $(PDF))
$(if $(filter 1,$(BOOK_PDF)),@cp -p $(PDF) $(HTML)/)
$(if $(filter 1,$(BOOK_EXTRAS)),$(BIN)/python -m tools.downloads --out $(HTML)/download)
@echo "Book built: $(CURDIR)/$(HTML)/index.html"
endef

# The whole-book PDF and the downloads are part of every build; the build-integrity
# tests, which build a one-page book several times, set BOOK_EXTRAS=0 to skip them.
BOOK_EXTRAS ?= 1
# The PDF (about 1.5 min to print) is left to `make test-pdf`, so that `make test` keeps
# to its time budget; `make book` and `make pdf` always print it.
BOOK_PDF ?= $(BOOK_EXTRAS)

# nbmake's executed copies of the notebooks on their way to the build
# (tools/handover.py). Both targets delete it first: nothing from an earlier or
# failed run reaches the book.
EXECUTED := .executed

book: $(STAMP) $(NODE_STAMP)
	rm -rf $(EXECUTED)
	$(render_book)

# The whole book as one PDF, offered for download by the website: Jupyter Book's
# single-page build printed by Debian's Chromium (tools/book_pdf.py). Rebuilt
# only when the content of a page, stylesheet or figure of the website changed
# (a checksum, since Sphinx rewrites some files unchanged on every build).
PDF := _build/pdf/cross-entropy-executable.pdf
PDF_INPUTS := _build/pdf/.inputs.sha1

pdf: book

# Always checked; its date changes only when the checksum does.
$(PDF_INPUTS): FORCE
	@mkdir -p $(dir $@)
	@find $(HTML) -type f \( -name '*.html' -o -name '*.css' -o -name '*.png' \) -print0 \
	  | sort -z | xargs -0 sha1sum | sha1sum > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

.PHONY: FORCE
FORCE:

$(PDF): $(PDF_INPUTS) tools/book_pdf.py
	$(BIN)/jupyter-book build -W -n --keep-going --builder singlehtml .
	$(BIN)/python -m tools.book_pdf --html _build/singlehtml --out $@

NOTEBOOKS := intro.ipynb $(shell find chapters reference -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null | sort)

# nbmake runs fresh copies of the notebooks and writes each executed copy back
# (--overwrite), so that the build can use their outputs.
test: BOOK_PDF = 0
test: $(STAMP) $(NODE_STAMP)
	rm -rf $(EXECUTED)
	$(BIN)/nbstripout --verify $(NOTEBOOKS)
	$(BIN)/ruff check .
	$(BIN)/python -m tools.handover $(NOTEBOOKS)
	$(BIN)/pytest -n 2 --dist worksteal --nbmake --overwrite $(addprefix $(EXECUTED)/,$(NOTEBOOKS)) tests ceutils -m "not site and not light_install"
	$(render_book)
	$(BIN)/pytest -n 2 tests -m "site and not pdf"

# The whole-book PDF, printed from the book `make test` built (nothing is executed
# again), and the tests of it and of the site's link to it. Run by CI after `make test`.
test-pdf: $(STAMP) $(NODE_STAMP)
	$(MAKE) --no-print-directory pdf
	$(BIN)/pytest -n 2 tests -m pdf

# A reader's route, in a fresh virtual environment: the wheel built as `make book` builds
# it, installed with its light extra (pip's cache is used), two chapters executed there.
# About 1.5 min; run by CI after `make test` (.ci/run), not part of it (its time budget).
# The test unsets CEUTILS_REQUIRE_FRAMEWORKS there: that install has no PyTorch or TensorFlow.
test-light-install: $(STAMP)
	$(BIN)/pytest tests -m light_install

# The book without solutions, for instructors (_ext/instructor.py), in its own folder;
# it reuses the main build's execution cache, so run `make book` first.
book-instructor: book
	$(BIN)/python -m tools.instructor
	$(BIN)/jupyter-book build -W -n --keep-going --config _build/instructor/_config.yml \
	  --path-output _build/instructor .
	@echo "Book without solutions: $(CURDIR)/_build/instructor/_build/html/index.html"

# Re-measures and rewrites the results in ceutils/data/ (about six minutes); `make test`
# only checks the committed results.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.accuracy
	$(BIN)/python -m benchmarks.memory
	$(BIN)/python -m benchmarks.speed

clean:
	rm -rf _build $(EXECUTED)
