# Central Asia Investment Atlas. `make run` serves the app, `make test` runs every test.
# Each target installs what it needs: the virtualenv from requirements.lock, the
# vendored JS/CSS (npm pack), and Debian's Chromium for the browser tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PG_BIN   ?= /usr/lib/postgresql/15/bin
POSTGIS  ?= /usr/share/postgresql/15/extension/postgis.control
NGINX    ?= /usr/sbin/nginx

.PHONY: help install vendor chromium postgres nginx run test test-unit test-store test-e2e test-team \
        team-up team-down load bench validate lint lock docker clean

help:
	@echo "make run       serve the atlas on the shipped dataset (http://localhost:8501)"
	@echo "make test      install what is needed and run every test, browser tests included"
	@echo "make bench     benchmarks beside a minimal app (BENCH_ARGS=\"--sizes shipped\")"
	@echo "make validate  check the dataset (ca-atlas validate data)"
	@echo "make test-store  the store's tests on SQLite and a throwaway PostgreSQL + PostGIS"
	@echo "make team-up   PostgreSQL + PostGIS, two replicas and nginx (sticky) on 127.0.0.1:8080"
	@echo "make team-down stop what team-up started"
	@echo "make load      concurrent websocket sessions: one replica, and two behind nginx"
	@echo "make lint      ruff"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

vendor:
	bash scripts/vendor_assets.sh

chromium:
	@if [ -x "$(CHROMIUM)" ]; then echo "chromium: $(CHROMIUM)"; else \
	  echo "installing Debian's chromium (needs root or sudo)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# PostgreSQL 15 + PostGIS 3 for the store tests (they start a throwaway cluster on a Unix socket).
postgres:
	@if [ -x "$(PG_BIN)/initdb" ] && [ -f "$(POSTGIS)" ]; then echo "postgres: $(PG_BIN)"; else \
	  echo "installing Debian's postgresql-15-postgis-3 (needs root or sudo)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql-15-postgis-3 >/dev/null; \
	fi

# nginx for the team's proxy (make team-up and the tests of the topology).
nginx:
	@if [ -x "$(NGINX)" ]; then echo "nginx: $(NGINX)"; else \
	  echo "installing Debian's nginx (needs root or sudo)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; \
	fi

# The team's topology on loopback (scripts/team.py; state in .team/, git-ignored).
team-up: install vendor postgres nginx
	$(BIN)/python scripts/team.py up

team-down:
	@if [ -x $(BIN)/python ]; then $(BIN)/python scripts/team.py down; \
	  else python3 scripts/team.py down; fi

# N concurrent websocket sessions (SIZES=10,50,100), one replica direct and two behind nginx.
SIZES ?= 10,50,100
load: install vendor postgres nginx
	$(BIN)/python scripts/load.py --sizes $(SIZES)

run: install vendor
	$(BIN)/streamlit run serve.py

validate: install
	$(BIN)/ca-atlas validate data

test: install vendor chromium postgres nginx
	$(BIN)/ca-atlas validate data
	$(BIN)/python -m pytest -q

test-unit: install vendor
	$(BIN)/python -m pytest -q tests/unit tests/app

test-store: install postgres
	$(BIN)/python -m pytest -q tests/unit/store

test-e2e: install vendor chromium
	$(BIN)/python -m pytest -q tests/e2e

test-team: install vendor postgres nginx
	$(BIN)/python -m pytest -q tests/team

# BENCH_ARGS="--sizes shipped,10000" for a quicker run (default: shipped, 10000, 100000)
bench: install vendor chromium
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check src tests app_pages app.py serve.py scripts

# Re-resolve the locked versions from pyproject.toml (needs the registry).
lock:
	rm -rf /tmp/ca-atlas-lock && $(PYTHON) -m venv /tmp/ca-atlas-lock
	/tmp/ca-atlas-lock/bin/pip install --quiet --upgrade pip
	/tmp/ca-atlas-lock/bin/pip install --quiet -e '.[test]'
	/tmp/ca-atlas-lock/bin/pip freeze --exclude-editable | grep -v '^ca-atlas' > requirements.lock

docker:
	docker build -t ca-atlas .

clean:
	rm -rf $(VENV) static/vendor .pytest_cache build *.egg-info src/*.egg-info
