# Dateline: `make run` to start, `make test` to check everything. Both bootstrap from a bare python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
HTMX_VERSION := 2.0.11

.PHONY: run install test test-fast test-db browsers web-checks lint bench vendor-htmx clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Dateline needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo 'python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)'; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, load the sample articles into an empty database, serve on PORT (default 8000)
run: install
	$(BIN)/dateline db upgrade
	$(BIN)/dateline load-samples
	PORT=$(PORT) $(BIN)/dateline serve --port $(PORT)

## browsers: Debian's Chromium for the browser tests (installed when missing and we may use apt)
browsers:
	@sh scripts/ensure-chromium.sh

## web-checks: the pinned Lighthouse and Nu HTML checker (tools/web-checks/package-lock.json) for the page tests
WEB_CHECKS := tools/web-checks
WEB_STAMP  := $(WEB_CHECKS)/node_modules/.installed-stamp
$(WEB_STAMP): $(WEB_CHECKS)/package.json $(WEB_CHECKS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(WEB_CHECKS) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed-stamp; \
	else echo "note: npm is not installed; the Lighthouse and Nu checker tests will be skipped (apt-get install npm)"; fi

web-checks: $(WEB_STAMP)

## test: the whole suite
test: install browsers web-checks
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy app
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser"

## test-db: the database tests only (CI runs them again on PostgreSQL)
test-db: install
	$(BIN)/python -m pytest -m db

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy app

## bench: every benchmark (ratios against a baseline measured in the same run); BENCH="--quick" for a smoke run
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench $(BENCH)

vendor-htmx:
	cd /tmp && rm -rf htmx-pack && mkdir htmx-pack && cd htmx-pack && npm pack htmx.org@$(HTMX_VERSION) && tar xzf htmx.org-$(HTMX_VERSION).tgz
	cp /tmp/htmx-pack/package/dist/htmx.min.js static/vendor/htmx/htmx.min.js
	cp /tmp/htmx-pack/package/LICENSE static/vendor/htmx/LICENSE

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts $(WEB_CHECKS)/node_modules
