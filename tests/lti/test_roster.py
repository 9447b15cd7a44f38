"""Names and Role Provisioning: the instructor who launched a link sees which of
the platform course's learners have started the course here; nobody else does,
and a platform that fails gives a message, not an error."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.enrolment.enrolling import enrol
from courses.enrolment.models import Enrolment
from courses.lti import roster
from courses.lti.models import LtiIdentity, LtiResourceLink
from courses.lti.services import MEMBERSHIP_SCOPE
from tests.factories import make_course, make_user
from tests.lti.platform import (
    INSTRUCTOR,
    ISSUER,
    LEARNER,
    key_pair,
    launch_form,
    platform_for,
)

pytestmark = pytest.mark.django_db

MEMBERS_URL = f"{ISSUER}/mod/lti/services.php/CourseSection/2/bindings/tool/memberships"
NRPS = {
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
        "context_memberships_url": MEMBERS_URL,
        "service_versions": ["2.0"],
    },
    "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "course-2"},
}
LEARNER_SHORT = "Learner"


def member(user_id: str, name: str, *roles: str, **extra) -> dict:
    return {"user_id": user_id, "name": name, "roles": list(roles or [LEARNER])} | extra


class FakeMoodle:
    """The platform's token endpoint and its roster in two pages; ``answer``
    replaces the roster's reply (an outage, a refusal)."""

    def __init__(self) -> None:
        self.pages = [
            [
                member("moodle-teacher-1", "Ilze Liepa", INSTRUCTOR),
                member("moodle-user-7", "Anna Bērziņa"),
                member("moodle-user-8", "Jānis Ozols", LEARNER_SHORT),
            ],
            [
                member("moodle-user-9", "Līga Kalniņa"),
                member("moodle-user-10", "Pēteris Zariņš", status="Inactive"),
            ],
        ]
        self.answer: httpx.Response | Exception | None = None
        self.token_answer: httpx.Response | None = None
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/mod/lti/token.php":
            form = parse_qs(request.content.decode())
            assert form["scope"] == [MEMBERSHIP_SCOPE]
            return self.token_answer or httpx.Response(
                200, json={"access_token": "nrps-1", "expires_in": 3600}
            )
        if isinstance(self.answer, Exception):
            raise self.answer
        if self.answer is not None:
            return self.answer
        assert request.headers["Authorization"] == "Bearer nrps-1"
        assert request.headers["Accept"] == roster.NRPS_MEDIA_TYPE
        page = int(request.url.params.get("page", "1"))
        headers = {}
        if page < len(self.pages):
            headers["Link"] = f'<{MEMBERS_URL}?page={page + 1}>; rel="next"'
        return httpx.Response(
            200,
            json={"id": MEMBERS_URL, "members": self.pages[page - 1]},
            headers=headers,
        )

    def roster_calls(self) -> int:
        return sum(1 for r in self.requests if "memberships" in r.url.path)


@pytest.fixture
def moodle(settings, monkeypatch) -> FakeMoodle:
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    fake = FakeMoodle()
    monkeypatch.setattr(
        roster, "_client", lambda: httpx.Client(transport=httpx.MockTransport(fake))
    )
    return fake


@pytest.fixture
def course():
    return make_course(slug="digital-skills", title="Digital skills")


def learner(subject: str, course, percent: int = 0, status: str = "active"):
    user = make_user()
    LtiIdentity.objects.create(issuer=ISSUER, subject=subject, user=user)
    enrol(user, course)
    Enrolment.objects.filter(user=user).update(percent=percent, status=status)
    return user


def launched(client, registration, platform_keys, course, roles=None, **kwargs):
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
        claims=NRPS | kwargs.pop("claims", {}),
        roles=roles or [INSTRUCTOR],
        user_id=kwargs.pop("user_id", "moodle-teacher-1"),
        **kwargs,
    )
    response = client.post("/lti/launch/", form)
    assert response.status_code == 302
    return LtiResourceLink.objects.get()


def roster_url(link) -> str:
    return f"/lti/links/{link.pk}/roster/"


def rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_instructor_sees_who_of_the_platform_course_has_started(
    client, registration, platform_keys, moodle, course
):
    learner("moodle-user-7", course, percent=40)
    learner("moodle-user-8", course, percent=100, status="completed")
    link = launched(client, registration, platform_keys, course)

    course_page = client.get(course.url).content.decode()
    assert f'href="{roster_url(link)}"' in course_page
    assert "Kas ir sācis „Digital skills”" in course_page
    assert "Jūs atvērāt šo kursu kā platformas pasniedzējs" in course_page

    response = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert rows(page) == [
        ["Anna Bērziņa", "Yes", "40 %", "No"],
        ["Jānis Ozols", "Yes", "100 %", "Yes"],
        ["Līga Kalniņa", "No", "–", "No"],
    ]
    assert "Started: 2 of 3. Completed: 1." in page
    assert "more participants" not in page
    assert moodle.roster_calls() == 2
    assert LtiResourceLink.objects.get().memberships_url == MEMBERS_URL


