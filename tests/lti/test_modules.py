"""Links that open one module: the launch enrols in the course and opens the
module's page, and the link's grade column gets that module's progress, while a
link to the whole course gets the course's."""

from __future__ import annotations

import json

import httpx
import pytest
from django.core.cache import cache
from wagtail.models import Locale

from courses.enrolment.models import Enrolment
from courses.lti.models import LtiIdentity, LtiResourceLink, LtiScorePassback
from courses.lti.passback import send_due
from courses.progress.recording import record_lesson_completed, refresh_summary
from tests.factories import make_course, make_lesson, make_module, publish
from tests.lti.platform import ISSUER, key_pair, launch_form, platform_for

pytestmark = pytest.mark.django_db

SERVICES = f"{ISSUER}/mod/lti/services.php/2"


def grade_claims(link_id: str, lineitem: str) -> dict:
    return {
        "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": link_id},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitems": f"{SERVICES}/lineitems",
            "lineitem": f"{SERVICES}/lineitems/{lineitem}/lineitem",
        },
    }


class Gradebook:
    """The platform's token and score endpoints: the scores each line item got."""

    def __init__(self) -> None:
        self.scores: dict[str, list[dict]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/mod/lti/token.php":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 60})
        assert request.url.path.endswith("/lineitem/scores")
        line_item = request.url.path.split("/")[-3]
        self.scores.setdefault(line_item, []).append(json.loads(request.content))
        return httpx.Response(200)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def given(self, line_item: str) -> list[tuple[int, str, str]]:
        return [
            (s["scoreGiven"], s["activityProgress"], s["gradingProgress"])
            for s in self.scores.get(line_item, [])
        ]


@pytest.fixture
def gradebook(settings):
    cache.clear()
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    return Gradebook()


@pytest.fixture
def course():
    course = make_course(title="Digitālās prasmes", slug="digitalas-prasmes")
    for title, slug in (("Drošība tīmeklī", "drosiba"), ("Izklājlapas", "tabulas")):
        module = make_module(course, title=title, slug=slug)
        make_lesson(module)
        make_lesson(module)
    return course


def test_module_link_enrols_and_opens_the_module(
    client, registration, platform_keys, course
):
    module = course.get_modules().get(slug="tabulas")
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug, "module": "tabulas"},
        claims=grade_claims("module-link", "8"),
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 302
    assert response.url == module.url
    enrolment = Enrolment.objects.get()
    assert enrolment.course_key == course.translation_key
    link = LtiResourceLink.objects.get()
    assert link.module_key == module.translation_key
    assert link.course_key == course.translation_key
    page = client.get(response.url).content.decode()
    assert "Izklājlapas" in page and "Modulis" in page


def test_module_link_gets_the_modules_progress_and_course_link_the_courses(
    client, registration, platform_keys, course, gradebook
):
    platform = platform_for(registration, platform_keys)
    for custom, claims in (
        ({"course": course.slug}, grade_claims("course-link", "7")),
        (
            {"course": course.slug, "module": "tabulas"},
            grade_claims("module-link", "8"),
        ),
    ):
        form = launch_form(client, platform, custom=custom, claims=claims)
        assert client.post("/lti/launch/", form).status_code == 302
    enrolment = Enrolment.objects.get()
    first, second = course.get_modules()

    for lesson in first.get_lessons():
        record_lesson_completed(enrolment, lesson)
    send_due(gradebook.client)

    assert gradebook.given("7") == [
        (25, "InProgress", "Pending"),
        (50, "InProgress", "Pending"),
    ]
    # The linked module has not been begun: its column gets nothing yet.
    assert gradebook.given("8") == []

    lessons = list(second.get_lessons())
    record_lesson_completed(enrolment, lessons[0])
    send_due(gradebook.client)
    assert gradebook.given("8") == [(50, "InProgress", "Pending")]

    record_lesson_completed(enrolment, lessons[1])
    send_due(gradebook.client)
    assert gradebook.given("8") == [
        (50, "InProgress", "Pending"),
        (100, "Completed", "FullyGraded"),
    ]
    assert gradebook.given("7")[-1] == (100, "Completed", "FullyGraded")
    assert {s["userId"] for s in gradebook.scores["8"]} == {"moodle-user-7"}

    # A recount repeats no state: one row per state per grade link.
    rows = LtiScorePassback.objects.count()
    refresh_summary(enrolment)
    record_lesson_completed(enrolment, lessons[1])
    assert LtiScorePassback.objects.count() == rows == 6


def test_module_link_opens_the_module_in_the_learners_language(
    client, registration, platform_keys, course
):
    english_locale = Locale.objects.get_or_create(language_code="en")[0]
    english = course.copy_for_translation(english_locale, copy_parents=True)
    english.title = "Digital skills"
    publish(english)
    latvian_module = course.get_modules().get(slug="tabulas")
    english_module = latvian_module.copy_for_translation(english_locale)
    english_module.slug = "spreadsheets"
    english_module.title = "Spreadsheets"
    publish(english_module)
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug, "module": "tabulas"},
    )

    response = client.post("/lti/launch/", form, HTTP_ACCEPT_LANGUAGE="en")

    assert response.url == english_module.url
    assert LtiResourceLink.objects.get().module_key == latvian_module.translation_key


@pytest.mark.parametrize("module", ["no-such-module", "foreign"])
def test_unknown_module_changes_nothing(
    client, registration, platform_keys, course, module
):
    make_module(make_course(), slug="foreign")
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug, "module": module},
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Modulis, ko atver šī saite, šeit nav pieejams" in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert not Enrolment.objects.exists()
    assert not LtiResourceLink.objects.exists()
