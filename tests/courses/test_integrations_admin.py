"""Administrators register webhook endpoints, read the delivery log and send a
delivery again; a bad address is a clear form error that saves nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from wagtail.users.models import UserProfile

from courses.integrations.models import OutboxStatus, WebhookDelivery, WebhookEndpoint
from courses.integrations.webhooks import check_webhook_url
from tests.factories import in_english_admin, make_user

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.215.14/lms"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(in_english_admin(make_user(is_staff=True, is_superuser=True)))
    return client


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def form(**changes) -> dict:
    return {
        "name": "Personāla sistēma",
        "url": PUBLIC,
        "events": ["lesson.completed", "course.completed"],
        "active": "on",
        **changes,
    }


def test_an_administrator_registers_an_endpoint_and_sees_its_secret(admin_client):
    """The events chosen are saved; the secret is generated and shown on the edit
    screen, read-only."""
    response = admin_client.post("/admin/webhook_endpoints/new/", form())
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["lesson.completed", "course.completed"]
    assert re.fullmatch(r"[0-9a-f]{64}", endpoint.secret)
    page = admin_client.get(f"/admin/webhook_endpoints/edit/{endpoint.pk}/")
    assert endpoint.secret in page.content.decode()
    admin_client.post(
        f"/admin/webhook_endpoints/edit/{endpoint.pk}/",
        form(secret="0" * 64, name="HR"),
    )
    endpoint.refresh_from_db()
    assert endpoint.name == "HR"
    assert endpoint.secret != "0" * 64


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/lms", "The address must start with https://"),
        ("https://10.0.0.8/lms", "inside a private network (10.0.0.8)"),
        ("https://127.0.0.1:8000/lms", "points at this site itself"),
    ],
)
def test_a_refused_address_is_a_form_error_that_saves_nothing(
    admin_client, url, message
):
    response = admin_client.post("/admin/webhook_endpoints/new/", form(url=url))
    assert response.status_code == 200
    assert message in text(response)
    assert not WebhookEndpoint.objects.exists()


def test_the_refusal_speaks_latvian():
    """Staff reading the admin in Latvian get the reason in Latvian."""
    with translation.override("lv"), pytest.raises(Exception) as refused:
        check_webhook_url("http://93.184.215.14/lms")
    assert "https://" in refused.value.messages[0]
    assert "address must" not in refused.value.messages[0]


def test_a_course_author_cannot_see_endpoints():
    """Endpoints hear of every course: a course's staff do not manage them."""
    from tests.factories import make_course, make_course_editor

    WebhookEndpoint.objects.create(name="Personāla sistēma", url=PUBLIC)
    author = make_course_editor(make_course())
    client = Client()
    client.force_login(in_english_admin(author))
    response = client.get("/admin/webhook_endpoints/", follow=True)
    # Wagtail's admin sends a user without the permission to its home page, with
    # an error message.
    assert response.redirect_chain == [("/admin/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    page = text(response)
    assert "Personāla sistēma" not in page
    assert "93.184.215.14" not in page


def test_the_delivery_log_shows_each_delivery_and_sends_one_again(admin_client):
    """Status, attempts and last response code per delivery; Send again (a POST)
    queues a failed one with a fresh day of retries."""
    from django.utils import timezone

    endpoint = WebhookEndpoint.objects.create(
        name="HR", url=PUBLIC, events=["course.completed"]
    )
    failed = WebhookDelivery.objects.create(
        endpoint=endpoint,
        uuid="8d3c7c5e-0000-4000-8000-000000000001",
        event="course.completed",
        event_key="course.completed:1",
        payload={"occurred_at": "2026-12-01T10:00:00+00:00", "data": {}},
        status=OutboxStatus.FAILED,
        attempts=14,
        last_status_code=503,
        next_attempt_at=timezone.now(),
    )
    page = text(admin_client.get(f"/admin/webhook_deliveries/?endpoint={endpoint.pk}"))
    assert "Course completed" in page
    assert "Failed" in page
    assert "14" in page and "503" in page
    assert "Send again" in page
    response = admin_client.post(
        f"/admin/webhook_deliveries/send-again/{failed.pk}/", follow=True
    )
    assert "The delivery is queued to be sent again." in text(response)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.first_attempt_at) == (
        OutboxStatus.PENDING,
        0,
        None,
    )
    assert (
        admin_client.get(
            f"/admin/webhook_deliveries/send-again/{failed.pk}/"
        ).status_code
        == 405
    )


def test_the_admin_in_latvian_names_the_events(admin_client):
    """The checkboxes of events are translated."""
    user = admin_client.session and UserProfile.objects.get()
    user.preferred_language = "lv"
    user.save()
    page = admin_client.get("/admin/webhook_endpoints/new/").content.decode()
    assert "Kurss pabeigts" in page
