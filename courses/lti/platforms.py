"""The active platforms, as the pages and the score passback need them: whether
there are any, and the origins that may frame the site (docs/lti.md). One query
per content version, which saving or deleting a registration retires."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from courses.catalogue.content_cache import cached
from courses.lti.models import LtiRegistration

#: A host as it may stand in a CSP source expression: a name or an IPv6 literal,
#: so that a mistyped issuer can never add a directive to the header.
_HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, the port left out when it is
    the scheme's own; None for anything else (an issuer need not be a URL)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if not _HOST.fullmatch(host):
        return None
    if port is not None and port != (443 if parts.scheme == "https" else 80):
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def _active_platforms() -> tuple[bool, list[str]]:
    registrations = list(
        LtiRegistration.objects.filter(is_active=True).values_list(
            "issuer", "auth_login_url"
        )
    )
    origins = {
        origin for urls in registrations for url in urls if (origin := origin_of(url))
    }
    return bool(registrations), sorted(origins)


def platform_origins() -> list[str]:
    """The origins of the active registrations' issuers and authentication URLs
    (Moodle's are its site). Kept under the content version, which saving or
    deleting a registration retires (signal_handlers.py): a request asks the
    database nothing, with or without registrations."""
    return cached(("lti", "platforms"), _active_platforms)[1]


def platforms_in_use() -> bool:
    """Whether any registration is active: a site without LTI then queues no
    score and asks the database nothing (the answer is kept with the origins, so
    a learner's page and their mark-done share one query per content version)."""
    return cached(("lti", "platforms"), _active_platforms)[0]
