"""Webhook deliveries: signed as the docs say, sent by the worker, retried with
backoff against real faults, never lost, never sent twice, and never to an
address that has become private."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from courses.integrations import delivery
from courses.integrations.delivery import deliver_due, fan_out, retry_at, send_again
from courses.integrations.events import emit
from courses.integrations.models import Event, OutboxStatus, WebhookDelivery
from tests.courses.integration_fakes import FakeReceiver, drain, make_endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]


def receiver_verify_snippet():
    """The Python snippet of docs/integrations.md, as a receiver would paste it."""
    text = (Path(__file__).parents[2] / "docs" / "integrations.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify_lms_signature"]


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
    claimed = delivery.claim_due(WebhookDelivery.objects.all(), 10)
    assert len(claimed) == 1
    assert delivery.claim_due(WebhookDelivery.objects.all(), 10) == []


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
