"""A link whose launch named only the platform's line items URL: before its
first score the worker finds the link's grade column on the platform, or makes
it, keeps its URL and posts there; later scores reuse it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from courses.enrolment.models import Enrolment
from courses.lti.models import LtiResourceLink, LtiScorePassback
from courses.lti.passback import send_due
from courses.progress.recording import record_lesson_completed
from tests.factories import make_course, make_lesson, make_module
from tests.lti.platform import ISSUER, key_pair, launch_form, platform_for

pytestmark = pytest.mark.django_db

LINEITEMS = f"{ISSUER}/mod/lti/services.php/2/lineitems?type_id=1"
SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"


def only_lineitems(link_id: str = "resource-link-42") -> dict:
    return {
        "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": link_id},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": [SCOPE + "lineitem", SCOPE + "score"],
            "lineitems": LINEITEMS,
        },
    }


class LineItemService:
    """The platform's AGS line item service: tokens per scope, the line items
    container (filtered by resource link) and each line item's scores."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.created: list[dict] = []
        self.scores: dict[str, list[dict]] = {}
        self.scopes: list[str] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503)
        path = request.url.path
        if path == "/mod/lti/token.php":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            self.scopes.append(form["scope"].removeprefix(SCOPE))
            return httpx.Response(
                200, json={"access_token": f"tok-{form['scope']}", "expires_in": 600}
            )
        if path.endswith("/lineitems"):
            assert request.url.params["type_id"] == "1"
            assert request.headers["Authorization"] == f"Bearer tok-{SCOPE}lineitem"
            if request.method == "GET":
                wanted = request.url.params["resource_link_id"]
                return httpx.Response(
                    200,
                    json=[
                        i
                        for i in self.items
                        if i.get("resourceLinkId") in (wanted, None)
                    ],
                )
            assert (
                request.headers["Content-Type"]
                == "application/vnd.ims.lis.v2.lineitem+json"
            )
            item = json.loads(request.content)
            item["id"] = (
                f"{ISSUER}/mod/lti/services.php/2/lineitems/{len(self.items) + 90}/lineitem?type_id=1"
            )
            self.items.append(item)
            self.created.append(item)
            return httpx.Response(201, json=item)
        assert path.endswith("/lineitem/scores")
        assert request.headers["Authorization"] == f"Bearer tok-{SCOPE}score"
        line_item = path.split("/")[-3]
        self.scores.setdefault(line_item, []).append(json.loads(request.content))
        return httpx.Response(200)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


@pytest.fixture
def platform_service(settings):
    cache.clear()
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    return LineItemService()


def launched(client, registration, platform_keys, custom=None, claims=None):
    course = make_course(title="Digitālās prasmes", slug="digitalas-prasmes")
    module = make_module(course, title="Izklājlapas", slug="tabulas")
    lessons = [make_lesson(module), make_lesson(module)]
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom=custom or {"course": course.slug},
        claims=claims or only_lineitems(),
    )
    assert client.post("/lti/launch/", form).status_code == 302
    return Enrolment.objects.get(), lessons


def test_line_item_is_made_once_and_reused(
    client, registration, platform_keys, platform_service
):
    enrolment, lessons = launched(client, registration, platform_keys)
    assert LtiResourceLink.objects.get().lineitem_url == ""

    # Two states queued before the worker runs: one line item between them.
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    assert send_due(platform_service.client) == 2

    (item,) = platform_service.created
    assert item == {
        "scoreMaximum": 100,
        "label": "Digitālās prasmes",
        "resourceLinkId": "resource-link-42",
        "tag": "course",
        "id": item["id"],
    }
    assert LtiResourceLink.objects.get().lineitem_url == item["id"]
    assert [s["scoreGiven"] for s in platform_service.scores["90"]] == [50, 100]
    assert set(platform_service.scopes) == {"lineitem", "score"}

    # A later score, and a later launch without a line item, keep the column.
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": "digitalas-prasmes"},
        claims=only_lineitems(),
    )
    client.post("/lti/launch/", form)
    assert LtiResourceLink.objects.get().lineitem_url == item["id"]
    LtiScorePassback.objects.update(status="pending", next_attempt_at=timezone.now())
    assert send_due(platform_service.client) == 2
    assert len(platform_service.created) == 1
    assert len(platform_service.scores["90"]) == 4


def test_the_column_deep_linking_made_is_reused(
    client, registration, platform_keys, platform_service
):
    platform_service.items = [
        {"id": f"{ISSUER}/lineitems/5/lineitem", "resourceLinkId": "other-link"},
        {
            "id": f"{ISSUER}/lineitems/6/lineitem",
            "resourceLinkId": "resource-link-42",
            "tag": "course",
            "label": "Digitālās prasmes",
            "scoreMaximum": 100,
        },
    ]
    enrolment, lessons = launched(client, registration, platform_keys)

    record_lesson_completed(enrolment, lessons[0])
    assert send_due(platform_service.client) == 1

    assert platform_service.created == []
    assert LtiResourceLink.objects.get().lineitem_url.endswith("/lineitems/6/lineitem")
    assert [s["scoreGiven"] for s in platform_service.scores["6"]] == [50]


def test_a_module_link_gets_a_module_column(
    client, registration, platform_keys, platform_service
):
    enrolment, lessons = launched(
        client,
        registration,
        platform_keys,
        custom={"course": "digitalas-prasmes", "module": "tabulas"},
    )

    record_lesson_completed(enrolment, lessons[0])
    send_due(platform_service.client)

    (item,) = platform_service.created
    assert (item["label"], item["tag"]) == ("Izklājlapas", "module")


def test_platform_down_makes_the_column_later(
    client, registration, platform_keys, platform_service
):
    enrolment, lessons = launched(client, registration, platform_keys)
    platform_service.down = True
    record_lesson_completed(enrolment, lessons[0])

    assert send_due(platform_service.client) == 1
    row = LtiScorePassback.objects.get()
    assert (row.status, row.last_status_code) == ("pending", 503)
    assert LtiResourceLink.objects.get().lineitem_url == ""

    platform_service.down = False
    LtiScorePassback.objects.update(next_attempt_at=timezone.now())
    assert send_due(platform_service.client) == 1
    row.refresh_from_db()
    assert row.status == "delivered"
    assert len(platform_service.created) == 1
    assert [s["scoreGiven"] for s in platform_service.scores["90"]] == [50]


def test_a_link_with_no_grade_service_is_not_scored(
    client, registration, platform_keys, platform_service
):
    enrolment, lessons = launched(
        client,
        registration,
        platform_keys,
        claims={"https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "x"}},
    )

    record_lesson_completed(enrolment, lessons[0])

    assert not LtiScorePassback.objects.exists()
