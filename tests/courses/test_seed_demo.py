from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from courses import checks
from courses.demo.seed import ensure_site
from courses.models import (
    Cohort,
    Competence,
    CoursePage,
    Enrolment,
    LessonPage,
    ModuleCompetence,
    ModulePage,
)
from tests.factories import make_catalogue, make_user

pytestmark = pytest.mark.django_db

MODELS = (
    Page,
    CoursePage,
    ModulePage,
    LessonPage,
    ModuleCompetence,
    Competence,
    Cohort,
    Enrolment,
    get_user_model(),
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_builds_the_programme(capsys):
    """The demo course has 60 hours over ≥4 modules and ≥12 lessons, in Latvian and English."""
    call_command("seed_demo")
    output = capsys.readouterr().out
    for line in ("admin / ", "author / ", "teacher / "):
        assert line in output
    lv = CoursePage.objects.get(locale__language_code="lv")
    en = CoursePage.objects.get(locale__language_code="en")
    assert en.translation_key == lv.translation_key
    assert "Competence-Based Approach for STEM Specialists" in en.title
    assert "Kompetenču pieeja" in lv.title
    assert lv.total_hours == en.total_hours == Decimal(60)
    assert ModulePage.objects.child_of(lv).count() >= 4
    assert LessonPage.objects.descendant_of(lv).count() >= 12
    assert ModuleCompetence.objects.filter(module__locale=lv.locale).count() >= 8
    assert lv.provider_name == "Daugavpils Universitāte"
    assert "NFI/IC/VIAA/2020/4" in lv.funding_line
    assert lv.self_enrolment


def test_the_demo_site_follows_the_configured_address(settings):
    """Seeding puts the default Wagtail site at the configured host and port (443
    for https) with the catalogue as its root, so the address check is silent."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    catalogue = make_catalogue()
    assert checks.check_site_address(databases=["default"])
    ensure_site(catalogue)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == (
        "127.0.0.1",
        8100,
        catalogue.pk,
    )
    assert checks.check_site_address(databases=["default"]) == []
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.du.lv"
    ensure_site(catalogue)
    assert Site.objects.get().root_url == "https://kursi.du.lv"


def test_seed_demo_twice_gives_the_same_counts():
    """Running the demo seed again duplicates nothing."""
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_demo_teacher_can_sign_in_and_enrol_without_key(client):
    """The printed teacher account works and the demo course needs no key."""
    from courses.enrolment.enrolling import self_enrol

    call_command("seed_demo")
    response = client.post(
        "/en/accounts/login/",
        {"login": "teacher@example.edu", "password": "teacher-demo-2026"},
    )
    assert response.status_code == 302
    course = CoursePage.objects.get(locale__language_code="lv")
    other = make_user(username="guest")
    assert self_enrol(other, course).status == Enrolment.Status.ACTIVE
