"""What the content origin serves: a package's files and the player that runs a
learner's attempt. Nothing here reads a session; the signed token in the path is
all a request may open (:mod:`courses.activities.tokens`).

Pages here are rendered without a request context: the site's context
processors name the site's own URLs, which this origin does not have.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courses.activities import runtime
from courses.activities.models import Package
from courses.activities.origin import CONTENT_URLCONF, site_origin
from courses.activities.tokens import attempt_from_token, package_digest, package_token

#: A file stays in the learner's browser for a few hours: a package's files never
#: change under its digest, and the token in the path is new at every launch.
FILE_MAX_AGE_SECONDS = 4 * 60 * 60

#: Types the standard library guesses differently from system to system, or not
#: at all, and that a browser refuses under ``nosniff`` when they are wrong.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".wasm": "application/wasm",
}

#: Types sent as UTF-8. HTML is not among them: a package's page names its own
#: encoding in a <meta> element, which a charset here would override.
UTF8_TYPES = {
    "text/javascript",
    "text/css",
    "text/plain",
    "text/vtt",
    "application/json",
    "application/xml",
    "image/svg+xml",
}

#: The longest path inside a package (the launch file's field holds as much).
MAX_PATH_LENGTH = 500


def safe_path(path: str) -> str | None:
    """``path`` as a relative path inside a package, or None when it could leave
    it or is not a plain name (``..``, an absolute path, a backslash, an empty
    or ``.`` segment, a NUL)."""
    if (
        not path
        or len(path) > MAX_PATH_LENGTH
        or "\\" in path
        or "\x00" in path
        or path.startswith("/")
    ):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return str(PurePosixPath(*parts))


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    kind = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind in UTF8_TYPES else kind


def _message(message: str, status: int) -> HttpResponse:
    return HttpResponse(
        render_to_string("courses/activities/message.html", {"message": message}),
        status=status,
    )


def expired(request: HttpRequest) -> HttpResponse:
    """The short page a forged or expired token gets."""
    return _message(_("This link has expired. Reload the lesson."), 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The content origin's 404: the site's own page would link to the site."""
    return _message(_("There is nothing here."), 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _message(_("Something went wrong. Reload the lesson."), 500)


@require_safe
def package_file(request: HttpRequest, token: str, path: str) -> HttpResponse:
    """One file of the package ``token`` opens, streamed from the default storage
    (no query: files are kept by the package's digest)."""
    digest = package_digest(token)
    if digest is None:
        return expired(request)
    name = safe_path(path)
    if name is None:
        raise Http404
    try:
        file = default_storage.open(Package(digest=digest).storage_name(name))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404 from None
    response = FileResponse(file, content_type=content_type(name))
    response.headers["Cache-Control"] = f"private, max-age={FILE_MAX_AGE_SECONDS}"
    return response


def _file_url(package: Package, path: str) -> str:
    """The address on this origin of ``path`` inside ``package``; a launch file
    may carry a query (``index.html?lesson=2``), kept as it is."""
    parts = urlsplit(path)
    url = reverse(
        "activity_file",
        urlconf=CONTENT_URLCONF,
        args=[package_token(package), parts.path],
    )
    return f"{url}?{parts.query}" if parts.query else url


@require_safe
def player(request: HttpRequest, token: str) -> HttpResponse:
    """The player page of an attempt: the SCORM runtime with the package's launch
    file in a frame, or the H5P player."""
    attempt = attempt_from_token(token)
    if attempt is None:
        return expired(request)
    language = request.GET.get("lang", "")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
    start = runtime.player_context(attempt)
    package = attempt.package
    config = {"siteOrigin": site_origin(), "version": start["version"]}
    if package.is_scorm:
        template = "courses/activities/player_scorm.html"
        config.update(
            commitUrl=reverse(
                "activity_runtime", urlconf=CONTENT_URLCONF, args=[token]
            ),
            launchUrl=_file_url(package, start["launch"]),
            cmi=start["cmi"],
        )
    else:
        template = "courses/activities/player_h5p.html"
        config.update(
            xapiUrl=reverse("activity_xapi", urlconf=CONTENT_URLCONF, args=[token]),
            # The package's folder: the player adds "/h5p.json",
            # "/content/content.json" and the libraries' folders to it.
            h5pJsonPath=_file_url(package, "h5p.json").removesuffix("/h5p.json"),
            frameJs=static("activities/h5p-standalone/frame.bundle.js"),
            frameCss=static("activities/h5p-standalone/styles/h5p.css"),
        )
    context = {"config": config, "title": attempt.activity.title}
    response = HttpResponse(render_to_string(template, context))
    # A launch is one learner's attempt: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
