"""Webhooks and xAPI statements: each real event told once, signed, sent by the
worker, retried with backoff, never lost; addresses into private networks refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from courses.enrolment.enrolling import enrol, withdraw
from courses.integrations import delivery, events
from courses.integrations.delivery import deliver_due, fan_out, retry_at, send_again
from courses.integrations.events import emit
from courses.integrations.models import (
    Event,
    IntegrationEvent,
    OutboxStatus,
    WebhookDelivery,
    WebhookEndpoint,
    XapiStatement,
)
from courses.integrations.webhooks import check_webhook_url
from courses.integrations.xapi import statement_id
from courses.live_sessions.attendance import mark_attendance
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt, submit_attempt
from courses.site import base_url
from tests.courses.assessment_factories import CORRECT, OPT_WRONG, SINGLE, make_quiz
from tests.courses.integration_fakes import FakeLRS, FakeReceiver
from tests.factories import (
    make_course,
    make_course_tree,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db

PUBLIC_IP = "93.184.215.14"
SITE_8100 = "http://127.0.0.1:8100"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Host names resolve without the network: ``*.internal`` to a private
    address, anything else to a public one; literal addresses to themselves."""

    def getaddrinfo(host, port, *args, **kwargs):
        if re.fullmatch(r"[\d.]+|[0-9a-f:]+", host or ""):
            address = host
        elif host.endswith(".internal"):
            address = "10.1.2.3"
        else:
            address = PUBLIC_IP
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def make_endpoint(**kwargs) -> WebhookEndpoint:
    kwargs.setdefault("name", "Personāla sistēma")
    kwargs.setdefault("url", "https://hr.example.lv/lms")
    kwargs.setdefault("events", list(Event.values))
    return WebhookEndpoint.objects.create(**kwargs)


@pytest.fixture
def lrs(settings):
    settings.LMS_XAPI_ENDPOINT = "https://lrs.example.lv/xapi/"
    settings.LMS_XAPI_USERNAME = "lrs-user"
    settings.LMS_XAPI_PASSWORD = "lrs-pass"
    return FakeLRS()


def drain(fake) -> int:
    return deliver_due(client_factory=fake.client)


def receiver_verify_snippet():
    """The Python snippet of docs/integrations.md, as a receiver would paste it."""
    text = (Path(__file__).parents[2] / "docs" / "integrations.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify_lms_signature"]


# Events ---------------------------------------------------------------------------


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


# Delivery ---------------------------------------------------------------------------


def test_a_delivery_is_signed_and_the_documented_snippet_verifies_it():
    """The receiver gets JSON with the event and id in headers; the docs' Python
    accepts the signature and refuses a changed body or another secret."""
    endpoint = make_endpoint()
    emit(Event.LESSON_COMPLETED, {"user": 7, "lesson": 31}, key="lesson.completed:9")
    receiver = FakeReceiver()
    assert drain(receiver) == 1
    request = receiver.requests[0]
    body = json.loads(request.content)
    row = WebhookDelivery.objects.get()
    assert body["id"] == str(row.uuid) == request.headers["X-LMS-Delivery"]
    assert body["event"] == request.headers["X-LMS-Event"] == "lesson.completed"
    assert body["data"] == {"user": 7, "lesson": 31}
    verify = receiver_verify_snippet()
    header = request.headers["X-LMS-Signature"]
    assert verify(endpoint.secret, request.content, header)
    assert not verify(endpoint.secret, request.content + b" ", header)
    assert not verify("another secret", request.content, header)
    timestamp = int(header.split(",")[0][2:])
    old = f"{timestamp - 3600}.".encode() + request.content
    old_header = f"t={timestamp - 3600},v1={hmac.new(endpoint.secret.encode(), old, hashlib.sha256).hexdigest()}"
    assert not verify(endpoint.secret, request.content, old_header)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)


@pytest.mark.parametrize(
    "fault",
    [
        lambda request: 500,
        lambda request: httpx.ReadTimeout("timed out", request=request),
        lambda request: httpx.RemoteProtocolError("closed", request=request),
    ],
    ids=["500", "timeout", "connection closed"],
)
def test_a_failing_receiver_is_retried_then_marked_failed(fault):
    """An error answer, a timeout or a closed connection: retried later with
    backoff; after 24 hours of trying, failed; the row stays."""
    make_endpoint()
    emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
    receiver = FakeReceiver(fault)
    before = timezone.now()
    drain(receiver)
    row = WebhookDelivery.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert (
        before + timedelta(seconds=14)
        <= row.next_attempt_at
        <= timezone.now() + timedelta(seconds=30)
    )
    assert row.last_error or row.last_status_code == 500
    # Not due yet: nothing is sent.
    assert drain(receiver) == 0
    # A day later, the last try fails too.
    WebhookDelivery.objects.update(
        first_attempt_at=timezone.now() - timedelta(hours=24, seconds=1),
        next_attempt_at=timezone.now(),
    )
    drain(receiver)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
    assert len(receiver.requests) == 2


