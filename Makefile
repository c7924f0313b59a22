# LatePoint Front Office. `make run` for the demo, `make test` for the whole suite.
# Python 3.11 exactly (pyproject.toml: requires-python >=3.11,<3.12).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# Written last, only once everything is installed: a venv without it is half-built.
STAMP := $(VENV)/.installed
IS_PY311 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'
# The browser the e2e tests drive (passed to them as CHROMIUM_PATH).
CHROMIUM ?= $(or $(CHROMIUM_PATH),/usr/bin/chromium)
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8001
CUSTOMERS ?= 500

.PHONY: run test install chromium axe servers lint format check bench clean

# A venv whose Python is not 3.11 (or that does not run) is never reused: build it again.
ifneq ($(shell $(PY) $(IS_PY311) 2>/dev/null && echo ok),ok)
.PHONY: $(STAMP)
endif

$(STAMP): pyproject.toml
	@if [ -f $(STAMP) ] && $(PY) $(IS_PY311) 2>/dev/null; then \
		echo "Updating $(VENV) (pyproject.toml changed)..."; \
	else \
		if ! $(PYTHON) $(IS_PY311) 2>/dev/null; then \
			found=$$($(PYTHON) --version 2>/dev/null); \
			echo "make: $(VENV) needs Python 3.11; PYTHON=$(PYTHON) is $${found:-not found}." >&2; \
			echo "  Install it (Debian: apt-get install python3.11 python3.11-venv) or name" \
				"one: make PYTHON=/path/to/python3.11 ..." >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with $$($(PYTHON) --version)..."; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	rm -f $(STAMP)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) CUSTOMERS=$(CUSTOMERS) exec ./scripts/run.sh

# Debian's packages are installed by scripts/apt_install.sh: it waits (APT_LOCK_TIMEOUT, 120 s)
# while another install holds the package lock, saying so.
# Debian's Chromium for the browser tests: Playwright cannot download its own browser here.
chromium:
	@if [ ! -x "$(CHROMIUM)" ] && [ "$(CHROMIUM)" != /usr/bin/chromium ]; then \
		echo "make: CHROMIUM=$(CHROMIUM) is not an executable browser." >&2; exit 1; \
	fi
	@if [ ! -x "$(CHROMIUM)" ]; then \
		./scripts/apt_install.sh chromium; \
	fi

# axe-core, the npm package, for the browser tests' accessibility checks (tests/e2e/axe.py):
# installed from tests/e2e/package-lock.json into tests/e2e/node_modules (never a CDN), again
# when the lock file changes. Debian's nodejs and npm when npm is missing.
AXE := tests/e2e/node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@if ! command -v npm >/dev/null; then \
		./scripts/apt_install.sh nodejs npm; \
	fi
	@echo "Installing axe-core from npm into tests/e2e/node_modules..."
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	@touch $@

# PostgreSQL and Redis for the scale-out tests (tests/scaleout/), from Debian's packages: the
# tests start their own servers on free ports; nothing is started as a service.
servers:
	@PKGS=""; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null || \
		PKGS=" postgresql"; \
	command -v redis-server >/dev/null || PKGS="$$PKGS redis-server"; \
	if [ -n "$$PKGS" ]; then \
		./scripts/apt_install.sh $$PKGS; \
	fi

test: $(STAMP) chromium axe servers
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	CHROMIUM_PATH='$(CHROMIUM)' $(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check: $(STAMP)
	$(PY) manage.py check

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts tests/e2e/node_modules
