"""The content origin: package files and players on a host of their own, without
cookies, framed by the site only; and none of either origin's pages on the
other."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.utils import timezone
from freezegun import freeze_time

from courses.activities.models import Package
from courses.activities.tokens import MAX_AGE_SECONDS, attempt_token, package_token
from tests.activities.runtime_world import package_world

pytestmark = pytest.mark.django_db

CONTENT = "http://localhost:8001"
SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.LMS_CONTENT_ORIGIN = CONTENT
    settings.WAGTAILADMIN_BASE_URL = SITE


def content_client(**extra) -> Client:
    """A browser on the content origin (its Host header)."""
    return Client(HTTP_HOST="localhost:8001", **extra)


def stored(package: Package, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        default_storage.save(package.storage_name(path), ContentFile(data))


@pytest.fixture
def scorm():
    world = package_world()
    package = world.activity.package
    stored(
        package,
        {
            "index.html": b"<!doctype html><title>SCO</title><p>Sk\xc4\x81\xc5\x86a</p>",
            "js/sco.js": b"parent.API.LMSInitialize('');",
            "css/sco.css": b"p { color: navy }",
        },
    )
    return world


def file_url(package: Package, path: str, token: str | None = None) -> str:
    return f"/p/{token or package_token(package)}/{path}"


def test_a_package_file_is_served_sandboxed_without_cookies(scorm):
    """A package's page comes from the content host with the sandbox, framed only
    by the site (and the player), with no cookie set even when the browser sends
    the site's session cookie."""
    client = content_client()
    client.cookies["sessionid"] = "the-learners-session"
    client.cookies["csrftoken"] = "x" * 32
    response = client.get(file_url(scorm.activity.package, "index.html"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith("Skāņa</p>".encode())
    assert response["Content-Type"] == "text/html"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts allow-same-origin allow-forms")
    assert "allow-top-navigation" not in policy
    assert policy.endswith(f"frame-ancestors 'self' {SITE}")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "X-Frame-Options" not in response
    assert "Set-Cookie" not in str(response.serialize_headers())
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "private, max-age=14400"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("js/sco.js", "text/javascript; charset=utf-8"),
        ("css/sco.css", "text/css; charset=utf-8"),
    ],
)
def test_scripts_and_styles_carry_the_types_nosniff_needs(scorm, path, content_type):
    """Scripts and styles are typed so that a browser under nosniff runs them."""
    response = content_client().get(file_url(scorm.activity.package, path))
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "path",
    [
        "../index.html",
        "js/../index.html",
        "js/%2e%2e/index.html",
        "js//sco.js",
        "./index.html",
        "js\\sco.js",
        "missing.html",
        "js",
    ],
)
def test_paths_outside_the_package_or_missing_are_404(scorm, path):
    """A path that leaves the package, is not plain, or names no file is a 404."""
    response = content_client().get(file_url(scorm.activity.package, path))
    assert response.status_code == 404


def test_another_packages_files_are_not_reached_by_traversal(scorm):
    """Even a well-formed token cannot reach another package's folder."""
    other = Package(digest="f" * 64)
    stored(other, {"secret.html": b"secret"})
    url = file_url(scorm.activity.package, f"../{'f' * 64}/secret.html")
    assert content_client().get(url).status_code == 404


def test_a_forged_token_gets_the_expired_page(scorm):
    """A token the site did not sign opens nothing and says to reload the lesson."""
    token = package_token(scorm.activity.package)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in (
        file_url(scorm.activity.package, "index.html", forged),
        f"/play/{forged}/",
    ):
        response = content_client(HTTP_ACCEPT_LANGUAGE="en").get(url)
        assert response.status_code == 403
        assert "This link has expired. Reload the lesson." in response.content.decode()


def test_an_expired_token_gets_the_expired_page(scorm):
    """A copied address stops working once the token's lifetime has passed."""
    with freeze_time(timezone.now() - timedelta(seconds=MAX_AGE_SECONDS + 60)):
        old_file = file_url(scorm.activity.package, "index.html")
        old_player = f"/play/{attempt_token(scorm.attempt())}/"
    for url in (old_file, old_player):
        response = content_client(HTTP_ACCEPT_LANGUAGE="lv").get(url)
        assert response.status_code == 403
        assert "Saite vairs nav derīga. Pārlādējiet nodarbību." in (
            response.content.decode()
        )
        assert not response.cookies


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/lv/accounts/login/", "/api/v1/", "/admin/", "/"]
)
def test_the_sites_pages_are_not_on_the_content_host(path):
    """Nothing of the site answers on the content host: no sign-in form, no API."""
    response = content_client().get(path)
    assert response.status_code == 404
    assert not response.cookies


