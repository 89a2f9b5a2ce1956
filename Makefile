# One entry point for every task. `make test` and `make demo` bootstrap everything they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
PKG := generated/wal_telemetry_api_client
# Our overrides of the generator's templates (the rest are its built-ins): lazy package inits.
TEMPLATES := generator-templates
TS := sdks/typescript
TS_BIN := $(TS)/node_modules/.bin
TS_GENERATED := $(TS)/src/generated/openapi.ts
# The sync clients, rewritten from their async sources by scripts/unasync.py.
SYNC_TWINS := wal_telemetry_sdk/_sync

.PHONY: venv node generate check-generated lint lint-spec test demo charts check-report bench clean
.PHONY: ts-node ts-build test-ts spec-diff spec-check coverage-table test-min-deps
.PHONY: prometheus chromium check-prometheus integrations

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@echo "setting up $(VENV): the SDK with every extra and the dev tools (first run: 1-2 minutes)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -e '.[all,dev]' \
	  | sed -un 's/^Collecting \([^ ;]*\).*/  collecting \1/p; s/^Successfully installed.*/  installed/p'
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
	  --meta none --output-path $(PKG) --fail-on-warning --custom-template-path $(TEMPLATES)
	touch $(PKG)/py.typed
	$(TS_BIN)/openapi-typescript openapi.yaml --enum-values --output $(TS_GENERATED)
	$(BIN)/python scripts/generate_ts_units.py
	$(BIN)/python scripts/unasync.py

check-generated: venv
	$(BIN)/python scripts/unasync.py --check
	$(MAKE) --no-print-directory generate
	@changes=$$(git status --porcelain -- generated/ $(TS)/src/generated/ $(SYNC_TWINS)); \
	if [ -n "$$changes" ]; then \
	  echo "generated code differs from a fresh generation (openapi.yaml, $(TEMPLATES)/); run 'make generate' and commit:"; \
	  echo "$$changes"; exit 1; \
	fi; echo "generated/ and $(TS)/src/generated/ match openapi.yaml; $(SYNC_TWINS) match _async/"

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

# The unit tests again in a venv holding the declared minimum versions of the core dependencies
# (scripts/minimum_versions.py), so every floor in pyproject.toml is a tested version.
MIN_VENV := .venv-min
UNIT_TESTS := tests/conformance/test_conformance.py tests/client/test_faults.py \
  tests/client/test_arguments.py tests/client/test_config.py tests/client/test_files.py \
  tests/client/test_dialects.py tests/analysis/test_timeseries.py tests/analysis/test_alerts.py \
  tests/analysis/test_reports_poller.py tests/conformance/test_lean_parsing.py
test-min-deps: venv
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  $$($(BIN)/python scripts/minimum_versions.py) pytest==9.2.0 pytest-asyncio==1.5.0 \
	  'pytest-timeout>=2.3' respx==0.23.1 'pyyaml>=6'
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(MIN_VENV)/bin/python -m pytest -q -p no:cacheprovider -p no:wal_telemetry_server $(UNIT_TESTS)

test: venv node prometheus chromium lint lint-spec check-generated spec-check test-ts test-min-deps
	WAL_TELEMETRY_REQUIRE_TS=1 $(BIN)/python -m pytest -q -p no:cacheprovider

demo: venv
	$(BIN)/wal-telemetry demo --output demo-output

# Every chart type over the demo's 24 h, drawn by the server (demo-output/charts/*.png) and by the
# client (demo-output/charts/client/), and an empty selection's; fails unless each is a PNG.
charts: venv
	$(BIN)/python scripts/chart_gallery.py --output demo-output/charts

# Open the demo's report from disk in headless Chromium and fail on a console error, a chart
# that does not render, a request leaving the machine, or hover and zoom that do not respond;
# screenshots of the first screen (1400x900) and of the whole page land in demo-output/.
check-report: demo charts chromium
	$(BIN)/python scripts/check_report.py demo-output/report/report.html --min-charts 8 \
	  --screenshot demo-output/report-first-screen.png \
	  --full-page demo-output/report-full-page.png

# Chromium (Debian's package, installed when missing) for the report's browser tests.
chromium:
	command -v chromium >/dev/null || { \
	  apt-get update -qq && apt-get install -y -qq chromium; }

# Prometheus and promtool (Debian's package, installed when missing) for the exporter's tests.
prometheus:
	command -v prometheus >/dev/null && command -v promtool >/dev/null || { \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; }

# The exporter against a real Prometheus: scrapes, stored values, dashboard queries, alert rules.
check-prometheus: venv prometheus
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/exporter

# The shipped Prometheus alerting rules, made from the SDK alert rules in integrations/.
integrations: venv
	$(BIN)/wal-telemetry alerts export --file integrations/alert-rules.txt \
	  --output integrations/prometheus/wal-telemetry-alerts.yml

bench: venv ts-build
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(MIN_VENV) node_modules .mypy_cache .ruff_cache .pytest_cache demo-output
	rm -rf $(TS)/node_modules $(TS)/dist
