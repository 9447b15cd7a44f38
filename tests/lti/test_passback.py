"""Score passback: a learner who launched a course from the platform has their
progress posted to the link's grade column, once per state, later when the
platform is down."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from django.core.cache import cache
from django.utils import timezone

from courses.enrolment.models import Enrolment
from courses.lti.keys import current_tool_key
from courses.lti.models import LtiGradeLink, LtiResourceLink, LtiScorePassback
from courses.lti.passback import send_due
from courses.progress.recording import record_lesson_completed, refresh_summary
from tests.factories import make_course_tree
from tests.lti.platform import ISSUER, key_pair, launch_form, platform_for

pytestmark = pytest.mark.django_db

LINEITEM = f"{ISSUER}/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1"
AGS = {
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
        "scope": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        ],
        "lineitems": f"{ISSUER}/mod/lti/services.php/2/lineitems?type_id=1",
        "lineitem": LINEITEM,
    },
    "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "course-2"},
}


class FakeMoodle:
    """The platform's token endpoint (checks our signed assertion) and line item
    score endpoint; ``down`` answers 503 to everything."""

    def __init__(self, tool_public_key) -> None:
        self.tool_public_key = tool_public_key
        self.down = False
        self.scores: list[dict] = []
        self.tokens = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503)
        if request.url.path == "/mod/lti/token.php":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            claims = jwt.decode(
                form["client_assertion"],
                self.tool_public_key,
                algorithms=["RS256"],
                audience=f"{ISSUER}/mod/lti/token.php",
            )
            assert claims["iss"] == claims["sub"] == "tool-client-1"
            assert form["grant_type"] == "client_credentials"
            assert form["scope"].endswith("/scope/score")
            self.tokens += 1
            return httpx.Response(
                200, json={"access_token": "tok-1", "expires_in": 3600}
            )
        assert request.url.path.endswith("/lineitem/scores")
        assert request.url.params["type_id"] == "1"
        assert request.headers["Authorization"] == "Bearer tok-1"
        assert (
            request.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
        )
        self.scores.append(json.loads(request.content))
        return httpx.Response(200)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


@pytest.fixture
def moodle(settings):
    cache.clear()
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    public_jwk = current_tool_key().public_jwk
    return FakeMoodle(jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(public_jwk)))


def _launched(client, registration, platform_keys, lessons=2):
    course, course_lessons = make_course_tree(modules=1, lessons=lessons)
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
        claims=AGS,
    )
    assert client.post("/lti/launch/", form).status_code == 302
    return Enrolment.objects.get(), course_lessons


def test_launch_stores_the_link_and_who_launched_it(
    client, registration, platform_keys
):
    enrolment, _lessons = _launched(client, registration, platform_keys)
    _launch_again = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": enrolment.course.slug},
        claims=AGS,
    )
    client.post("/lti/launch/", _launch_again)

    link = LtiResourceLink.objects.get()
    assert link.resource_link_id == "resource-link-42"
    assert link.context_id == "course-2"
    assert link.course_key == enrolment.course_key
    assert link.lineitem_url == LINEITEM
    assert link.scopes[-1].endswith("/scope/score")
    grade_link = LtiGradeLink.objects.get()
    assert grade_link.user == enrolment.user
    assert grade_link.identity.subject == "moodle-user-7"


def test_completed_course_sends_one_full_score(
    client, registration, platform_keys, moodle
):
    enrolment, lessons = _launched(client, registration, platform_keys)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)

    assert send_due(moodle.client) == 2
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    first, last = moodle.scores
    assert first["scoreGiven"] == 50
    assert first["activityProgress"] == "InProgress"
    assert last["scoreGiven"] == 100
    assert last["scoreMaximum"] == 100
    assert last["activityProgress"] == "Completed"
    assert last["gradingProgress"] == "FullyGraded"
    assert last["userId"] == "moodle-user-7"
    assert last["timestamp"]
    assert moodle.tokens == 1

    # The same state again (a repeated completion, a recount) sends nothing new.
    record_lesson_completed(enrolment, lessons[-1])
    refresh_summary(enrolment)
    assert send_due(moodle.client) == 0
    assert len(moodle.scores) == 2
    assert set(LtiScorePassback.objects.values_list("status", flat=True)) == {
        "delivered"
    }


def test_platform_down_gets_the_score_later(
    client, registration, platform_keys, moodle
):
    enrolment, lessons = _launched(client, registration, platform_keys, lessons=1)
    moodle.down = True
    record_lesson_completed(enrolment, lessons[0])

    assert send_due(moodle.client) == 1
    row = LtiScorePassback.objects.get()
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.last_status_code == 503
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    moodle.down = False
    assert send_due(moodle.client) == 0  # not due yet: backoff
    LtiScorePassback.objects.update(next_attempt_at=timezone.now())
    assert send_due(moodle.client) == 1

    row.refresh_from_db()
    assert row.status == "delivered"
    assert [score["scoreGiven"] for score in moodle.scores] == [100]