def test_the_content_paths_are_not_on_the_sites_host(scorm):
    """The site's host serves no package file, player or runtime."""
    token = attempt_token(scorm.attempt())
    site = Client(HTTP_HOST="127.0.0.1:8000")
    for url in (
        file_url(scorm.activity.package, "index.html"),
        f"/play/{token}/",
        f"/runtime/{token}/",
    ):
        assert site.get(url).status_code == 404


def test_another_port_of_the_content_host_is_not_the_content_origin(scorm):
    """Only the configured host and port are the content origin."""
    url = file_url(scorm.activity.package, "index.html")
    assert Client(HTTP_HOST="localhost:8000").get(url).status_code == 404


@override_settings(LMS_CONTENT_ORIGIN="")
def test_without_a_content_origin_no_host_serves_packages(scorm):
    """With no content origin set, package files are served nowhere."""
    url = file_url(scorm.activity.package, "index.html")
    assert content_client().get(url).status_code == 404


def test_the_runtime_answers_on_the_content_host_without_csrf_or_cookies(scorm):
    """The player's commit is accepted with no CSRF token (the path's token is the
    credential) and the answer sets no cookie."""
    token = attempt_token(scorm.attempt())
    client = content_client(enforce_csrf_checks=True)
    response = client.post(
        f"/runtime/{token}/",
        data=json.dumps({"cmi.core.lesson_status": "completed"}),
        content_type="text/plain;charset=UTF-8",
    )
    assert response.status_code == 200
    assert response.json()["lessonDone"] is True
    assert not response.cookies
    started = client.get(f"/runtime/{token}/").json()
    assert started["cmi"]["cmi.core.lesson_status"] == "completed"


def _config(html: str) -> dict:
    match = re.search(
        r'<script id="player-config" type="application/json">(.*?)</script>', html
    )
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    ("kind", "version", "script"),
    [
        (Package.Kind.SCORM_12, "1.2", "activities/scorm-again/scorm12.min.js"),
        (Package.Kind.SCORM_2004, "2004", "activities/scorm-again/scorm2004.min.js"),
    ],
)
def test_the_scorm_player_loads_its_api_and_the_launch_file(kind, version, script):
    """The SCORM player loads scorm-again's API for the package's version, commits
    to the attempt's runtime and frames the launch file from this origin."""
    world = package_world(kind)
    token = attempt_token(world.attempt())
    response = content_client().get(f"/play/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="/static/{script}"' in html
    assert 'src="/static/courses/activities/scorm-player.js"' in html
    config = _config(html)
    assert config["version"] == version
    assert config["commitUrl"] == f"/runtime/{token}/"
    assert config["siteOrigin"] == SITE
    assert re.fullmatch(r"/p/[^/]+/index\.html", config["launchUrl"])
    name = "cmi.core.student_name" if version == "1.2" else "cmi.learner_name"
    assert name in config["cmi"]
    # The configuration is data; the page runs no inline script.
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html)
    assert response["Cache-Control"] == "private, no-store"


def test_the_h5p_player_loads_h5p_standalone_and_reports_to_xapi():
    """The H5P player loads h5p-standalone with the package's folder and its frame
    files, and sends statements to the attempt's xAPI address."""
    world = package_world(Package.Kind.H5P)
    token = attempt_token(world.attempt())
    html = content_client().get(f"/play/{token}/").content.decode()
    assert 'src="/static/activities/h5p-standalone/main.bundle.js"' in html
    assert 'src="/static/courses/activities/h5p-player.js"' in html
    config = _config(html)
    assert config["xapiUrl"] == f"/runtime/{token}/xapi/"
    assert re.fullmatch(r"/p/[^/]+", config["h5pJsonPath"])
    assert config["frameJs"] == "/static/activities/h5p-standalone/frame.bundle.js"
    assert config["frameCss"] == "/static/activities/h5p-standalone/styles/h5p.css"


def test_the_player_speaks_the_lessons_language():
    """The player's own words follow the language the lesson page passes."""
    world = package_world()
    token = attempt_token(world.attempt())
    html = content_client().get(f"/play/{token}/?lang=lv").content.decode()
    assert '<html lang="lv">' in html
    assert "Jūsu progresu neizdevās saglabāt" in html


@pytest.mark.parametrize(
    ("origin", "host", "content"),
    [
        ("http://localhost:8001", "localhost:8001", True),
        # The site's own host without a port is not the demo's content origin.
        ("http://localhost:8001", "localhost", False),
        ("http://localhost:8001", "localhost:8000", False),
        # Behind a proxy the Host header names no port: the scheme's own.
        ("https://content.example.edu", "content.example.edu", True),
        ("https://content.example.edu", "kursi.example.edu", False),
    ],
)
def test_a_request_is_for_the_content_origin_by_host_and_port(
    settings, rf, origin, host, content
):
    from courses.activities.origin import is_content_request

    settings.LMS_CONTENT_ORIGIN = origin
    settings.ALLOWED_HOSTS = ["*"]
    assert is_content_request(rf.get("/", HTTP_HOST=host)) is content