def test_the_roster_speaks_latvian(client, registration, platform_keys, moodle, course):
    link = launched(client, registration, platform_keys, course)

    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="lv").content.decode()

    assert "Kas ir sācis" in page
    assert "Sākuši: 0 no 3. Pabeiguši: 0." in page
    assert '<th scope="col">Ir pabeidzis</th>' in page


def test_the_platforms_answer_is_reused_for_a_few_minutes(
    client, registration, platform_keys, moodle, course
):
    link = launched(client, registration, platform_keys, course)
    client.get(roster_url(link))
    learner("moodle-user-9", course, percent=10)

    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert moodle.roster_calls() == 2
    # Progress here is read afresh; only the platform's list is kept.
    assert ["Līga Kalniņa", "Yes", "10 %", "No"] in rows(page)


def test_a_learner_sees_no_roster(client, registration, platform_keys, moodle, course):
    link = launched(client, registration, platform_keys, course, roles=[LEARNER])

    with CaptureQueriesContext(connection) as queries:
        course_page = client.get(course.url).content.decode()
    assert course.title in course_page
    assert not [q for q in queries if "ltiresourcelink" in q["sql"].lower()]
    assert "Kas ir sācis" not in course_page
    assert "/roster/" not in course_page
    response = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="lv")

    assert response.status_code == 403
    assert "redz tikai platformas pasniedzējs" in response.content.decode()
    assert moodle.requests == []


def test_a_later_launch_as_learner_takes_the_roster_away(
    client, registration, platform_keys, moodle, course
):
    link = launched(client, registration, platform_keys, course)
    launched(client, registration, platform_keys, course, roles=[LEARNER])

    assert client.get(roster_url(link)).status_code == 403


def test_nobody_else_gets_in_by_the_session_alone(
    client, registration, platform_keys, moodle, course
):
    link = launched(client, registration, platform_keys, course)
    client.logout()
    assert client.get(roster_url(link)).status_code == 403

    # Another account, its session claiming the link, never launched it.
    client.force_login(make_user())
    session = client.session
    session[roster.SESSION_KEY] = [link.pk]
    session.save()

    assert client.get(roster_url(link)).status_code == 403
    assert client.get("/lti/links/999999999999999999/roster/").status_code == 403
    assert moodle.requests == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(503), "The platform did not answer."),
        (httpx.ConnectError("refused"), "The platform did not answer."),
        (httpx.Response(200, text="<html>"), "The platform did not answer."),
        (httpx.Response(401), "did not let this site read its list of participants"),
    ],
)
def test_a_failing_platform_gives_a_message(
    client, registration, platform_keys, moodle, course, answer, message
):
    link = launched(client, registration, platform_keys, course)
    moodle.answer = answer

    response = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<table" not in page

    # Not kept: once the platform answers, so does the page.
    moodle.answer = None
    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Started: 0 of 3." in page


def test_a_refused_token_is_forgotten_and_asked_for_again(
    client, registration, platform_keys, moodle, course
):
    link = launched(client, registration, platform_keys, course)
    client.get(roster_url(link))
    cache.delete(f"lti:roster:{link.pk}")
    moodle.answer = httpx.Response(401)
    client.get(roster_url(link))
    moodle.answer = None

    client.get(roster_url(link))

    tokens = [r for r in moodle.requests if r.url.path == "/mod/lti/token.php"]
    assert len(tokens) == 2


def test_a_platform_without_the_service_says_so(
    client, registration, platform_keys, moodle, course
):
    link = launched(client, registration, platform_keys, course)
    moodle.token_answer = httpx.Response(400, json={"error": "invalid_scope"})

    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "“IMS LTI Names and Role Provisioning”" in page


def test_a_link_launched_without_the_roster_service_says_so(
    client, registration, platform_keys, moodle, course
):
    link = launched(
        client,
        registration,
        platform_keys,
        course,
        claims={"https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {}},
    )

    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "did not share its list of participants with this link" in page
    assert moodle.requests == []


def test_pages_stop_at_the_limit_and_at_another_origin(
    client, registration, platform_keys, moodle, course, monkeypatch
):
    link = launched(client, registration, platform_keys, course)
    monkeypatch.setattr(roster, "MAX_PAGES", 1)

    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "The platform has more participants than this page lists." in page
    assert len(rows(page)) == 2

    cache.clear()
    moodle.requests.clear()
    monkeypatch.setattr(roster, "MAX_PAGES", 20)
    moodle.pages[0].append(member("x", "X"))
    moodle.answer = httpx.Response(
        200,
        json={"members": moodle.pages[0]},
        headers={"Link": '<https://elsewhere.example.com/steal>; rel="next"'},
    )
    page = client.get(roster_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The platform has more participants than this page lists." in page
    assert [r.url.host for r in moodle.requests] == [
        "moodle.example.edu",
        "moodle.example.edu",
    ]
