import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` with ``args`` in this environment, less the variables the
    settings read that a test sets itself."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "DJANGO_ENV",
            "BASE_URL",
            "DEMO_ADDRESS",
            "ALLOWED_HOSTS",
            "CONTENT_ORIGIN",
            "CONTENT_ADDRESS",
        }
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_check(**env: str) -> subprocess.CompletedProcess:
    return run_manage("check", **env)


def site_address(**env: str) -> list[str]:
    """The configured address and allowed hosts the settings derive from ``env``."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(settings.WAGTAILADMIN_BASE_URL); print(settings.ALLOWED_HOSTS)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_invalid_database_url_stops_with_one_clear_line():
    """A malformed DATABASE_URL ends start-up with one line naming it, no traceback."""
    result = run_check(DATABASE_URL="nosuchdb://whatever")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_production_without_secret_key_refuses_to_start():
    """Production mode needs a real SECRET_KEY and says so in one line."""
    result = run_check(DJANGO_ENV="production", ALLOWED_HOSTS="lms.example.edu")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY must be set when DJANGO_ENV=production."
    )


def test_a_proxy_count_that_is_not_a_number_stops_with_one_clear_line():
    """PROXY_COUNT must be a whole number; anything else stops start-up."""
    result = run_check(PROXY_COUNT="two")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: PROXY_COUNT must be a whole number, not 'two'."
    )


def test_the_demo_address_is_the_sites_address():
    """``DEMO_ADDRESS`` (where ``make demo`` serves) is the address links use and an
    allowed host; without it, 127.0.0.1:8000."""
    assert site_address(DEMO_ADDRESS="192.168.1.20:8100") == [
        "http://192.168.1.20:8100",
        "['127.0.0.1', 'localhost', 'testserver', '192.168.1.20']",
    ]
    assert site_address()[0] == "http://127.0.0.1:8000"


def test_the_content_origin_is_allowed_beside_the_sites_hosts():
    """The content origin's host joins the allowed hosts a site names, and never
    stands in for them: production without ALLOWED_HOSTS allows nothing."""
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 60,
        "BASE_URL": "https://kursi.example.lv",
        "CONTENT_ORIGIN": "https://saturs.example.lv",
    }
    [_address, hosts] = site_address(**production, ALLOWED_HOSTS="kursi.example.lv")
    assert hosts == "['kursi.example.lv', 'saturs.example.lv']"
    [_address, hosts] = site_address(**production)
    assert hosts == "[]"
    # The demo's content origin: the machine's other name, on the next port.
    assert "'localhost'" in site_address()[1]


def test_base_url_wins_over_the_demo_address():
    """A site behind a proxy names its public address in BASE_URL, whatever port
    the demo server listens on; a trailing slash is dropped."""
    [address, _hosts] = site_address(
        BASE_URL="https://kursi.example.lv/", DEMO_ADDRESS="127.0.0.1:8100"
    )
    assert address == "https://kursi.example.lv"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DEMO_ADDRESS": "8100"},
            "DEMO_ADDRESS must be host:port, e.g. 127.0.0.1:8100, not '8100'.",
        ),
        (
            {"BASE_URL": "kursi.example.lv"},
            "BASE_URL must be the site's address starting with http:// or https://, "
            "e.g. https://kursi.du.lv, not 'kursi.example.lv'.",
        ),
        (
            {
                "DJANGO_ENV": "production",
                "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "lms.example.edu",
            },
            "BASE_URL must be set when DJANGO_ENV=production: e-mails and "
            "certificates carry it.",
        ),
    ],
)
def test_a_wrong_or_missing_address_stops_with_one_line(env, message):
    """An address that is not one, or none in production (certificates would freeze
    the demo's), stops start-up with one line saying what to set."""
    result = run_check(**env)
    assert result.returncode != 0
    assert result.stderr.strip() == f"Configuration error: {message}"
