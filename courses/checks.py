"""System checks for a site that installs the plugin: what it must add to its
settings and URLs, named in the message, instead of a traceback on some page.
The ``LMS_`` settings themselves are checked in :mod:`courses.conf`."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

from courses import conf  # noqa: F401  (registers the settings check)
from courses.activities import origin  # noqa: F401  (registers the content origin's)
from courses.site import host_and_port

#: Apps the plugin's models, admin screens and templates use.
REQUIRED_APPS = [
    "wagtail",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.sites",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django.contrib.humanize",
    "django.contrib.messages",
    "django.contrib.sessions",
]

REQUIRED_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
CONTENT_CACHE_MIDDLEWARE = "courses.catalogue.content_cache.ContentCacheMiddleware"
UPLOAD_LIMIT_HANDLER = "courses.uploads.UploadLimitHandler"

CLIENT_ADDRESS = "courses.client_address.client_address"
#: What each limit's setting must name, and what goes wrong otherwise.
SIGN_IN_LIMITS = {
    "AXES_HANDLER": (
        "courses.people.signin.SignInAttempts",
        "A right password clears the wrong passwords of every account at its "
        "address, so a guesser who knows one password is never stopped.",
    ),
    "AXES_CLIENT_IP_CALLABLE": (
        CLIENT_ADDRESS,
        "Wrong passwords are counted by another client address than the other "
        "limits use; behind a proxy every visitor may count as the proxy.",
    ),
    "RATELIMIT_IP_META_KEY": (
        CLIENT_ADDRESS,
        "Guesses and look-ups are counted by another client address than the "
        "sign-in limits use; behind a proxy every visitor may count as the proxy.",
    ),
}


@register()
def check_apps_and_middleware(app_configs=None, **kwargs) -> list:
    messages: list = []
    for app in REQUIRED_APPS:
        if not apps.is_installed(app):
            messages.append(
                Error(
                    f"The learning plugin needs {app!r} in INSTALLED_APPS.",
                    hint=f'Add "{app}" to INSTALLED_APPS (see docs/install.md).',
                    id="courses.E010",
                )
            )
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    for name in REQUIRED_MIDDLEWARE:
        if name not in middleware:
            messages.append(
                Error(
                    f"The learning plugin needs {name!r} in MIDDLEWARE.",
                    hint=f'Add "{name}" to MIDDLEWARE (see docs/install.md).',
                    id="courses.E011",
                )
            )
    if not apps.is_installed("axes"):
        messages.append(
            Warning(
                "Sign-in is not protected against password guessing: django-axes "
                "is not installed.",
                hint='Add "axes" to INSTALLED_APPS with its middleware and '
                "backend (see docs/install.md).",
                id="courses.W014",
            )
        )
    if CONTENT_CACHE_MIDDLEWARE not in middleware:
        messages.append(
            Warning(
                "Course pages are not cached: the content cache middleware is not "
                "installed.",
                hint=f'Add "{CONTENT_CACHE_MIDDLEWARE}" at the end of MIDDLEWARE.',
                id="courses.W012",
            )
        )
    context_processors = [
        processor
        for template in getattr(settings, "TEMPLATES", [])
        for processor in template.get("OPTIONS", {}).get("context_processors", [])
    ]
    if "django.template.context_processors.request" not in context_processors:
        messages.append(
            Error(
                "The learning plugin's templates need the request in their context.",
                hint='Add "django.template.context_processors.request" to the '
                "context_processors of TEMPLATES.",
                id="courses.E013",
            )
        )
    return messages


@register()
def check_limits(app_configs=None, **kwargs) -> list:
    """Every limit counts the same client address, and a right password clears
    only its own account's count."""
    return [
        Warning(
            problem,
            hint=f'Set {name} = "{expected}" (see docs/install.md).',
            id="courses.W016",
        )
        for name, (expected, problem) in SIGN_IN_LIMITS.items()
        if getattr(settings, name, None) != expected
        and (name.startswith("RATELIMIT_") or apps.is_installed("axes"))
    ]