class FaultyReceiver(BaseHTTPRequestHandler):
    """A real receiver on loopback: ``/slow`` answers too late, ``/error`` with a
    500, ``/close`` hangs up without answering; once ``mended``, all answer 204."""

    protocol_version = "HTTP/1.1"
    mended = False
    seen: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        FaultyReceiver.seen.append(self.headers["X-LMS-Delivery"])
        if not FaultyReceiver.mended:
            if self.path == "/slow":
                time.sleep(1.0)
            elif self.path == "/close":
                self.close_connection = True
                return
            elif self.path == "/error":
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_real_faults_are_retried_and_nothing_is_lost(settings, monkeypatch):
    """Against a real server: a timeout, a 500 and a closed connection leave the
    deliveries pending with the reason; once the receiver is mended, each is
    delivered."""
    settings.LMS_WEBHOOKS_ALLOW_HTTP = True
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(delivery, "TIMEOUT", httpx.Timeout(0.3))
    monkeypatch.setattr(FaultyReceiver, "mended", False)
    monkeypatch.setattr(FaultyReceiver, "seen", [])
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultyReceiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        for path in ("slow", "error", "close"):
            make_endpoint(name=path, url=f"http://127.0.0.1:{port}/{path}")
        emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
        assert deliver_due() == 3
        rows = {row.endpoint.name: row for row in WebhookDelivery.objects.all()}
        assert {row.status for row in rows.values()} == {OutboxStatus.PENDING}
        assert "Timeout" in rows["slow"].last_error
        assert rows["error"].last_status_code == 500
        assert "RemoteProtocolError" in rows["close"].last_error
        FaultyReceiver.mended = True
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert deliver_due() == 3
    finally:
        server.shutdown()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        OutboxStatus.DELIVERED
    }
    ids = {str(uuid) for uuid in WebhookDelivery.objects.values_list("uuid", flat=True)}
    assert set(FaultyReceiver.seen) == ids


def test_backoff_doubles_with_jitter_and_ends_after_a_day():
    """Each delay is between half and all of 30 s × 2^(n-1), capped at two hours,
    never past 24 hours after the first attempt."""
    now = timezone.now()
    row = WebhookDelivery(first_attempt_at=now, attempts=1)
    for attempts, full in [(1, 30), (2, 60), (5, 480), (20, 7200)]:
        row.attempts = attempts
        delay = (retry_at(row, now) - now).total_seconds()
        assert full / 2 <= delay <= full
    row.first_attempt_at = now - timedelta(hours=23, minutes=59)
    row.attempts = 20
    assert retry_at(row, now) <= row.first_attempt_at + timedelta(hours=24)
    row.first_attempt_at = now - timedelta(hours=24)
    assert retry_at(row, now) is None


def test_send_again_delivers_a_failed_delivery():
    """A failed delivery queued again is sent and delivered once the receiver
    answers."""
    make_endpoint()
    emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
    fan_out()
    WebhookDelivery.objects.update(status=OutboxStatus.FAILED, attempts=9)
    assert drain(FakeReceiver()) == 0
    assert send_again(WebhookDelivery.objects.all()) == 1
    assert drain(FakeReceiver()) == 1
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.DELIVERED, 1)


def test_a_worker_does_not_take_rows_another_has_claimed():
    """Claimed rows (leased to a worker) are not sent by another worker."""
    make_endpoint()
    emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
    fan_out()
    claimed = delivery._claim(WebhookDelivery.objects.all(), 10)
    assert len(claimed) == 1
    assert delivery._claim(WebhookDelivery.objects.all(), 10) == []


def test_an_address_now_private_is_not_called():
    """A host that resolves to a private address at send time (DNS rebinding) is
    not called; the delivery waits for a retry."""
    make_endpoint(url="https://hooks.internal/x")
    emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
    receiver = FakeReceiver()
    drain(receiver)
    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert "10.1.2.3" in row.last_error


# Addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hr.example.lv/lms", "must start with https://"),
        ("ftp://hr.example.lv/", "full address"),
        ("https://127.0.0.2/hook", "private network"),
        ("https://10.0.0.5/hook", "private network"),
        ("https://169.254.169.254/latest/meta-data", "private network"),
        ("https://[::1]/hook", "private network"),
        ("https://hooks.internal/x", "private network"),
        ("https://localhost/hook", "this site itself"),
    ],
)
def test_unsafe_addresses_are_refused(url, message):
    """Not HTTPS, this site itself, or a private, loopback or link-local address."""
    with pytest.raises(Exception) as refused:
        check_webhook_url(url)
    assert message in " ".join(refused.value.messages)


def test_a_public_https_address_is_accepted():
    check_webhook_url("https://hr.example.lv/lms")


def test_the_configured_address_is_this_site_itself(settings):
    """A webhook to the site's configured address is refused as the site itself;
    the same address is accepted while the site is configured elsewhere."""
    check_webhook_url("https://kursi.example.lv/hook")
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.example.lv"
    with pytest.raises(ValidationError) as refused:
        check_webhook_url("https://kursi.example.lv/hook")
    assert "this site itself" in " ".join(refused.value.messages)


