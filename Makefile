# gitops-platform: every target sets itself up on a fresh clone (Python 3.11+, Node.js, npm, Go, git).
#   make synth     render dist/ through `cdk8s synth`, and the generated docs/slo.md, docs/architecture.md
#   make test      lint, type-check, the test suite and `make validate`
#   make validate  the validation pipeline on dist/, strict (or DIST=path for another tree)
#   make package   the wheel and sdist into build/package/ (dist/ is the rendered tree)
#   make bench     the scale benchmark (quick: BENCH_SIZES=10,100 BENCH_ARGS="--out /tmp/bench")
#   make imports   regenerate the CRD bindings in imports/
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
UV_VERSION := 0.13.9
UV := $(ROOT)/.tools/uv/bin/uv
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
BIN := $(ROOT)/bin
NODE_BIN := $(ROOT)/node_modules/.bin

# jsii runs on the pinned Node.js from the npm registry, never the machine's (Node 20 is end-of-life).
export JSII_NODE := $(NODE_BIN)/node
export PATH := $(NODE_BIN):$(BIN):$(VENV)/bin:$(PATH)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export GITOPS_PLATFORM_UPSTREAM ?= $(abspath $(ROOT)/../shared/upstream)

DIST ?= dist
UPSTREAM_DIR ?= .build/upstream
PYTEST_ARGS ?=
PACKAGE_DIR ?= build/package
BENCH_SIZES ?= 10,100,1000,3000
BENCH_ARGS ?=

.PHONY: help setup synth upstream imports test lint typecheck unit validate tools snapshots package bench clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/^([a-z-]+):.*## /\1|/' | awk -F'|' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(ROOT)/.tools/uv
	$(ROOT)/.tools/uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.synced node_modules/.installed ## Python and Node toolchains

synth: setup ## render dist/ with cdk8s synth, then say whether dist/ changed
	cdk8s synth --no-check-upgrade >/dev/null
	$(PY) -m gitops_platform.docs.render platform/main.py docs
	@changed="$$(git status --porcelain -- dist | wc -l)"; \
	if [[ "$$changed" -eq 0 ]]; then echo "dist/ unchanged"; \
	else echo "dist/ changed: $$changed files (git status -- dist; review with git diff -- dist)"; fi

upstream: setup ## download the upstream reference data into UPSTREAM_DIR (needs internet)
	$(PY) scripts/fetch_upstream.py $(UPSTREAM_DIR)

imports: setup ## regenerate imports/ (FROM=upstream downloads the URLs in cdk8s.yaml)
	$(PY) scripts/import_crds.py $(if $(filter upstream,$(FROM)),--from-upstream,)

lint: setup ## ruff check, ruff format --check and the import contracts (lint-imports)
	$(PY) -m ruff check platform tests scripts benchmarks
	$(PY) -m ruff format --check platform tests scripts benchmarks
	$(VENV)/bin/lint-imports --no-logo --cache-dir .build/import-linter

typecheck: setup ## mypy --strict
	$(PY) -m mypy

unit: setup tools ## pytest (PYTEST_ARGS=... to select)
	$(PY) -m pytest $(PYTEST_ARGS)

test: tools lint typecheck unit validate ## everything CI runs: set-up, lint, types, tests, validation

tools: ## the pinned Go tools (helm, kubeconform, gator, kustomize) in bin/
	scripts/install_tools.sh

validate: setup tools ## the validation pipeline on $(DIST); freshness only for the repository's own dist
	$(PY) -m gitops_platform.validation $(DIST) --strict $(if $(filter dist,$(DIST)),,--no-freshness)

package: setup ## the wheel and sdist into PACKAGE_DIR (build/package)
	rm -rf $(PACKAGE_DIR)
	$(UV) build --out-dir $(PACKAGE_DIR)

snapshots: setup tools ## regenerate syrupy snapshots on purpose, then review `git diff`
	$(PY) -m pytest --snapshot-update $(PYTEST_ARGS)

bench: setup tools ## N services x 2 envs: synth, plain-Python bound, validate; table+plot in benchmarks/results
	$(PY) benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

clean: ## remove every generated tool, environment and cache
	rm -rf .build .venv .tools node_modules bin build
