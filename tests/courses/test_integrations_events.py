"""Integration events: each real learning event told once, to the endpoints that
subscribe to it and to the Learning Record Store, with no HTTP call inside the
learner's request."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from courses.enrolment.enrolling import enrol, withdraw
from courses.integrations import events
from courses.integrations.delivery import fan_out
from courses.integrations.events import emit
from courses.integrations.models import (
    Event,
    IntegrationEvent,
    OutboxStatus,
    WebhookDelivery,
    XapiStatement,
)
from courses.progress.recording import record_lesson_completed
from tests.courses.integration_fakes import make_endpoint
from tests.factories import make_course_tree, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]


def test_an_event_writes_one_delivery_per_subscribed_active_endpoint():
    """Inactive endpoints and endpoints not subscribed to the event get nothing."""
    wanted = make_endpoint()
    make_endpoint(active=False)
    make_endpoint(events=[Event.CERTIFICATE_ISSUED])
    emit(Event.LESSON_COMPLETED, {"user": 1}, key="lesson.completed:1")
    fan_out()
    delivery_row = WebhookDelivery.objects.get()
    assert delivery_row.endpoint == wanted
    assert delivery_row.status == OutboxStatus.PENDING
    assert delivery_row.payload["data"] == {"user": 1}


def test_the_same_event_key_is_told_once():
    """Emitting an occurrence again (a retried request, a re-save) writes nothing."""
    make_endpoint()
    emit(Event.LESSON_COMPLETED, {"user": 1}, key="lesson.completed:1")
    fan_out()
    emit(Event.LESSON_COMPLETED, {"user": 1}, key="lesson.completed:1")
    fan_out()
    assert IntegrationEvent.objects.count() == WebhookDelivery.objects.count() == 1


def test_learning_events_fire_once_per_real_event(lrs):
    """Enrolling, completing a lesson twice, completing the course, withdrawing and
    re-enrolling: one delivery (and statement) per thing that happened."""
    make_endpoint()
    course, lessons = make_course_tree(modules=1, lessons=1)
    learner = make_user()
    enrolment = enrol(learner, course)
    record_lesson_completed(enrolment, lessons[0])
    record_lesson_completed(enrolment, lessons[0])
    withdraw(enrolment)
    enrolment.refresh_from_db()
    enrol(learner, course)
    fan_out()
    told = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert told == [
        "enrolment.created",
        "lesson.completed",
        "course.completed",
        "enrolment.withdrawn",
        "enrolment.created",
    ]
    assert sorted(XapiStatement.objects.values_list("event", flat=True)) == sorted(
        [
            "enrolment.created",
            "lesson.completed",
            "course.completed",
            "enrolment.created",
        ]
    )


def test_mark_as_done_makes_no_http_call_in_the_request(
    settings, monkeypatch, django_capture_on_commit_callbacks, lrs
):
    """The learner's request writes rows and queues the task; the worker sends."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    monkeypatch.setattr(events, "_queued_run_starts", 0.0)
    for _ in range(3):
        make_endpoint()
    course, lessons = make_course_tree(modules=1, lessons=2)
    learner = make_user()
    enrol(learner, course)

    def no_network(*args, **kwargs):
        raise AssertionError("An HTTP call inside the learner's request")

    monkeypatch.setattr(httpx.Client, "send", no_network)
    client = Client()
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lv/lessons/{lessons[0].pk}/complete/")
    assert response.status_code == 302
    assert IntegrationEvent.objects.filter(event="lesson.completed").count() == 1
    assert not WebhookDelivery.objects.exists()
    from django_tasks import default_task_backend

    assert [result.task.name for result in default_task_backend.results][-1:] == [
        "deliver_integrations"
    ]
    fan_out()
    assert WebhookDelivery.objects.filter(event="lesson.completed").count() == 3
    assert XapiStatement.objects.filter(event="lesson.completed").count() == 1
