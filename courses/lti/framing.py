"""Which sites may show our pages in a frame: this site, and the platforms an
administrator registered (docs/lti.md, "Cookies inside an iframe").

A platform such as Moodle embeds the launched course in an iframe. The site's
policy lets only itself frame its pages (CSP ``frame-ancestors 'self'``, and
Django's ``X-Frame-Options: DENY``); :class:`PlatformFramingMiddleware` adds the
origins of the active registrations to ``frame-ancestors`` and drops
``X-Frame-Options``, which cannot name several origins. Any other site still
cannot frame a page, so clickjacking stays shut for everyone but the platforms.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from courses.lti.platforms import platform_origins


def _without_policy(path: str) -> bool:
    """Whether the site sends no CSP on ``path`` (the Wagtail admin, or no CSP at
    all): such pages keep Django's ``X-Frame-Options: DENY``."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if not policy:
        return True
    prefixes = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
    return bool(prefixes) and path.startswith(prefixes)


class PlatformFramingMiddleware:
    """Lets the registered platforms frame the site's pages.

    After ``ContentCacheMiddleware`` in ``MIDDLEWARE`` (the origins are cached
    under its version) and after django-csp's and Django's clickjacking
    middleware, which then write the headers from what this one left on the
    response. A response that chose its own framing (an ``X-Frame-Options``
    header, a replaced ``frame-ancestors``, no CSP) is left as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            # Only pages are framed: the API and files need no platform.
            not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("X-Frame-Options")
            or getattr(response, "_csp_exempt", False)
            or "frame-ancestors" in (getattr(response, "_csp_replace", None) or {})
            or _without_policy(request.path_info)
        ):
            return response
        origins = platform_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            listed = update.get("frame-ancestors") or []
            if isinstance(listed, str):
                listed = [listed]
            update["frame-ancestors"] = [*listed, *origins]
            response._csp_update = update
            response.xframe_options_exempt = True
        return response
