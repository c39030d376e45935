# Two commands for a fresh machine:
#   make run    set up, ingest raw/ into db/metropolis.db, serve on http://127.0.0.1:8001/
#   make test   set up (incl. Debian chromium for the browser tests), run the whole suite
#   make check  the quick loop (no browser, sampled property and fuzz runs)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRACT := $(VENV)/bin/extract
DB ?= db/metropolis.db
PORT ?= 8001
# processes for ingest: every core (the database is the same as with one)
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# pango and harfbuzz-subset: WeasyPrint prints the second renderer's specimens; liberation: their fonts
DEBIAN_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: setup system-deps run demo ingest serve test check explore bench specimens lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

# Debian packages the tests use: chromium (Playwright drives it, and prints HTML specimens),
# pdftoppm, fonts, WeasyPrint's pango.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || [ ! -d /usr/share/fonts/truetype/dejavu ] \
		|| [ ! -d /usr/share/fonts/truetype/liberation ] || ! ldconfig -p | grep -q libpangoft2-1.0.so.0 \
		|| ! ldconfig -p | grep -q libharfbuzz-subset.so.0; then \
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
	$(EXTRACT) serve --db $(DB) --port $(PORT) --pdfs tests/specimens/synthetic/

# everything (fuzz, property runs at full size, browser, wheel) on every core: what CI runs
test: setup system-deps
	$(PY) -m pytest -q -n auto --dist worksteal

# the daily loop: every test file but the browser and wheel ones, the long property and
# fuzz runs cut to a small seeded sample (METROPOLIS_TEST_SAMPLE=1), on every core
check: setup
	METROPOLIS_TEST_SAMPLE=1 $(PY) -m pytest -q -n auto --dist worksteal -m "not browser and not slow"

# property tests with new random examples, ten times as many (failures print a reproduce blob)
explore: setup
	HYPOTHESIS_PROFILE=explore CALENDAR_EXAMPLES=2000 MEMBERS_EXAMPLES=2000 \
	$(PY) -m pytest -q tests/test_calendar_properties.py tests/test_members_properties.py

bench: setup
	$(PY) -m bench.run

# both renderers: reportlab (raw/, tests/specimens/synthetic/) and HTML printed by Chromium and
# WeasyPrint (tests/specimens/chromium/, tests/specimens/weasyprint/; only what changed is printed)
specimens: setup system-deps
	$(PY) -m tests.specimens.build
	$(PY) -m tests.specimens.html.build

lint: setup
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(DB) $(DB)-wal $(DB)-shm
