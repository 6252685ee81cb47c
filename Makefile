# Two commands: `make run` serves the app with the sample meeting; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
PROCESSES ?= 2
ADDRESS ?= 0.0.0.0
PIP    := $(BIN)/python -m pip install -q --disable-pip-version-check

.PHONY: run cluster test lint format system-deps bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python manage.py seed
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.address $(ADDRESS)

# Several app processes behind nginx on PORT (Debian's nginx; DATABASE_URL for PostgreSQL).
cluster: $(VENV)/.runtime
	$(BIN)/python bench/cluster.py --processes $(PROCESSES) --port $(PORT) --address $(ADDRESS)

# Chromium (browser tests), poppler's pdftoppm (report pages), LibreOffice (workbooks as another
# producer writes them), the PostgreSQL server (tests on both engines, a throw-away cluster) and
# nginx (several app processes behind one port) come from Debian. Installed when missing and we
# are root; otherwise those tests skip with a reason, except under CI=true, where a missing one fails.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium poppler-utils postgresql nginx >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	  else echo "note: chromium, soffice, postgresql or nginx missing and not root; those tests will skip"; fi; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(VENV)/.dev system-deps lint
	$(BIN)/python -m pytest -p no:cacheprovider

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
