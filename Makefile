# Model collapse: an executable textbook.
#
#   make book       build the HTML book into _build/html (chapters executed, zero warnings)
#   make student    build the student edition (no solutions) into _build/student/_build/html
#   make student-notebooks  the hand-out archive _build/student-notebooks.zip
#   make pdf        the PDF of the book (with solutions) into _build/latex, linked from the HTML
#   make student-pdf  the PDF of the student edition
#   make test       lint, then every test (library and its doctests, chapters, sync,
#                   book builds, PDFs, hand-out, browser)
#   make test-fast  lint, then skip the slow, book-build and browser tests
#   make lint       ruff lint and format check
#   make lab        open the chapters as notebooks in JupyterLab
#   make lab-latency  measure the explorers' latency in JupyterLab (quiet machine)
#   make clean      remove build products (keeps .venv and node_modules)
#
# Needs python3 (3.11.5 or newer, with venv), make and npm; the PDFs need TeX Live
# (XeLaTeX, latexmk) and the DejaVu fonts. Everything else is installed from the
# pinned files requirements/lock.txt and package-lock.json.

SHELL := /bin/bash
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD_FLAGS := -W -n --keep-going
CACHE := _build/.jupyter_cache
VENDOR := _vendor
MATHJAX := node_modules/mathjax
HTML_MANAGER := node_modules/@jupyter-widgets/html-manager
PYTEST_ARGS ?=

# jupyter-cache hashes only a notebook's code cells, so the execution cache is keyed
# on the code the chapters import as well: a change to any collapse_lib/*.py (or to the
# benchmark script and its results, which the appendix loads) re-executes every chapter.
LIB_HASH = $(shell find collapse_lib benchmarks -type f \( -name '*.py' -o -name '*.json' \) \
	-not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -c1-16)

.PHONY: book student student-notebooks pdf student-pdf tex-check handout-requirements \
	setup git-filter vendor test test-fast lint lab lab-latency clean help

help:
	@sed -n '3,19p' Makefile

# --- environment -------------------------------------------------------------------

setup: $(VENV)/.stamp-setup node_modules/.stamp-npm git-filter

