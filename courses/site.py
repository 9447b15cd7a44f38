"""The site's public address, for links that leave the site: e-mails, printed
certificates, calendar feeds and API answers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from wagtail.models import Site

from courses.conf import lms_setting


def base_url(request: HttpRequest | None = None) -> str:
    """The public address without a trailing slash.

    ``WAGTAILADMIN_BASE_URL`` (the address staff and learners use) when it is set;
    else the address of the request being answered; else the default Wagtail
    site's (which background tasks, having no request, fall back on).
    """
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url.rstrip("/") if site else "http://localhost"


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
