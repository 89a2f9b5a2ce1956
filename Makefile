# One entry point for every task. `make test` and `make demo` bootstrap everything they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
PKG := generated/wal_telemetry_api_client
TS := sdks/typescript
TS_BIN := $(TS)/node_modules/.bin
TS_GENERATED := $(TS)/src/generated/openapi.ts

.PHONY: venv node generate check-generated lint lint-spec test demo check-report bench clean
.PHONY: ts-node ts-build test-ts spec-diff spec-check coverage-table

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

# The TypeScript client's toolchain (openapi-typescript, openapi-fetch, typescript), pinned in
# its own package-lock.json.
ts-node: $(TS)/node_modules/.installed
$(TS)/node_modules/.installed: $(TS)/package.json $(TS)/package-lock.json
	npm ci --prefix $(TS) --no-audit --no-fund --loglevel=error
	touch $@

generate: venv ts-node
	rm -rf $(PKG)
	$(BIN)/openapi-python-client generate --path openapi.yaml --config generator-config.yaml \
	  --meta none --output-path $(PKG) --fail-on-warning
	touch $(PKG)/py.typed
	$(TS_BIN)/openapi-typescript openapi.yaml --enum-values --output $(TS_GENERATED)
	$(BIN)/python scripts/generate_ts_units.py

check-generated: generate
	@changes=$$(git status --porcelain -- generated/ $(TS)/src/generated/); \
	if [ -n "$$changes" ]; then \
	  echo "generated code differs from a fresh generation of openapi.yaml; run 'make generate' and commit:"; \
	  echo "$$changes"; exit 1; \
	fi; echo "generated/ and $(TS)/src/generated/ match openapi.yaml"

# Compile the TypeScript client, its tests and scripts (tsc --strict) into $(TS)/dist, and check
# that the core entry point compiles without Node's types (tsconfig.core.json: web APIs only).
ts-build: ts-node
	$(TS_BIN)/tsc -p $(TS)/tsconfig.json
	$(TS_BIN)/tsc -p $(TS)/tsconfig.core.json

# Its tests start reference servers from the Python venv, and run the core under Deno too.
test-ts: ts-build venv
	node --test $(TS)/dist/test/*.test.js

# Breaking and non-breaking changes of openapi.yaml since BASE (a git revision); SPEC=file
# compares another file instead of the working tree's openapi.yaml. Fails on breaking changes
# without a new major info.version.
spec-diff: venv
	@test -n "$(BASE)" || { echo "usage: make spec-diff BASE=<git revision> [SPEC=file]"; exit 2; }
	$(BIN)/python scripts/spec_diff.py --base "$(BASE)" $(if $(SPEC),--spec "$(SPEC)")

# The CI gate: openapi.yaml must stay compatible with the first version of its major number.
spec-check: venv
	$(BIN)/python scripts/spec_diff.py --auto-base

coverage-table: venv
	$(BIN)/python scripts/coverage_table.py --write-readme

lint-spec: venv node
	$(BIN)/python -m openapi_spec_validator openapi.yaml
	spectral lint --fail-severity=warn openapi.yaml

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: venv node lint lint-spec check-generated spec-check test-ts
	WAL_TELEMETRY_REQUIRE_TS=1 $(BIN)/python -m pytest -q -p no:cacheprovider

demo: venv
	$(BIN)/wal-telemetry demo --output demo-output

# Open the demo's report from disk in headless Chromium (Debian's package, installed when missing)
# and fail unless every chart image loads.
check-report: demo
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	$(BIN)/python scripts/check_report.py demo-output/report/report.html \
	  --screenshot demo-output/report-screenshot.png

bench: venv ts-build
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache demo-output
	rm -rf $(TS)/node_modules $(TS)/dist