# The interpreter is checked first: the pinned lock needs Python 3.11 and the book
# build 3.11.5 (requires-python in pyproject.toml), and pip's own error is cryptic.
$(VENV)/.stamp-setup: requirements/lock.txt pyproject.toml
	@$(PYTHON) tools/check_python.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The nbstripout git filter (.gitattributes names it for chapters/*.ipynb): a notebook
# saved with outputs in JupyterLab is committed without them, cell ids kept. The command
# is relative to the working tree, so every clone or worktree uses its own .venv.
# Outside a git repository (an unpacked archive) there is nothing to install.
NBSTRIPOUT := $(BIN)/python -m nbstripout --keep-id
git-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean "$(NBSTRIPOUT)" && \
	  git config filter.nbstripout.smudge cat && \
	  git config diff.ipynb.textconv "$(NBSTRIPOUT) -t" && \
	  echo "git filter nbstripout installed for chapters/*.ipynb (see .gitattributes)"; \
	fi

$(VENV)/.stamp-lab: $(VENV)/.stamp-setup requirements/lab.txt
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -r requirements/lab.txt
	@touch $@

node_modules/.stamp-npm: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# --- offline front-end assets --------------------------------------------------------
# Copied into _vendor/ (listed in html_static_path), not _static/: Jupyter Book 1 would
# inject every .js/.css found under _static/ into every page.

vendor: $(VENDOR)/.stamp-vendor

$(VENDOR)/.stamp-vendor: node_modules/.stamp-npm
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/mathjax/output/chtml/fonts $(VENDOR)/mathjax/input/tex $(VENDOR)/widgets
	cp $(MATHJAX)/es5/tex-mml-chtml.js $(MATHJAX)/LICENSE $(VENDOR)/mathjax/
	cp -r $(MATHJAX)/es5/output/chtml/fonts/woff-v2 $(VENDOR)/mathjax/output/chtml/fonts/
	cp -r $(MATHJAX)/es5/input/tex/extensions $(VENDOR)/mathjax/input/tex/
	cp -r $(MATHJAX)/es5/ui $(MATHJAX)/es5/a11y $(MATHJAX)/es5/sre $(VENDOR)/mathjax/
	cp $(HTML_MANAGER)/dist/embed.js $(HTML_MANAGER)/dist/embed.js.LICENSE.txt $(VENDOR)/widgets/
	cp $(HTML_MANAGER)/dist/*.woff $(HTML_MANAGER)/dist/*.woff2 $(HTML_MANAGER)/dist/*.ttf \
	   $(HTML_MANAGER)/dist/*.eot $(HTML_MANAGER)/dist/*.svg $(VENDOR)/widgets/
	@touch $@

# --- the book ----------------------------------------------------------------------

book: setup vendor
	@hash=$(LIB_HASH); fresh=; \
	if [ "$$(cat $(CACHE)/collapse_lib.hash 2>/dev/null)" != "$$hash" ]; then \
	  echo "library code changed (or no cache yet): clearing the execution cache"; \
	  rm -rf $(CACHE); fresh=--all; \
	fi; \
	$(BIN)/jupyter-book build . $(BUILD_FLAGS) $$fresh && \
	mkdir -p $(CACHE) && echo "$$hash" > $(CACHE)/collapse_lib.hash
	@echo "The book is at: $(CURDIR)/_build/html/index.html"

# --- the student edition --------------------------------------------------------------
# The same sources with every solution removed (tools/student_edition.py). The code cells
# are the same as in the instructor edition, so after `make book` every chapter is a hit
# in the shared execution cache and nothing is executed again.

STUDENT := _build/student

student: book
	$(BIN)/python tools/student_edition.py config $(STUDENT)/_config.yml --cache $(CACHE)
	$(BIN)/jupyter-book build . --path-output $(STUDENT) --config $(STUDENT)/_config.yml \
	  $(BUILD_FLAGS) --all
	@echo "The student edition is at: $(CURDIR)/$(STUDENT)/_build/html/index.html"

# The hand-out archive (tools/handout.py) needs only nbformat, jupytext, PyYAML and
# setuptools: a small virtual environment of its own, no npm, browser or test tools.
HANDOUT_VENV ?= .venv-handout
HANDOUT_ZIP ?= _build/student-notebooks.zip

$(HANDOUT_VENV)/.stamp: requirements/handout-build.txt
	@$(PYTHON) tools/check_python.py
	@test -x $(HANDOUT_VENV)/bin/python || $(PYTHON) -m venv $(HANDOUT_VENV)
	$(HANDOUT_VENV)/bin/python -m pip install --quiet -r requirements/handout-build.txt
	@touch $@

# The notebooks are first turned into plain Markdown with the numbers and outputs of the
# book's build (tools/plain_notebook.py, in .venv), then packed in the small venv.
# HANDOUT_EXECUTED names another build's executed notebooks (no `make book` then).
HANDOUT_EXECUTED ?= _build/jupyter_execute
HANDOUT_PLAIN ?= _build/handout-notebooks
student-notebooks: $(if $(filter _build/jupyter_execute,$(HANDOUT_EXECUTED)),book,setup) \
		$(HANDOUT_VENV)/.stamp
	rm -rf $(HANDOUT_PLAIN)
	$(BIN)/python tools/plain_notebook.py $(HANDOUT_EXECUTED) $(HANDOUT_PLAIN)
	$(HANDOUT_VENV)/bin/python tools/handout.py $(HANDOUT_ZIP) --notebooks $(HANDOUT_PLAIN)

# Refresh requirements/handout.txt after a change of the lock: resolve the hand-out's
# packages in a fresh environment, constrained to the versions of lock.txt and lab.txt.
HANDOUT_PACKAGES := numpy scipy matplotlib ipywidgets ipykernel myst-nb wordfreq scikit-learn xarray tqdm \
	jupyterlab jupyterlab_myst nbconvert
handout-requirements:
	rm -rf _build/handout-resolve && $(PYTHON) -m venv _build/handout-resolve
	_build/handout-resolve/bin/python -m pip install --quiet -c requirements/lock.txt \
	  -c requirements/lab.txt $(HANDOUT_PACKAGES)
	{ sed -n '/^#/p' requirements/handout.txt; \
	  _build/handout-resolve/bin/python -m pip freeze | LC_ALL=C sort -f; } > requirements/handout.txt.new
	mv requirements/handout.txt.new requirements/handout.txt

# --- the PDF editions -----------------------------------------------------------------
# XeLaTeX through Jupyter Book's pdflatex builder, from the execution cache of the HTML
# build (no chapter runs again). The PDF is copied next to the HTML pages, whose footer
# links to it; its name is `book_pdf` of the configuration.

book_pdf = $(shell sed -n 's/^ *book_pdf: *\([^ #]*\).*/\1/p' $(1))

# Checked before the (long) book build, with any Python 3.
tex-check:
	@$(PYTHON) tools/check_tex.py

pdf: tex-check book
	$(BIN)/jupyter-book build . --builder pdflatex $(BUILD_FLAGS)
	cp _build/latex/$(call book_pdf,_config.yml) _build/html/
	@echo "The PDF is at: $(CURDIR)/_build/latex/$(call book_pdf,_config.yml)"

student-pdf: tex-check student
	$(BIN)/jupyter-book build . --builder pdflatex --path-output $(STUDENT) \
	  --config $(STUDENT)/_config.yml $(BUILD_FLAGS)
	cp $(STUDENT)/_build/latex/$(call book_pdf,$(STUDENT)/_config.yml) $(STUDENT)/_build/html/
	@echo "The student PDF is at: $(CURDIR)/$(STUDENT)/_build/latex/$(call book_pdf,$(STUDENT)/_config.yml)"

# --- tests -------------------------------------------------------------------------

# The JupyterLab test (tests/test_lab.py) needs the Lab extras of `make lab`.
test: setup vendor lint $(VENV)/.stamp-lab
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup lint
	$(BIN)/python -m pytest -m "not slow and not book and not browser" $(PYTEST_ARGS)

# Lint and format check of the library, tests, benchmarks, tools and the chapters' code
# (ruff, pinned in the lock; the paired notebooks are linted, never formatted).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# --- notebooks -----------------------------------------------------------------------
# JupyterLab on chapters/ with the book's Lab configuration (jupyter/, see tools/lab.py):
# a double-click opens chapters/NAME.md as a notebook (jupytext), jupyterlab-myst renders
# the MyST directives, roles, math and the {eval} numbers, the explorers are live.

LAB_ARGS ?=
lab: $(VENV)/.stamp-lab
	$(BIN)/python tools/lab.py $(LAB_ARGS)

# Live-explorer latency in JupyterLab and Chromium (benchmarks/lab_latency.py); run it on
# a quiet machine: it writes benchmarks/lab_latency.json, shown in the benchmarks appendix.
lab-latency: $(VENV)/.stamp-lab
	$(BIN)/python benchmarks/lab_latency.py

clean:
	rm -rf _build $(VENDOR) .pytest_cache tests/artifacts
