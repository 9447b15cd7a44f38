"""System checks for a site that installs the certificates app."""

from __future__ import annotations

from django.apps import apps
from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, reverse


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
