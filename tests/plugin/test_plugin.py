"""The plugin stands on its own in any Wagtail site: it names nothing of its host,
courses works without certificates, its settings and the host's omissions are
reported by system checks, and its pages sit inside the host's base template."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from wagtail.models import Site

import courses
from courses import checks, conf
from courses.enrolment.enrolling import enrol
from tests.factories import make_course_tree, make_user

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = [ROOT / "courses", ROOT / "certificates"]


def plugin_files(*suffixes: str) -> list[Path]:
    return [
        path
        for folder in PLUGIN
        for path in folder.rglob("*")
        if path.suffix in suffixes and "migrations" not in path.parts
    ]


def test_no_plugin_file_names_the_host_site():
    """No module or template of the plugin reverses an ``lms:`` URL, imports the
    host's ``lms`` package or extends the host's ``base.html``."""
    offenders = []
    for path in plugin_files(".py", ".html", ".txt"):
        text = path.read_text()
        if (
            re.search(r"""['"]lms:""", text)
            or re.search(r"^\s*(from|import) lms\b", text, re.M)
            or '{% extends "base.html" %}' in text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_courses_works_without_the_certificates_app():
    """With certificates left out of INSTALLED_APPS, the checks pass and a learner's
    dashboard and course page render, without a certificates link."""
    script = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from tests.factories import make_course_tree, make_user
from courses.enrolment.enrolling import enrol
call_command("check", fail_level="ERROR")
course, _ = make_course_tree(modules=1, lessons=1)
learner = make_user()
enrol(learner, course)
client = Client()
client.force_login(learner)
for url in ("/lv/my/", course.url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert "/certificates/" not in response.content.decode(), url
print("courses stands alone")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.plugin.settings_without_certificates",
            "TASKS_BACKEND": "immediate",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "courses stands alone" in result.stdout, result.stderr[-3000:]


def test_misspelt_or_wrong_settings_are_check_errors(settings):
    """A misspelt LMS_ setting and a value of the wrong type are named at
    start-up, with what was meant."""
    settings.LMS_BASE_TEMPLAT = "base.html"
    settings.LMS_ASSIGNMENT_MAX_BYTES = "10 MB"
    settings.LMS_SELF_REGISTRATION = "no"
    messages = {message.id: message for message in conf.check_settings()}
    assert messages["courses.E001"].msg == (
        "LMS_BASE_TEMPLAT is not a setting of the learning plugin."
    )
    assert messages["courses.E001"].hint == "Did you mean LMS_BASE_TEMPLATE?"
    errors = [m.msg for m in conf.check_settings() if m.id == "courses.E002"]
    assert (
        "LMS_ASSIGNMENT_MAX_BYTES must be a whole number of bytes above zero, "
        "not '10 MB'."
    ) in errors
    assert "LMS_SELF_REGISTRATION must be True or False, not 'no'." in errors


def test_proxy_settings_the_plugin_cannot_use_are_check_errors(settings):
    """A negative proxy count or a proxy that is not an address or network is
    named by the check instead of failing on every sign-in."""
    settings.LMS_PROXY_COUNT = -1
    settings.LMS_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example.edu"]
    # A setting overridden in a test is listed twice by dir(settings).
    errors = {m.msg for m in conf.check_settings() if m.id == "courses.E002"}
    assert errors == {
        "LMS_PROXY_COUNT must be the number of proxies in front of the site that "
        "append to X-Forwarded-For (0: none, the header is ignored), not -1.",
        "LMS_TRUSTED_PROXIES must be the addresses or networks of the nearest "
        'proxy, e.g. ["10.0.0.0/8"], ["*"] or None for any, not '
        "['10.0.0.0/8', 'proxy.example.edu'].",
    }


def test_settings_are_read_when_used(settings):
    """``override_settings`` changes a plugin setting at once; unset, the
    default applies."""
    assert conf.lms_setting("LMS_ASSIGNMENT_MAX_BYTES") == 10 * 1024 * 1024
    settings.LMS_ASSIGNMENT_MAX_BYTES = 2048
    assert conf.lms_setting("LMS_ASSIGNMENT_MAX_BYTES") == 2048


def test_the_demo_settings_pass_every_check():
    """The demo host configures the plugin without a warning."""
    assert conf.check_settings() == []
    assert checks.check_apps_and_middleware() == []
    assert checks.check_urls() == []
    assert checks.check_limits() == []


def test_a_forgotten_middleware_or_app_is_named(settings, monkeypatch):
    """Leaving out the session middleware or django_tasks is an error that says
    what to add."""
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name != "django.contrib.sessions.middleware.SessionMiddleware"
    ]
    installed = checks.apps.is_installed
    monkeypatch.setattr(
        checks.apps,
        "is_installed",
        lambda app: app != "django_tasks" and installed(app),
    )
    hints = [message.hint for message in checks.check_apps_and_middleware()]
    assert (
        'Add "django.contrib.sessions.middleware.SessionMiddleware" to MIDDLEWARE '
        "(see docs/install.md)."
    ) in hints
    assert 'Add "django_tasks" to INSTALLED_APPS (see docs/install.md).' in hints


def test_a_site_without_signin_protection_is_warned(monkeypatch):
    """Without django-axes, password guessing is unlimited: a warning says so."""
    installed = checks.apps.is_installed
    monkeypatch.setattr(
        checks.apps, "is_installed", lambda app: app != "axes" and installed(app)
    )
    warnings = {
        message.id: message.msg for message in checks.check_apps_and_middleware()
    }
    assert warnings == {
        "courses.W014": "Sign-in is not protected against password guessing: "
        "django-axes is not installed."
    }


def test_limits_counting_other_addresses_are_warned(settings):
    """A site that keeps axes' own handler or another client address is told
    what goes wrong and what to set; the demo's settings pass."""
    assert checks.check_limits() == []
    del settings.AXES_HANDLER
    settings.RATELIMIT_IP_META_KEY = "courses.people.signin.client_address"
    warnings = {message.hint: message.msg for message in checks.check_limits()}
    assert warnings == {
        'Set AXES_HANDLER = "courses.people.signin.SignInAttempts" (see '
        "docs/install.md).": "A right password clears the wrong passwords of "
        "every account at its address, so a guesser who knows one password is "
        "never stopped.",
        'Set RATELIMIT_IP_META_KEY = "courses.client_address.client_address" (see '
        "docs/install.md).": "Guesses and look-ups are counted by another client "
        "address than the sign-in limits use; behind a proxy every visitor may "
        "count as the proxy.",
    }


def test_a_latvian_site_without_the_admin_catalogue_is_warned(settings):
    """Latvian among the languages and the plugin's Wagtail catalogue not in
    LOCALE_PATHS: a warning names the setting to add."""
    assert checks.check_latvian_admin() == []
    settings.LOCALE_PATHS = []
    [warning] = checks.check_latvian_admin()
    assert warning.id == "courses.W015"
    assert "courses.WAGTAIL_LOCALE_PATH" in warning.hint
    settings.LANGUAGES = [("en", "English")]
    assert checks.check_latvian_admin() == []


@pytest.mark.parametrize(
    "address", ["kursi.du.lv", "127.0.0.1:8100", "ftp://kursi.du.lv", "http://x:port"]
)
def test_a_base_url_that_is_no_address_is_an_error(settings, address):
    """A WAGTAILADMIN_BASE_URL without http(s):// and a host, which certificates
    would print, is an error quoting it; a proper address passes."""
    settings.WAGTAILADMIN_BASE_URL = address
    [error] = checks.check_base_url()
    assert error.id == "courses.E016"
    assert error.msg == f"WAGTAILADMIN_BASE_URL is not a web address: {address!r}."
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.du.lv"
    assert checks.check_base_url() == []


@pytest.mark.django_db
def test_a_wagtail_site_at_another_address_is_warned(settings):
    """The default Wagtail site at another host or port than WAGTAILADMIN_BASE_URL
    is a warning (from ``check --database``) naming both and what to set; a site
    in step, or a check run without the database, says nothing."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)
    [warning] = [
        message
        for message in run_checks(databases=["default"])
        if message.id == "courses.W017"
    ]
    assert warning.msg == (
        "The default Wagtail site is at http://localhost, but WAGTAILADMIN_BASE_URL "
        "is http://127.0.0.1:8100."
    )
    assert "the hostname '127.0.0.1' and port 8100" in warning.hint
    assert checks.check_site_address(databases=None) == []
    site.hostname, site.port = "127.0.0.1", 8000
    site.save()
    assert [w.id for w in checks.check_site_address(databases=["default"])] == [
        "courses.W017"
    ]
    site.port = 8100
    site.save()
    assert checks.check_site_address(databases=["default"]) == []


@pytest.mark.django_db
def test_an_https_address_matches_a_site_on_port_443(settings):
    """A Wagtail site says https by port 443: it is in step with an https address
    without a port, and one on port 80 is not."""
    settings.WAGTAILADMIN_BASE_URL = "https://Kursi.du.lv/"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "kursi.du.lv", 443
    site.save()
    assert checks.check_site_address(databases=["default"]) == []
    site.port = 80
    site.save()
    [warning] = checks.check_site_address(databases=["default"])
    assert "port 443" in warning.hint


@override_settings(ROOT_URLCONF="tests.plugin.urls_without_courses")
def test_a_forgotten_url_include_is_named():
    """A URLconf without the plugin's includes is an error naming the include."""
    messages = {message.id: message for message in checks.check_urls()}
    assert 'include("courses.urls")' in messages["courses.E020"].hint
    assert "courses.W021" in messages
    from certificates import checks as certificate_checks

    [error] = certificate_checks.check_urls()
    assert 'include("certificates.urls")' in error.hint


@pytest.mark.django_db
def test_pages_sit_inside_the_base_template_the_site_names(client, settings):
    """By default the plugin's own layout frames its pages; LMS_BASE_TEMPLATE
    points them at the host's base template. Either way the plugin's stylesheet
    is there."""
    course, _ = make_course_tree(modules=1, lessons=1)
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    settings.LMS_BASE_TEMPLATE = "courses/layout.html"
    settings.LMS_SITE_NAME = None  # the demo's names the university
    own = client.get("/en/my/").content.decode()
    settings.LMS_BASE_TEMPLATE = "base.html"  # the demo host's
    hosted = client.get("/en/my/").content.decode()
    for html in (own, hosted):
        assert "/static/courses/css/lms.css" in html
        assert 'class="site-nav"' in html
    assert "Daugavpils University" not in own
    assert "Daugavpils University" in hosted


def test_the_package_reports_its_version():
    """The version the wheel is built with is the one the package reports."""
    from importlib.metadata import version

    assert re.fullmatch(r"\d+\.\d+\.\d+", courses.__version__)
    assert version("wagtail-stem-lms") == courses.__version__
