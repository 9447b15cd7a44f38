"""System checks for a site that installs the certificates app."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.urls import NoReverseMatch, reverse

from certificates.signing import current_key


@register()
def check_courses_installed(app_configs=None, **kwargs) -> list[Error]:
    if apps.is_installed("courses"):
        return []
    return [
        Error(
            "The certificates app needs the courses app.",
            hint='Add "courses" to INSTALLED_APPS, before "certificates".',
            id="certificates.E001",
        )
    ]


@register(Tags.urls)
def check_urls(app_configs=None, **kwargs) -> list[Error]:
    try:
        reverse("certificates:verify_form")
    except NoReverseMatch:
        return [
            Error(
                "The certificates' pages (download, public verification) are not in "
                "the URLconf.",
                hint='Add path("", include("certificates.urls")) to your urlpatterns, '
                "outside i18n_patterns: printed verification addresses carry no "
                "language prefix.",
                id="certificates.E002",
            )
        ]
    return []


@register()
def check_signing_key(app_configs=None, **kwargs) -> list:
    """Certificates are signed in production; a key that cannot be used is an
    error before the first certificate fails to render."""
    try:
        key = current_key()
    except ValueError as error:
        return [
            Error(
                f"The certificate signing key cannot be used: {error}",
                hint="Set LMS_SIGNING_KEY and LMS_SIGNING_CERTIFICATE to a matching "
                "PEM key and X.509 certificate.",
                id="certificates.E004",
            )
        ]
    if key is None and not settings.DEBUG:
        return [
            Warning(
                "Certificate PDFs are not signed: no signing key is configured.",
                hint="Set LMS_SIGNING_KEY and LMS_SIGNING_CERTIFICATE (PEM), e.g. "
                "from a pair made by `manage.py create_signing_key`.",
                id="certificates.W003",
            )
        ]
    return []