def test_local_receivers_are_allowed_by_settings(settings):
    """A site with a receiver on its own network says so in its settings."""
    settings.LMS_WEBHOOKS_ALLOW_HTTP = True
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE = True
    check_webhook_url("http://10.0.0.5:8080/hook")


# xAPI ---------------------------------------------------------------------------------


def test_statement_ids_are_at_the_configured_address(lrs, settings):
    """With the site at http://127.0.0.1:8100, every activity id (pages, sessions)
    and the learner's home page start with that address, not the Wagtail site
    record's (localhost)."""
    settings.WAGTAILADMIN_BASE_URL = SITE_8100
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(module)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lesson)
    mark_attendance(make_live_session(module), enrolment, "present")
    drain(lrs)
    statements = list(lrs.statements.values())
    activities = [statement["object"]["id"] for statement in statements] + [
        parent["id"]
        for statement in statements
        for parent in statement["context"]
        .get("contextActivities", {})
        .get("parent", [])
    ]
    assert SITE_8100 + lesson.url in activities
    assert SITE_8100 + course.url in activities
    assert [id for id in activities if not id.startswith(SITE_8100 + "/")] == []
    assert {statement["actor"]["account"]["homePage"] for statement in statements} == {
        SITE_8100
    }


def test_statements_describe_the_learning_with_stable_ids(lrs):
    """Registered, completed, passed and failed (with the score) and attended: ADL
    verbs, page addresses as activity ids, the learner as an opaque account."""
    quiz = make_quiz()
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(module, completion_rule="activity", quiz=quiz)
    learner = make_user(email="anna@example.lv")
    enrolment = enrol(learner, course)
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, {SINGLE: OPT_WRONG})
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, CORRECT)
    session = make_live_session(module)
    mark_attendance(session, enrolment, "present")
    drain(lrs)
    statements = list(lrs.statements.values())
    verbs = [statement["verb"]["id"].rsplit("/", 1)[1] for statement in statements]
    assert sorted(verbs) == sorted(
        ["registered", "failed", "passed", "completed", "completed", "attended"]
    )

    def sent(event: str) -> list[dict]:
        ids = XapiStatement.objects.filter(event=event).order_by("pk")
        return [lrs.statements[str(row.statement_id)] for row in ids]

    failed, passed = sent("quiz.graded")
    assert failed["result"]["success"] is False
    assert failed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert passed["result"]["score"] == {"raw": 5, "min": 0, "max": 5, "scaled": 1.0}
    [lesson_done] = sent("lesson.completed")
    assert lesson_done["object"]["id"] == base_url() + lesson.url
    parent = lesson_done["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == base_url() + course.url
    [registered] = sent("enrolment.created")
    assert registered["object"]["id"] == base_url() + course.url
    [course_done] = sent("course.completed")
    assert course_done["result"] == {"completion": True}
    [attended] = sent("session.attended")
    assert attended["object"]["definition"]["name"] == {"und": session.title}
    by_verb = {"completed": lesson_done}
    progress_id = XapiStatement.objects.get(event="lesson.completed").event_key
    assert by_verb["completed"]["id"] == str(statement_id(progress_id))
    actors = {json.dumps(statement["actor"]) for statement in statements}
    assert len(actors) == 1
    assert "anna" not in actors.pop()
    assert {
        request.headers["X-Experience-API-Version"] for request in lrs.requests
    } == {"1.0.3"}


def test_an_lrs_down_for_an_hour_gets_every_statement_afterwards_once(lrs):
    """Statements made while the LRS is down are retried and arrive once each."""
    course, lessons = make_course_tree(modules=1, lessons=3)
    enrolment = enrol(make_user(), course)
    lrs.down = True
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    drain(lrs)
    assert lrs.statements == {}
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"pending"}
    # An hour later the LRS is back.
    XapiStatement.objects.update(next_attempt_at=timezone.now())
    lrs.down = False
    drain(lrs)
    assert len(lrs.statements) == XapiStatement.objects.count() == 5
    assert lrs.received == 5
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_statement_sent_again_is_not_recorded_twice(lrs):
    """After a lost answer the same statement is sent again: the LRS refuses the
    batch (409), each is PUT by its id, and it keeps one."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    drain(lrs)
    assert len(lrs.statements) == 2
    # The answer was lost: the rows look unsent.
    XapiStatement.objects.update(status="pending", next_attempt_at=timezone.now())
    drain(lrs)
    assert len(lrs.statements) == 2
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"delivered"}
    assert [request.method for request in lrs.requests] == [
        "POST",
        "POST",
        "PUT",
        "PUT",
    ]


def test_a_site_without_integrations_writes_nothing():
    """No endpoint and no LRS: learning events cost no row at all."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    record_lesson_completed(enrol(make_user(), course), lessons[0])
    fan_out()
    assert not IntegrationEvent.objects.exists()
    assert not XapiStatement.objects.exists()
