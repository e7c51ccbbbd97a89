# Khruakhai: `make run` to try it, `make test` to test it.
SHELL := /bin/bash
PY := .venv/bin/python
UV := python3 -m uv
MANAGE := $(PY) manage.py
export DJANGO_SETTINGS_MODULE ?= config.settings

# DEBUG is off unless asked for (config/settings.py): these development targets ask,
# and what they start (Procfile: web, worker, beat) inherits it. An explicit DEBUG in
# the environment wins. `make test` needs nothing: pytest's session says it is a test.
run demo migrate messages lint backup restore: export DEBUG ?= true

.PHONY: run test install messages migrate demo lint format bench e2e-deps clean help backup restore

help:
	@echo "make run    - install, migrate, load the demo and start web + worker + beat on :8000 (PORT=8080 to change)"
	@echo "make test   - the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint   - ruff, manage.py check and makemigrations --check"
	@echo "make bench  - benchmarks (not part of make test)"
	@echo "make backup - one dated archive (database, media, seal certificate) in var/backups or \$$BACKUP_DIR"
	@echo "              (BACKUP_ARGS=--with-private-key adds the seal key, encrypted with \$$BACKUP_PASSPHRASE)"
	@echo "make restore FILE=var/backups/khruakhai-backup-....tar.gz - restore into an empty installation"

# The interpreter .venv is made with (VENV_PYTHON=/path/to/python3, or a command on the
# PATH, to choose another). A distribution's CPython (Debian's /usr/bin/python3, like
# the python:3.11 image the Dockerfile uses) is built with profile-guided optimisation
# and LTO; pyenv's default build is not, and renders our PDFs 9-18 % slower
# (docs/performance.md, eighth pass). scripts/venv_python prints the system's python3
# when it is 3.11 or newer, else nothing (uv's own choice). A .venv made with another
# interpreter is made again: the chosen one's real path (asked of it, so a shim or a
# bare name resolves) against the one .venv/bin/python links to.
ifeq ($(origin VENV_PYTHON),undefined)
VENV_PYTHON := $(shell bash scripts/venv_python)
endif
ifneq ($(VENV_PYTHON),)
VENV_PYTHON_REAL := $(shell $(VENV_PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null)
ifneq ($(shell readlink -f .venv/bin/python 2>/dev/null),$(VENV_PYTHON_REAL))
.PHONY: .venv/.installed
endif
endif

# uv installs the locked environment; it is itself installed with pip when missing.
.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet $(if $(VENV_PYTHON),--python $(VENV_PYTHON))
	@touch $@

# WeasyPrint's layout, cascade and drawing, and the HTML and CSS parsers it uses, compiled
# with Cython beside their source (scripts/compile_weasyprint.py; 3-5 minutes on 2
# cores): the same PDFs, rendered 32-40 % faster. Run every time: it returns at once when the
# extensions are those of the source and Cython installed now, and compiles otherwise
# (a new WeasyPrint, a compiler installed since). Without a C compiler or Python's
# headers it warns and WeasyPrint stays pure Python.
install: .venv/.installed
	@$(PY) scripts/compile_weasyprint.py

messages: install
	@$(MANAGE) compilemessages --ignore='.venv' --ignore='node_modules' --ignore='var' -v0

var:
	@mkdir -p var/mail var/celery/processed var/celery/control var/media

migrate: install var
	@$(MANAGE) migrate --noinput -v0
	@$(MANAGE) createcachetable

demo: migrate
	@$(MANAGE) demo_data

# The web port: `make run PORT=8080` (or in the environment); honcho hands it to web.
run: export PORT ?= 8000
run: messages demo
	@echo "Khruakhai: http://127.0.0.1:$(PORT)  (demo logins in README.md; Ctrl-C stops web, worker and beat)"
	@.venv/bin/honcho start -p $(PORT) -f Procfile

# pytest-xdist: one test process more than the cores, since tests spend part of their
# time waiting on PostgreSQL, browsers and the processes they start (PYTEST_WORKERS=0
# runs in this process); the tests that share a service across processes run in one
# of them (tests/conftest.py).
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
test: messages e2e-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# The benchmarks run with their own settings (production-like, DEBUG off, their own
# secret key): the DJANGO_SETTINGS_MODULE exported above would refuse to start.
bench: export DJANGO_SETTINGS_MODULE = bench.settings
bench: messages
	$(PY) bench/run.py $(BENCH)

# Backups (README, "Backups"): `make backup BACKUP_ARGS="--with-private-key"` to include
# the seal key; `make restore FILE=... RESTORE_ARGS=--force` over an installation with data.
backup: install var
	@$(MANAGE) backup $(BACKUP_ARGS)

restore: install var
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/khruakhai-backup-<time>.tar.gz"; exit 2; }
	@$(MANAGE) restore "$(FILE)" $(RESTORE_ARGS)

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || command -v /usr/bin/chromium >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "chromium is not installed: browser tests will be skipped"; }
	@command -v pdftotext >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null) \
	    || echo "poppler-utils is not installed: PDF text tests will be skipped"; }

clean:
	rm -rf var .venv
