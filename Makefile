# Two commands do all set-up on a fresh machine with Python 3.11:
#   make packs   build the evidence packs (outputs/packs/)
#   make test    run the tests (reads ../shared/data when CARERLIB_DATA_MIRROR points there)
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.carerlib-installed
AREAS ?=

.PHONY: packs test lint install clean-outputs golden

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name carerlib --display-name "Python (carerlib)" >/dev/null
	touch $(STAMP)

install: $(STAMP)

packs: $(STAMP)
	$(VENV)/bin/carerlib packs $(if $(AREAS),--areas $(AREAS),)

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check carerlib tests benchmarks

clean-outputs:
	rm -rf outputs/packs

# Rebuild the golden packs and record their table hashes (commit with a reason why figures moved).
golden: $(STAMP)
	CARERLIB_DATA_MIRROR=$${CARERLIB_DATA_MIRROR:-../shared/data} $(PY) tests/golden.py
