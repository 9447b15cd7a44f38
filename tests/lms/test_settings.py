import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_ENV"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
