# CSM developer commands. A fresh machine needs only Python 3.11+ and make: uv is bootstrapped
# into .uv-bootstrap/ and installs the locked dependencies into .venv/. Every target is safe to
# re-run; when nothing changed, `make install` does nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
UV_VERSION := 0.13.8
BOOTSTRAP := .uv-bootstrap
UV := $(BOOTSTRAP)/bin/uv
UV_STAMP := $(BOOTSTRAP)/.uv-$(UV_VERSION)
VENV := .venv
BIN := $(VENV)/bin
CSM := $(BIN)/csm
SYNCED := $(VENV)/.synced
DEMO_ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
LOCALES := pl zh_Hans
GETTEXT_IGNORE := --ignore=.venv --ignore=.uv-bootstrap --ignore=var --ignore=bench --ignore=test-artifacts \
	--ignore='*/tests/*'

# uv uses the Python it is given and never downloads one; the environment is always ./.venv.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: help install demo test lint bench messages clean distclean

help:
	@echo "make install    install the locked dependencies into .venv/ (bootstraps uv; needs Python 3.11+)"
	@echo "make demo       migrate, reset the demo data, print the logins and serve on http://$(DEMO_ADDR)/"
	@echo "make test       ruff, mypy, import-linter, migration check, then pytest (CSM_ENV=test)"
	@echo "make lint       the static checks of make test, without pytest"
	@echo "make bench      run the benchmarks in bench/ (one JSON object per line)"
	@echo "make messages   extract and compile translations (developers; needs GNU gettext)"
	@echo "make clean      remove caches; make distclean also removes .venv/ and .uv-bootstrap/"

install: $(SYNCED)

$(UV_STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "CSM needs Python 3.11 or newer as '$(PYTHON)'; run e.g. make PYTHON=python3.12 ..." >&2; exit 1; }
	@echo "==> Bootstrapping uv $(UV_VERSION) into $(BOOTSTRAP)/"
	@rm -rf $(BOOTSTRAP)
	@$(PYTHON) -m venv $(BOOTSTRAP) || { \
		echo "'$(PYTHON) -m venv' failed; on Debian or Ubuntu install it with: apt-get install python3-venv" >&2; \
		exit 1; }
	@$(BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@touch $@

$(SYNCED): uv.lock pyproject.toml $(UV_STAMP)
	@echo "==> Installing the locked dependencies into $(VENV)/ (uv sync --frozen)"
	@$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

demo: $(SYNCED)
	@mkdir -p var
	@echo "==> Migrating the database"
	@$(CSM) migrate --noinput --verbosity 0
	@$(CSM) createcachetable --verbosity 0
	@echo "==> Loading the demo data"
	@$(CSM) seed-demo --reset --url "http://$(DEMO_ADDR)"
	@echo "==> Serving CSM on http://$(DEMO_ADDR)/ with a background worker (e-mails print here; Ctrl+C stops both)"
	@$(CSM) worker --no-reload --verbosity 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		CSM_BASE_URL="http://$(DEMO_ADDR)" $(CSM) runserver --noreload "$(DEMO_ADDR)"

lint: $(SYNCED)
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@echo "==> mypy"
	@$(BIN)/mypy csm config
	@echo "==> import-linter"
	@$(BIN)/lint-imports
	@echo "==> migrations are up to date"
	@CSM_ENV=test $(CSM) makemigrations --check --dry-run --verbosity 1

# pytest exits with 5 when it collected no tests; that fails the build like any other error.
test: lint
	@database="$${DATABASE_URL:-sqlite://}"; echo "==> pytest on $${database%%:*}"
	@CSM_ENV=test $(BIN)/pytest $(PYTEST_ARGS) || { status=$$?; \
		if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure." >&2; fi; \
		exit $$status; }

bench: $(SYNCED)
	@$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: $(SYNCED)
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext" >&2; exit 1; }
	@$(CSM) makemessages --no-obsolete $(addprefix --locale=,$(LOCALES)) $(GETTEXT_IGNORE)
	@$(CSM) compilemessages $(addprefix --locale=,$(LOCALES)) $(GETTEXT_IGNORE)

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache bench/out test-artifacts
	find . \( -path ./.venv -o -path ./.uv-bootstrap -o -path ./.git \) -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(BOOTSTRAP)
