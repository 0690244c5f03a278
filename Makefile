# The README's two commands are `make paper` (set up, then regenerate every figure) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup paper quick test export clean-check
setup: $(VENV)/.installed

$(VENV)/.installed: settings.ini setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0      # the CPU wheel; an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

## main job: nbdev_export, then papermill over nbs/10-49 at paper size (figures/ and _runs/paper/)
paper: setup
	$(BIN)/genediff-paper --preset paper

## the same notebooks at quick size (figures/quick/ and _runs/quick/)
quick: setup
	$(BIN)/genediff-paper --preset quick

## tests: the library notebooks' examples (nbdev_test), the experiment notebooks end to end at quick size
## (the quick preset through papermill, as the paper preset runs them), then pytest on two workers (pytest-xdist; a
## test file stays on one worker, so its module fixtures are built once)
test: setup
	$(BIN)/nbdev_test --n_workers 1 --timing --file_re '^0'
	$(BIN)/genediff-paper --preset quick
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=10 tests

export: setup
	$(BIN)/nbdev_export

## notebooks clean and package in sync with them (what CI checks)
clean-check: setup
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean
	@git diff --exit-code --stat -- nbs genediff_nb || { echo "nbdev_export/nbdev_clean changed files: commit clean, exported notebooks"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- nbs genediff_nb)" || { git status --porcelain -- nbs genediff_nb; echo "untracked files appeared in nbs/ or genediff_nb/"; exit 1; }
