# Two commands for a fresh machine with Python 3.11+ and make:
#   make demo   install, migrate, load the demo programme, serve on 127.0.0.1:8000
#               with the task worker (another address: DEMO_ADDRESS=127.0.0.1:8100)
#   make test   install and run the whole suite
PYTHON ?= python3
# Where `make demo` serves, and so the address in its e-mails, certificates and
# calendar feeds (lms/settings.py reads it when BASE_URL is not set).
DEMO_ADDRESS ?= 127.0.0.1:8000
export DEMO_ADDRESS
# Where the demo serves e-learning packages (its content origin): another host name
# for the same machine, since cookies are shared by every port of one host, and
# the next port (lms/settings.py makes the same default).
DEMO_HOST := $(firstword $(subst :, ,$(DEMO_ADDRESS)))
DEMO_PORT := $(lastword $(subst :, ,$(DEMO_ADDRESS)))
CONTENT_ADDRESS ?= $(if $(filter localhost,$(DEMO_HOST)),127.0.0.1,localhost):$(shell expr $(DEMO_PORT) + 1)
export CONTENT_ADDRESS
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The SCORM and H5P players, from npm (package-lock.json); never in the wheel.
NODE_STAMP := node_modules/.installed

.PHONY: demo test e2e screenshots lint format install serve clean lv-coverage

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[site,dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The e-learning players need Node.js 20 and npm: sudo apt-get install nodejs npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The web server, the content origin's server and the task worker together
# (Procfile.demo); Ctrl+C stops them all.
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py create_signing_key
	$(BIN)/python manage.py create_lti_key
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(DEMO_ADDRESS) (e-learning packages from http://$(CONTENT_ADDRESS)) with a task worker (Ctrl+C stops all)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.demo start

test: install
	$(BIN)/python -m pytest -n 2 -q -m "not e2e"
	@$(MAKE) --no-print-directory e2e

# Browser journeys and accessibility checks (tests/e2e) with Debian's Chromium. They
# run in one process: the live server and the browser share it.
e2e: install
	@if command -v chromium >/dev/null 2>&1; then \
		$(BIN)/python -m pytest -p no:xdist -q tests/e2e; \
	else \
		echo "Browser tests skipped: install Chromium with \`sudo apt-get install chromium\`"; \
	fi

# The README's screenshots, written by the browser tests into docs/screenshots/.
screenshots: install
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
	rm -rf $(VENV) node_modules db.sqlite3 media static_root
