"""The content origin: the separate host that serves e-learning packages.

A package is HTML and JavaScript that anyone allowed to upload one publishes. On
the site's own host it could read the learner's pages and call the API as them;
on a host of its own, with no cookies, it can reach nothing but its own files and
the one attempt its signed path opens. ``LMS_CONTENT_ORIGIN`` names that host,
and :class:`ContentOriginMiddleware` gives its requests a URLconf of their own
(docs/content-origin.md), so no page of the site answers there.

It must be another host *name*, not only another port: browsers send a host's
cookies to every port of it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host

from courses.conf import lms_setting
from courses.site import base_url, host_and_port

CONTENT_URLCONF = "courses.activities.content_urls"
MIDDLEWARE_PATH = "courses.activities.origin.ContentOriginMiddleware"

#: What a package may do in its frame: run scripts in its own origin (a SCO finds
#: the player's API in its parent), post forms, open windows and dialogs and
#: download files; never navigate the lesson page away (no allow-top-navigation).
SANDBOX = (
    "sandbox allow-scripts allow-same-origin allow-forms allow-popups "
    "allow-modals allow-downloads"
)


def content_origin() -> str:
    """The content origin as browsers write it (``event.origin``): scheme, host
    and a port other than the scheme's own; ``""`` when none is set (packages
    then cannot play)."""
    value = lms_setting("LMS_CONTENT_ORIGIN")
    if not value:
        return ""
    parts = urlsplit(value)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port not in (None, 443 if parts.scheme == "https" else 80):
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}"


def content_url(path: str) -> str:
    """The absolute address of ``path`` (e.g. ``"play/<token>/"``) on the content
    origin."""
    return f"{content_origin()}/{path.lstrip('/')}"


def site_origin() -> str:
    """The site's own origin (scheme, host and port), the one page allowed to
    frame the content."""
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc}"


def is_content_request(request: HttpRequest) -> bool:
    """Whether ``request`` came for the content origin: its host name, and its
    port. A Host header without a port (behind a proxy, usually) names the
    scheme's own port, so ``localhost`` is not the demo's ``localhost:8001``."""
    origin = content_origin()
    if not origin:
        return False
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    domain, port = split_domain_port(host)
    content_host, content_port = host_and_port(origin)
    if domain != content_host:
        return False
    return int(port) == content_port if port else content_port in (80, 443)


def _content_policy() -> str:
    # The player frames the package's own pages, so the content origin itself is an
    # ancestor of them as much as the lesson page is.
    return f"{SANDBOX}; frame-ancestors 'self' {site_origin()}"


class ContentOriginMiddleware:
    """Serves the content origin's requests from its own URLconf, cookieless.

    First in ``MIDDLEWARE``: the cookies are dropped before the session or CSRF
    middleware read them, and the headers are set after every other middleware
    (Django's clickjacking middleware would deny framing; the site's CSP would
    allow only its own frames)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_content_request(request):
            return self.get_response(request)
        request.urlconf = CONTENT_URLCONF
        request.META.pop("HTTP_COOKIE", None)
        request.COOKIES = {}
        response = self.get_response(request)
        response.cookies.clear()
        vary = [
            field.strip()
            for field in response.headers.get("Vary", "").split(",")
            if field.strip() and field.strip().lower() != "cookie"
        ]
        if vary:
            response.headers["Vary"] = ", ".join(vary)
        else:
            response.headers.pop("Vary", None)
        response.headers.pop("X-Frame-Options", None)
        response.headers["Content-Security-Policy"] = _content_policy()
        response.headers.pop("Content-Security-Policy-Report-Only", None)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Paths carry tokens: a package's links must not hand them to other sites.
        response.headers["Referrer-Policy"] = "no-referrer"
        # Nothing but the content origin loads these files; the lesson page only
        # frames them, and framing is a navigation, which this does not restrict.
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


# System checks -----------------------------------------------------------------


def _cookie_domains_covering(host: str) -> list[str]:
    """The cookie settings whose domain makes the site's cookies reach ``host``."""
    names = []
    for name in (
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "LANGUAGE_COOKIE_DOMAIN",
    ):
        domain = (getattr(settings, name, None) or "").lower().lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            names.append(name)
    return names


@register()
def check_content_origin(app_configs=None, **kwargs) -> list:
    """Packages are served from a host of their own, which the site accepts and
    whose requests the middleware takes before the session does."""
    origin = content_origin()
    if not origin:
        return [
            Warning(
                "E-learning packages cannot play: LMS_CONTENT_ORIGIN is not set.",
                hint="Set it to a host name of its own, e.g. "
                '"https://content.example.edu" (see docs/content-origin.md).',
                id="courses.W030",
            )
        ]
    messages: list = []
    host, _port = host_and_port(origin)
    # The configured address only: checks run before the database may exist.
    site = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if site and host == host_and_port(site)[0]:
        messages.append(
            Error(
                f"LMS_CONTENT_ORIGIN ({origin}) has the site's own host name: "
                "packages would receive the site's cookies.",
                hint="Use another host name, not only another port "
                "(see docs/content-origin.md).",
                id="courses.E031",
            )
        )
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    sessions = "django.contrib.sessions.middleware.SessionMiddleware"
    if MIDDLEWARE_PATH not in middleware or (
        sessions in middleware
        and middleware.index(MIDDLEWARE_PATH) > middleware.index(sessions)
    ):
        messages.append(
            Error(
                "The content origin's requests would reach the site's pages and "
                "cookies: its middleware is missing or comes after the session's.",
                hint=f'Put "{MIDDLEWARE_PATH}" first in MIDDLEWARE.',
                id="courses.E032",
            )
        )
    if not validate_host(host, settings.ALLOWED_HOSTS):
        messages.append(
            Error(
                f"The content origin's host {host!r} is not in ALLOWED_HOSTS.",
                hint=f'Add "{host}" to ALLOWED_HOSTS.',
                id="courses.E033",
            )
        )
    messages.extend(
        Error(
            f"{name} makes the site's cookies reach the content origin ({host}).",
            hint="Leave it unset (cookies for the site's host only), or serve "
            "packages from another domain.",
            id="courses.E034",
        )
        for name in _cookie_domains_covering(host)
    )
    return messages
