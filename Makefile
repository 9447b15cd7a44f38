# Two commands for a fresh machine with Python 3.11+ and make:
#   make demo   install, migrate, load the demo programme, serve on 127.0.0.1:8000
#               with the task worker (another address: DEMO_ADDRESS=127.0.0.1:8100)
#   make test   install and run the whole suite
PYTHON ?= python3
# Where `make demo` serves, and so the address in its e-mails, certificates and
# calendar feeds (lms/settings.py reads it when BASE_URL is not set).
DEMO_ADDRESS ?= 127.0.0.1:8000
export DEMO_ADDRESS
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test e2e screenshots lint format install serve clean lv-coverage

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[site,dev]"
	touch $(STAMP)

install: $(STAMP)

# The web server and the task worker together (Procfile.demo); Ctrl+C stops both.
demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py create_signing_key
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(DEMO_ADDRESS) with a task worker (Ctrl+C stops both)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.demo start

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not e2e"
	@$(MAKE) --no-print-directory e2e

# Browser journeys and accessibility checks (tests/e2e) with Debian's Chromium. They
# run in one process: the live server and the browser share it.
e2e: $(STAMP)
	@if command -v chromium >/dev/null 2>&1; then \
		$(BIN)/python -m pytest -p no:xdist -q tests/e2e; \
	else \
		echo "Browser tests skipped: install Chromium with \`sudo apt-get install chromium\`"; \
	fi

# The README's screenshots, written by the browser tests into docs/screenshots/.
screenshots: $(STAMP)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -p no:xdist -q tests/e2e

# The share of Wagtail's admin messages a Latvian author sees in Latvian (Wagtail's
# own catalogues with the plugin's courses/locale_wagtail); last line key=value.
lv-coverage: $(STAMP)
	$(BIN)/python manage.py wagtail_lv coverage

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	for po in */locale*/lv/LC_MESSAGES/*.po; do msgfmt -c -o /dev/null "$$po" || exit 1; done

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 media static_root
