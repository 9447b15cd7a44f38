"""The plugin's settings: one ``LMS_`` prefix, a default for each, read when used
(so ``override_settings`` works), and checked at start-up by Django's system
checks, so that a wrong value is a message naming the setting rather than a
server error on some later page.

docs/install.md lists them for site builders.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@dataclass(frozen=True)
class Setting:
    default: Any
    #: What a valid value is, for the check's message.
    expects: str
    valid: Callable[[Any], bool]


def _is_extension_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(item, str) and item and "." not in item for item in value
    )


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_origin(value: Any) -> bool:
    """ "" or an address of scheme, host and optional port, with no path."""
    if value == "":
        return True
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.path in ("", "/")
        and not (parts.query or parts.fragment or parts.username)
    )


def _is_proxy_list(value: Any) -> bool:
    """None, or addresses and networks ("10.0.0.0/8"), or "*" for any."""
    if value is None:
        return True
    if not isinstance(value, list | tuple):
        return False
    try:
        for entry in value:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)
    except (TypeError, ValueError):
        return False
    return True


SETTINGS: dict[str, Setting] = {
    "LMS_BASE_TEMPLATE": Setting(
        "courses/layout.html",
        "the name of a template with `title`, `extra_head` and `content` blocks",
        lambda value: isinstance(value, str) and bool(value),
    ),
    "LMS_ASSIGNMENT_EXTENSIONS": Setting(
        [
            "pdf",
            "docx",
            "odt",
            "pptx",
            "odp",
            "xlsx",
            "ods",
            "jpg",
            "jpeg",
            "png",
            "zip",
        ],
        'a list of file extensions without dots, e.g. ["pdf", "docx"]',
        _is_extension_list,
    ),
    "LMS_ASSIGNMENT_MAX_BYTES": Setting(
        10 * 1024 * 1024,
        "a whole number of bytes above zero",
        lambda value: (
            isinstance(value, int) and not isinstance(value, bool) and value > 0
        ),
    ),
    "LMS_UPLOAD_MAX_BYTES": Setting(
        10 * 1024 * 1024,
        "a whole number of bytes above zero",
        _positive_int,
    ),
    "LMS_PACKAGE_MAX_BYTES": Setting(
        200 * 1024 * 1024,
        "a whole number of bytes above zero",
        _positive_int,
    ),
    "LMS_PACKAGE_MAX_UNPACKED_BYTES": Setting(
        500 * 1024 * 1024,
        "a whole number of bytes above zero",
        _positive_int,
    ),
    "LMS_PACKAGE_MAX_FILES": Setting(
        5000,
        "a whole number of files above zero",
        _positive_int,
    ),
    "LMS_PDF_CHECK_SECONDS": Setting(
        2,
        "a number of seconds above zero",
        lambda value: (
            isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        ),
    ),
    "LMS_PDF_CHECK_MEMORY_BYTES": Setting(
        200 * 1024 * 1024,
        "a whole number of bytes, at least 100 MB (the reader itself needs about 70)",
        lambda value: _positive_int(value) and value >= 100 * 1024 * 1024,
    ),
    "LMS_CERTIFICATE_RENDERER": Setting(
        "reportlab",
        "the identifier of a registered certificate renderer",
        lambda value: isinstance(value, str) and bool(value),
    ),
    "LMS_SIGNING_KEY": Setting(
        None,
        "the issuer's private key as PEM text, or None to sign nothing",
        lambda value: value is None or (isinstance(value, str | bytes) and bool(value)),
    ),
    "LMS_SIGNING_CERTIFICATE": Setting(
        None,
        "the X.509 certificate of LMS_SIGNING_KEY as PEM text, or None",
        lambda value: value is None or (isinstance(value, str | bytes) and bool(value)),
    ),
    "LMS_LTI_TOOL_KEY": Setting(
        None,
        "the LTI tool's RSA private key as PEM text, or None (no LTI services)",
        lambda value: value is None or (isinstance(value, str | bytes) and bool(value)),
    ),
    "LMS_SELF_REGISTRATION": Setting(
        True,
        "True or False",
        lambda value: isinstance(value, bool),
    ),
    "LMS_API_DOCS": Setting(
        None,
        "True, False or None (None: only where DEBUG is on)",
        lambda value: value is None or isinstance(value, bool),
    ),
    "LMS_REQUIRE_CONFIRMED_EMAIL": Setting(
        True,
        "True or False",
        lambda value: isinstance(value, bool),
    ),
    "LMS_SUBMISSION_RETENTION_DAYS": Setting(
        365,
        "a whole number of days above zero, or None to keep submitted files",
        lambda value: value is None or _positive_int(value),
    ),
    "LMS_RETENTION_NOTICE_DAYS": Setting(
        30,
        "a whole number of days above zero",
        lambda value: _positive_int(value),
    ),
    "LMS_WEBHOOKS_ALLOW_HTTP": Setting(
        False,
        "True or False (True: webhooks may use http://, for a local receiver)",
        lambda value: isinstance(value, bool),
    ),
    "LMS_WEBHOOKS_ALLOW_PRIVATE": Setting(
        False,
        "True or False (True: webhooks may go to private and loopback addresses)",
        lambda value: isinstance(value, bool),
    ),
    "LMS_XAPI_ENDPOINT": Setting(
        None,
        "the LRS's xAPI address (https://…/xapi/), or None to send no statements",
        lambda value: (
            value is None
            or (isinstance(value, str) and value.startswith(("https://", "http://")))
        ),
    ),
    "LMS_XAPI_USERNAME": Setting(
        "",
        "the LRS's Basic auth user name (text)",
        lambda value: isinstance(value, str),
    ),
    "LMS_XAPI_PASSWORD": Setting(
        "",
        "the LRS's Basic auth password (text)",
        lambda value: isinstance(value, str),
    ),
    "LMS_PROXY_COUNT": Setting(
        0,
        "the number of proxies in front of the site that append to "
        "X-Forwarded-For (0: none, the header is ignored)",
        lambda value: (
            isinstance(value, int) and not isinstance(value, bool) and value >= 0
        ),
    ),
    "LMS_TRUSTED_PROXIES": Setting(
        None,
        'the addresses or networks of the nearest proxy, e.g. ["10.0.0.0/8"], '
        '["*"] or None for any',
        _is_proxy_list,
    ),
    "LMS_ADDRESS_FAILURE_LIMIT": Setting(
        100,
        "a whole number of wrong passwords above zero",
        _positive_int,
    ),
    "LMS_CONTENT_ORIGIN": Setting(
        "",
        "the address e-learning packages are served from, another host name than "
        'the site\'s (e.g. "https://content.example.edu"), or "" to play none',
        _is_origin,
    ),
    "LMS_SITE_NAME": Setting(
        None,
        'the site\'s name per language, e.g. {"lv": "…", "en": "…"}, or None for '
        "the Wagtail site's name",
        lambda value: (
            value is None
            or (
                isinstance(value, dict)
                and bool(value)
                and all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()
                )
            )
        ),
    ),
}


def lms_setting(name: str) -> Any:
    """The value of the plugin setting ``name`` (e.g. ``"LMS_BASE_TEMPLATE"``)."""
    return getattr(settings, name, SETTINGS[name].default)


@register()
def check_settings(app_configs=None, **kwargs) -> list[Error]:
    """Every ``LMS_`` setting a site sets has a value the plugin can use, and no
    ``LMS_`` setting is misspelt."""
    errors = []
    for name in dir(settings):
        if not name.startswith("LMS_"):
            continue
        setting = SETTINGS.get(name)
        if setting is None:
            close = [known for known in SETTINGS if known[4:8] == name[4:8]]
            errors.append(
                Error(
                    f"{name} is not a setting of the learning plugin.",
                    hint=f"Did you mean {close[0]}?"
                    if close
                    else "See docs/install.md for the settings it reads.",
                    id="courses.E001",
                )
            )
        elif not setting.valid(getattr(settings, name)):
            errors.append(
                Error(
                    f"{name} must be {setting.expects}, "
                    f"not {getattr(settings, name)!r}.",
                    id="courses.E002",
                )
            )
    return errors
