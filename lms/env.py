"""Reading the site's configuration from the environment.

A misconfigured deployment must stop with one line that says what to fix, not a
traceback, so every failure here ends in :func:`fail`.
"""

import os
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import dj_database_url


def fail(message: str) -> NoReturn:
    """Stop start-up with a single readable line on stderr."""
    raise SystemExit(f"Configuration error: {message}")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    fail(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


#: SQLite shared by the web server and the task worker: WAL lets readers proceed
#: while a learner's progress is written, IMMEDIATE transactions take the write
#: lock up front (no "database is locked" half-way through), and a writer waits up
#: to 20 s for the other process instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_config(default_sqlite_path: str) -> dict:
    """The default database: ``DATABASE_URL`` when set, else a local SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except Exception as exc:  # the library raises several types for bad URLs
        fail(f"DATABASE_URL is not a valid database URL ({exc}).")
    if not config.get("ENGINE") or not config.get("NAME"):
        fail("DATABASE_URL must name a database, e.g. postgres://user@host:5432/lms.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # Persistent connections do not help SQLite and keep its file open.
        config["CONN_MAX_AGE"] = 0
    return config


def secret_key(production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if production:
        fail("SECRET_KEY must be set when DJANGO_ENV=production.")
    # Only for a development machine; production refuses to start without one.
    return "django-insecure-development-only-key-do-not-use-in-production"


def _address_parts(url: str) -> tuple[str, int | None] | None:
    """The host and port of ``url``, or None when it is not an http(s) address."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return parts.hostname, port


def site_address(production: bool) -> str:
    """The site's public address, without a trailing slash: ``BASE_URL``, else the
    one ``make demo`` serves on (``DEMO_ADDRESS``, host:port, default
    127.0.0.1:8000).

    Certificates print it and freeze it when issued, so a production site must
    name it rather than fall back on the demo's.
    """
    value = os.environ.get("BASE_URL", "").strip()
    if value:
        if _address_parts(value) is None:
            fail(
                "BASE_URL must be the site's address starting with http:// or "
                f"https://, e.g. https://kursi.du.lv, not {value!r}."
            )
        return value.rstrip("/")
    if production:
        fail(
            "BASE_URL must be set when DJANGO_ENV=production: e-mails and "
            "certificates carry it."
        )
    address = os.environ.get("DEMO_ADDRESS", "").strip() or "127.0.0.1:8000"
    parts = _address_parts(f"http://{address}")
    if parts is None or parts[1] is None or "/" in address:
        fail(f"DEMO_ADDRESS must be host:port, e.g. 127.0.0.1:8100, not {address!r}.")
    return f"http://{address}"


def content_origin(production: bool, site: str) -> str:
    """The address e-learning packages are served from, another host name than
    the site's (docs/content-origin.md): ``CONTENT_ORIGIN``; in production ``""``
    without it (packages do not play, and a system check says so); else where
    ``make demo`` serves it, ``CONTENT_ADDRESS`` (host:port), by default the
    site's port plus one under the machine's other name for itself (localhost
    for 127.0.0.1), since cookies are shared by every port of a host."""
    value = os.environ.get("CONTENT_ORIGIN", "").strip()
    if value:
        if _address_parts(value) is None or urlsplit(value).path not in ("", "/"):
            fail(
                "CONTENT_ORIGIN must be an address starting with http:// or "
                f"https:// and naming no path, e.g. https://content.kursi.du.lv, "
                f"not {value!r}."
            )
        return value.rstrip("/")
    if production:
        return ""
    address = os.environ.get("CONTENT_ADDRESS", "").strip()
    if not address:
        host, port = _address_parts(site) or ("127.0.0.1", 8000)
        other = "127.0.0.1" if host == "localhost" else "localhost"
        address = f"{other}:{(port or 80) + 1}"
    parts = _address_parts(f"http://{address}")
    if parts is None or parts[1] is None or "/" in address:
        fail(
            f"CONTENT_ADDRESS must be host:port, e.g. localhost:8001, not {address!r}."
        )
    return f"http://{address}"


def pem(name: str, directory: Path, filename: str) -> str | None:
    """PEM text from the variable ``name``, or from ``directory/filename`` (where
    ``manage.py create_signing_key`` writes it), or None."""
    value = os.environ.get(name, "").strip()
    if value:
        return value.replace("\\n", "\n") + "\n"
    path = directory / filename
    return path.read_text() if path.is_file() else None


def object_storage() -> dict | None:
    """The default storage in an S3-compatible bucket when
    ``AWS_STORAGE_BUCKET_NAME`` is set (pip install "wagtail-stem-lms[s3]"), for
    several web and worker hosts; else None. boto3 reads the credentials from the
    ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` variables itself."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            # No ACL per object: the bucket's policy decides (private by default);
            # files reach people through the site's views, which check who asks.
            "default_acl": None,
            "querystring_auth": True,
            # As on a local disk, a file saved under a taken name gets a new name
            # rather than replacing the other.
            "file_overwrite": False,
        },
    }
