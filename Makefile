# Two commands for a fresh machine:
#   make run    set up, ingest raw/ into db/metropolis.db, serve on http://127.0.0.1:8001/
#   make test   set up (incl. Debian chromium for the browser tests), run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRACT := $(VENV)/bin/extract
DB ?= db/metropolis.db
PORT ?= 8001
# processes for ingest: every core (the database is the same as with one)
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBIAN_PACKAGES := chromium poppler-utils fonts-dejavu-core

.PHONY: setup system-deps run demo ingest serve test explore bench specimens lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

# Debian packages the tests use: chromium (Playwright drives it), pdftoppm, fonts.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	fi

ingest: setup
	-$(EXTRACT) ingest raw/ --db $(DB) --jobs $(JOBS)

serve: setup
	$(EXTRACT) serve --db $(DB) --port $(PORT)

run: ingest serve

# The bundled reports plus the made-up 2022 edition (marked synthetic everywhere).
demo: setup
	-$(EXTRACT) ingest raw/ tests/specimens/synthetic/ --with-synthetic --db $(DB) --jobs $(JOBS)
	$(EXTRACT) serve --db $(DB) --port $(PORT)

test: setup system-deps
	$(PY) -m pytest -q

# property tests with new random examples, ten times as many (failures print a reproduce blob)
explore: setup
	HYPOTHESIS_PROFILE=explore CALENDAR_EXAMPLES=2000 MEMBERS_EXAMPLES=2000 \
	$(PY) -m pytest -q tests/test_calendar_properties.py tests/test_members_properties.py

bench: setup
	$(PY) -m bench.run

specimens: setup
	$(PY) -m tests.specimens.build

lint: setup
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(DB) $(DB)-wal $(DB)-shm
