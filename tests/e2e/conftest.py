"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's
live server, with axe-core checks, keyboard helpers and screenshots.

Run with ``make test`` or ``pytest -p no:xdist tests/e2e``. The tests skip, saying
how to get a browser, when Chromium or the playwright package is missing.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The live server runs Django in a thread while Playwright's sync API runs an event
# loop in the main thread; Django would otherwise refuse ORM calls from the test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SKIP_MESSAGE = (
    "Browser tests skipped: install Chromium with `sudo apt-get install chromium`"
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
#: Screenshots go here when SCREENSHOTS_DIR is set (``make screenshots``); otherwise
#: into the test's temporary folder, so a test run leaves the work tree alone.
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


def browser_missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Browser tests skipped: the playwright package is missing (make install)"
    if not CHROMIUM or not os.access(CHROMIUM, os.X_OK):
        return SKIP_MESSAGE
    return ""


def pytest_collection_modifyitems(config, items) -> None:
    # Every test under tests/e2e is a browser test, whether or not it says so.
    reason = browser_missing()
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """A SQLite test database in a file, not in memory: the task worker runs in a
    process of its own and must open the same database as the live server."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("e2e-db") / "test.sqlite3"
        )


def worker_command() -> str:
    """The demo's task worker, as Procfile.demo starts it."""
    from honcho.environ import parse_procfile

    procfile = Path(__file__).resolve().parents[2] / "Procfile.demo"
    return parse_procfile(procfile.read_text()).processes["worker"]


@pytest.fixture
def task_worker(live_server, settings):
    """The demo's task worker in a separate process, working the live server's
    database queue; stopped before the test database is flushed."""
    import signal
    import subprocess
    import sys

    from django.db import connection

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    site = urlsplit(live_server.url)
    other = "127.0.0.1" if site.hostname == "localhost" else "localhost"
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            # make's demo address: its content origin would share the live
            # server's host name, which the system checks refuse.
            if key != "CONTENT_ADDRESS"
        },
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_BACKEND": "database",
        "BASE_URL": live_server.url,
        "CONTENT_ORIGIN": f"{site.scheme}://{other}:{site.port + 1}",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    worker = subprocess.Popen(
        worker_command() + " --no-reload --interval 0.2",
        shell=True,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield worker
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh browser profile: ``new_page(viewport=PHONE)``.
    Any page that breaks the Content-Security-Policy (an inline script or style,
    a script from elsewhere) fails the test."""
    contexts = []
    violations: list[str] = []

    def watch(page) -> None:
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def open_page(viewport=DESKTOP, **kwargs):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="en-GB",
            timezone_id="Europe/Riga",
            accept_downloads=True,
            **kwargs,
        )
        # Long enough for a PDF rendered on a busy CI machine, short enough to fail
        # fast when a selector is wrong.
        context.set_default_timeout(15_000)
        context.on("page", watch)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], "\n".join(violations)


@pytest.fixture
def page(new_page):
    """A desktop-sized page."""
    return new_page()


def expect(target):
    """Playwright's retrying assertions, imported late so a missing package skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def sign_in(page, email: str, password: str, lang: str = "en") -> None:
    """Signs in through the learner site's form, by e-mail."""
    page.goto(f"/{lang}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_in_admin(page, username: str, password: str) -> None:
    """Signs in through Wagtail's admin form."""
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)


def watch_console(page) -> list[str]:
    """The page's console errors and uncaught exceptions from now on, in a list
    that grows as they happen: assert it is empty at the end."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def check_accessibility(
    page, name: str, upstream: dict[str, tuple[str, str]] | None = None
) -> None:
    """Fails on axe-core violations of impact "serious" or "critical".

    ``upstream`` maps a rule to the widget that is not ours and breaks it (a CSS
    selector), with the report that tracks it there: the rule's findings inside
    that widget are left out, and once none is left the test fails, so the
    exception goes when the fix arrives."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the pages' Content-Security-Policy
        # (rightly) refuses inline scripts.
        page.evaluate(AXE_JS.read_text())
    results = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ["violations"],
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a",
                                            "wcag21aa", "best-practice"]},
        })"""
    )
    serious = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        widget = (upstream or {}).get(violation["id"], ("", ""))[0]
        violation["nodes"] = [
            node
            for node in violation["nodes"]
            if not widget or not inside(page, node["target"], widget)
        ]
        if violation["nodes"]:
            serious.append(violation)
    for rule, (_widget, report) in (upstream or {}).items():
        found = next((v for v in results["violations"] if v["id"] == rule), None)
        assert found is not None, (
            f"{rule} no longer fires on the {name} page: drop the exception "
            f"for {report}"
        )
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5]
        )
        for v in serious
    )
    assert not serious, f"axe found problems on the {name} page ({page.url}):\n{report}"


def inside(page, target: list[str], widget: str) -> bool:
    """Whether the element axe names by ``target`` is within ``widget`` (an
    element inside a frame is not: its target has a selector per frame)."""
    return len(target) == 1 and page.evaluate(
        "([target, widget]) => !!document.querySelector(target)?.closest(widget)",
        [target[0], widget],
    )


def assert_no_horizontal_scroll(page, name: str) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], (
        f"the {name} page scrolls sideways at {widths[1]} px: {widths[0]} px wide"
    )


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Presses Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


@pytest.fixture
def screenshot(tmp_path):
    """Saves a viewport screenshot as a small palette PNG: ``screenshot(page, name)``."""
    from PIL import Image

    folder = Path(SCREENSHOTS_DIR) if SCREENSHOTS_DIR else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        # Screenshots are for people: wait for web fonts and the layout to settle.
        page.evaluate("() => document.fonts.ready")
        image = Image.open(io.BytesIO(page.screenshot(full_page=False)))
        # 256 colours keep a page's flat colours and text crisp at a third the size.
        image = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT
        )
        path = folder / f"{name}.png"
        image.save(path, optimize=True)
        return path

    return take