@register()
def check_latvian_admin(app_configs=None, **kwargs) -> list:
    """A Latvian site without the plugin's catalogue shows two thirds of Wagtail's
    admin in English."""
    from pathlib import Path

    from courses import WAGTAIL_LOCALE_PATH

    languages = {
        code.split("-")[0] for code, _name in getattr(settings, "LANGUAGES", [])
    }
    paths = {Path(path).resolve() for path in getattr(settings, "LOCALE_PATHS", [])}
    if "lv" in languages and WAGTAIL_LOCALE_PATH not in paths:
        return [
            Warning(
                "Most of the Wagtail admin shows in English to Latvian staff: the "
                "plugin's Latvian catalogue for it is not in LOCALE_PATHS.",
                hint="Add courses.WAGTAIL_LOCALE_PATH to LOCALE_PATHS (see "
                "docs/install.md).",
                id="courses.W015",
            )
        ]
    return []


@register()
def check_upload_handler(app_configs=None, **kwargs) -> list:
    """Without the plugin's upload handler first, a file is stored whole, however
    large, before any form checks its size."""
    if list(settings.FILE_UPLOAD_HANDLERS)[:1] != [UPLOAD_LIMIT_HANDLER]:
        return [
            Warning(
                "Uploaded files are stored whole before their size is checked: "
                "the plugin's upload handler is not first in FILE_UPLOAD_HANDLERS.",
                hint=f'Put "{UPLOAD_LIMIT_HANDLER}" first in FILE_UPLOAD_HANDLERS '
                "(see docs/install.md).",
                id="courses.W018",
            )
        ]
    return []


def _is_address(url: str) -> bool:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


@register()
def check_base_url(app_configs=None, **kwargs) -> list:
    """Every absolute URL starts with ``WAGTAILADMIN_BASE_URL``; one that is not an
    address would be printed on certificates and frozen there."""
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if configured and not _is_address(configured):
        return [
            Error(
                f"WAGTAILADMIN_BASE_URL is not a web address: {configured!r}.",
                hint="Set it to the address learners use, with http:// or "
                "https://, e.g. https://kursi.du.lv (see docs/install.md).",
                id="courses.E016",
            )
        ]
    return []


@register(Tags.database)
def check_site_address(app_configs=None, databases=None, **kwargs) -> list:
    """The default Wagtail site at another host or port than
    ``WAGTAILADMIN_BASE_URL``: Wagtail's own page addresses would then differ
    from those in e-mails and on certificates.

    It reads the database, so like Django's database checks it runs with
    ``migrate`` and ``check --database default``. A site record has no scheme
    (port 443 stands for https), so host and port are compared.
    """
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if not databases or not _is_address(configured):
        return []
    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:
        # Not migrated yet: ``migrate`` runs its checks before creating the table.
        return []
    hostname, port = host_and_port(configured)
    if site is None or (site.hostname.lower(), site.port) == (hostname, port):
        return []
    return [
        Warning(
            f"The default Wagtail site is at {site.root_url}, but "
            f"WAGTAILADMIN_BASE_URL is {configured}.",
            hint=f"In Settings → Sites give the default site the hostname "
            f"{hostname!r} and port {port}, or correct WAGTAILADMIN_BASE_URL "
            "(see docs/install.md). The demo: manage.py seed_demo does it.",
            id="courses.W017",
        )
    ]


def _reverses(name: str, *args) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


@register(Tags.urls)
def check_urls(app_configs=None, **kwargs) -> list:
    messages: list = []
    if not _reverses("courses:dashboard"):
        messages.append(
            Error(
                "The learning plugin's pages are not in the URLconf.",
                hint='Add path("", include("courses.urls")) to your urlpatterns, '
                "before Wagtail's own include (see docs/install.md).",
                id="courses.E020",
            )
        )
    if not _reverses("api-v1:openapi-json"):
        messages.append(
            Warning(
                "The learning plugin's JSON API is not mounted.",
                hint='Add path("api/v1/", include("courses.api.urls")) to your '
                "urlpatterns if learners' apps or university systems should use it.",
                id="courses.W021",
            )
        )
    if not _reverses("wagtail_serve", ""):
        messages.append(
            Error(
                "Wagtail's pages are not in the URLconf, so the course catalogue "
                "cannot be served.",
                hint='Add path("", include(wagtail.urls)) as the last of your '
                "urlpatterns.",
                id="courses.E022",
            )
        )
    return messages
