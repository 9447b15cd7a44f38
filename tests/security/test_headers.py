"""The headers a browser gets, and the production configuration's own check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_learner_pages_forbid_inline_and_foreign_scripts(client):
    """The catalogue, the sign-in page and the verification page carry a
    Content-Security-Policy under which an injected inline script does not run."""
    for url in ("/en/accounts/login/", "/verify/", "/en/accounts/signup/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(
            part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
        )
        assert directives["script-src"] == "'self'", url
        assert directives["object-src"] == "'none'", url
        assert "unsafe-inline" not in policy, url


def test_the_admin_keeps_its_own_scripts(admin_client):
    """Wagtail's admin runs inline scripts of its own; the policy leaves it be."""
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_production_settings_pass_djangos_deployment_check(issuer_pair, tmp_path):
    """``manage.py check --deploy`` finds nothing to warn about when the site
    runs with DJANGO_ENV=production and its signing key; without the key, it
    warns that certificates would be unsigned."""
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "lms.example.edu",
        "BASE_URL": "https://lms.example.edu",
        # E-learning packages from a host of their own (docs/content-origin.md).
        "CONTENT_ORIGIN": "https://content.example.edu",
        "SIGNING_DIR": str(tmp_path),
        # As an environment file holds them: one line, newlines written \\n.
        "SIGNING_KEY": issuer_pair[0].replace("\n", "\\n"),
        "SIGNING_CERTIFICATE": issuer_pair[1],
    }
    # Set by the browser tests' tooling in this process, never on a server.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def check(env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "manage.py",
                "check",
                "--deploy",
                "--fail-level",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    del env["SIGNING_KEY"], env["SIGNING_CERTIFICATE"]
    result = check(env)
    assert result.returncode == 1
    assert "certificates.W003" in result.stdout + result.stderr
