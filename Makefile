# One entry point for every task. `make test` and `make demo` bootstrap everything they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
PKG := generated/wal_telemetry_api_client

.PHONY: venv node generate check-generated lint lint-spec test test-fast demo bench clean

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[all,dev]'
	touch $@

node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: venv
	rm -rf $(PKG)
	$(BIN)/openapi-python-client generate --path openapi.yaml --config generator-config.yaml \
	  --meta none --output-path $(PKG) --fail-on-warning
	touch $(PKG)/py.typed

check-generated: generate
	@changes=$$(git status --porcelain -- generated/); \
	if [ -n "$$changes" ]; then \
	  echo "generated/ differs from a fresh generation of openapi.yaml; run 'make generate' and commit:"; \
	  echo "$$changes"; exit 1; \
	fi; echo "generated/ matches openapi.yaml"

lint-spec: venv node
	$(BIN)/python -m openapi_spec_validator openapi.yaml
	spectral lint --fail-severity=warn openapi.yaml

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: venv node lint lint-spec check-generated
	$(BIN)/python -m pytest -q -p no:cacheprovider

demo: venv
	$(BIN)/wal-telemetry demo --output demo-output

bench: venv
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache demo-output
