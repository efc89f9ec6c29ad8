# 颐养 Yiyang — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ELDERS ?= 30000
PG_URL ?= postgres://postgres@127.0.0.1:5432/yiyang
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run prepare setup test test-pg lint fmt typecheck bench demo worker messages clean help

help:
	@echo "make run      set up, load the demo district and serve http://$(HOST):$(PORT)"
	@echo "make test     the whole suite (lint, checks, unit, API, browser) on SQLite"
	@echo "make test-pg  the suite on PostgreSQL ($(PG_URL))"
	@echo "make bench    benchmarks at 2,000,000 elders on PostgreSQL (see bench/README.md)"
	@echo "make messages refresh and compile the English catalogs (needs GNU gettext)"

# --- set-up: each step re-runs only when its inputs change ---------------------------------
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	$(PIP) install -q --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian packages the browser tests need (Chromium driven by Playwright; never a downloaded browser).
.PHONY: system-packages
DEBIAN_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# Each package is checked, not just Chromium: a machine with Chromium but without the CJK fonts
# would print PDFs with empty boxes for every Chinese character.
system-packages:
	@if ! dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Chromium, CJK fonts and Pango from Debian…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	  else echo "Missing Debian packages ($(DEBIAN_PACKAGES)) and not root: browser and PDF tests may be skipped or fail."; fi; \
	fi

# --- run ---------------------------------------------------------------------------------
# `make run` serves as production does: debug off (Chinese error pages, no URL patterns shown), static
# files by WhiteNoise straight from the packages, session cookies over plain http on this machine.
RUN_ENV := YIYANG_DEBUG=0 YIYANG_SECURE_COOKIES=0 YIYANG_STATIC_FROM_PACKAGES=1
VAR_DIR := $(or $(YIYANG_VAR_DIR),var)

# The set-up steps of `make run`, safe to repeat: a second start never touches data (demo_all
# --if-empty answers in Python, not by parsing the shell's output).
prepare: setup
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	$(RUN_ENV) $(PY) manage.py demo_all --if-empty --elders $(ELDERS)

run: prepare
	@echo "Background worker: started (imports of large files and big documents run there)."
	@echo "admin / auditor 须两步验证：验证器添加密钥 YIYANGDEMOSECRETKEYFORTOTPLOGINS，或另开终端运行 $(PY) manage.py demo_otp 查看当前验证码。"
	@$(RUN_ENV) $(PY) manage.py worker --interval 1 >$(VAR_DIR)/worker.log 2>&1 & echo $$! >$(VAR_DIR)/worker.pid
	@trap 'kill $$(cat $(VAR_DIR)/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  echo "颐养 is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"; \
	  $(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT) --noreload

demo: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py demo_all --elders $(ELDERS) --reset

worker: setup
	$(PY) manage.py worker

# --- translation: each app keeps its catalog in <app>/locale, the project templates in locale/ ----
# The compiled .mo files are committed, so running the platform never needs GNU gettext.
APPS := $(patsubst %/,%,$(dir $(wildcard yiyang/*/apps.py)))
MAKEMESSAGES := makemessages -l en --no-obsolete --no-location
messages: setup
	@for app in $(APPS); do (cd $$app && mkdir -p locale && ../../$(PY) ../../manage.py $(MAKEMESSAGES) -v0); done
	$(PY) manage.py $(MAKEMESSAGES) -v0 --ignore='yiyang/*' --ignore='.venv/*' --ignore='node_modules/*' \
	  --ignore='tests/*' --ignore='bench/*' --ignore='config/*' --ignore='var/*'
	@# A fixed creation date: a catalog changes only when its messages do (no merge conflicts over a date).
	@find . -path ./.venv -prune -o -path ./node_modules -prune -o -name django.po -path '*/locale/en/*' -print \
	  | xargs sed -i 's/^"POT-Creation-Date: .*\\n"$$/"POT-Creation-Date: 2026-01-01 00:00+0800\\n"/'
	$(PY) manage.py compilemessages -l en -v0 --ignore='.venv' --ignore='node_modules' --ignore='var'

# --- quality ------------------------------------------------------------------------------
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(VENV)/bin/mypy yiyang config

test: setup system-packages
	$(VENV)/bin/ruff check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/mypy yiyang config
	$(VENV)/bin/pytest -n 2 --dist loadfile

test-pg: setup system-packages
	YIYANG_DATABASE_URL=$(PG_URL) $(PY) manage.py check --fail-level WARNING
	YIYANG_DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 --dist loadfile

bench: setup
	YIYANG_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/yiyang_bench} $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
