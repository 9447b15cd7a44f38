"""The site's public address, for links that leave the site: e-mails, printed
certificates and their QR codes, Open Badges, calendar feeds, xAPI statements and
API answers. Every absolute URL the plugin makes starts with :func:`base_url`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from wagtail.models import Site

from courses.conf import lms_setting

if TYPE_CHECKING:
    from wagtail.models import Page


def base_url() -> str:
    """The public address without a trailing slash, e.g. ``https://kursi.du.lv``.

    ``WAGTAILADMIN_BASE_URL``, Wagtail's own setting for the address its e-mails
    link to; without it, the default Wagtail site's. Never the request's host: a
    certificate freezes its address when issued, so it must not depend on how the
    person who triggered it reached the site.
    """
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url.rstrip("/") if site else "http://localhost"


def host_and_port(url: str) -> tuple[str, int]:
    """The host and port of ``url`` as a Wagtail site records them: the port
    written out, 443 for https and 80 for http when the address names none."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    return (parts.hostname or "").lower(), parts.port or default_port


def page_url(page: Page, request: HttpRequest | None = None) -> str:
    """The page's public address under :func:`base_url`, or ``""`` when it has
    none (outside every site). Wagtail's ``get_full_url`` would take the host
    from the site record instead."""
    parts = page.get_url_parts(request)
    return base_url() + parts[2] if parts else ""


def site_name(request: HttpRequest | None = None) -> str:
    """The site's name in the active language, as e-mails sign and pages title.

    ``LMS_SITE_NAME`` names it per language (a Latvian sentence must not name the
    site in English); a language it leaves out gets the first one given. Without
    it: the Wagtail site's name (one per site, so one language), else
    ``WAGTAIL_SITE_NAME``.
    """
    names = lms_setting("LMS_SITE_NAME")
    if names:
        language = (get_language() or "").split("-")[0]
        return names.get(language) or next(iter(names.values()))
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site else "") or getattr(
        settings, "WAGTAIL_SITE_NAME", ""
    )


def next_url(request: HttpRequest, default: str) -> str:
    """Where a form posted from a page sends the learner back: its ``next`` field
    when that is an address on this site, else ``default``."""
    target = request.POST.get("next", "")
    # A path on this site only: anything else would be taken for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
