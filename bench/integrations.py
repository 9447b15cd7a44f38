"""What webhooks and xAPI cost: the learner's request, and the worker's throughput.

1. *Overhead.* A learner marks lessons done (the real request, through the Django
   test client, DEBUG off, the database task backend) in a course of 12 modules ×
   10 lessons; two learners take turns, one with no integrations (no endpoint
   active, no LRS), one with 3 webhook endpoints and an LRS configured. Requests alternate (which mode goes
   first alternates too) and the medians are compared: ``hooks_overhead`` is
   median(with) / median(without).
2. *Drain.* 10,000 queued deliveries to 3 endpoints on a local receiver (an HTTP/1.1
   keep-alive server in this process, which checks every signature), sent by 2
   worker processes (``manage.py deliver_integrations``) started together;
   ``drain_per_s`` counts from their start (Django's start-up included) until both
   finished.

    .venv/bin/python bench/integrations.py [--deliveries 10000] [--workers 2]

A fresh database: SQLite by default; ``DATABASE_URL=postgres://…/lms_bench_hooks``
(the database is created and dropped) measures PostgreSQL, whose workers skip each
other's locked rows.

Last line: hooks_overhead=… drain_per_s=… deliveries=10000 workers=2
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret"


class Receiver(BaseHTTPRequestHandler):
    """A receiver that checks the signature and answers 204, keeping the
    connection open."""

    protocol_version = "HTTP/1.1"
    received: set[str] = set()
    bad = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        fields = dict(
            part.split("=", 1) for part in self.headers["X-LMS-Signature"].split(",")
        )
        expected = hmac.new(
            SECRET.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256
        ).hexdigest()
        with Receiver.lock:
            if hmac.compare_digest(expected, fields["v1"]):
                Receiver.received.add(self.headers["X-LMS-Delivery"])
            else:
                Receiver.bad += 1
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def fresh_database(workdir: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"


def seed_learners():
    """The course and two enrolled learners, each with a signed-in client."""
    from django.test import Client

    from courses.enrolment.enrolling import enrol
    from tests.factories import (
        make_catalogue,
        make_course,
        make_lesson,
        make_module,
        make_user,
    )

    course = make_course(make_catalogue(), title="Pētnieciskā mācīšanās")
    lessons = []
    for m in range(12):
        module = make_module(course, title=f"Modulis {m + 1}")
        lessons += [
            make_lesson(module, title=f"Nodarbība {m + 1}.{n + 1}") for n in range(10)
        ]
    clients = []
    for name in ("plain", "hooks"):
        learner = make_user(username=name)
        enrol(learner, course)
        client = Client(HTTP_HOST="localhost")
        client.force_login(learner)
        clients.append(client)
    return lessons, clients


def measure_overhead() -> float:
    from django.test import override_settings

    from courses.integrations.models import Event, WebhookEndpoint

    lessons, (plain, hooks) = seed_learners()
    for n in range(3):
        WebhookEndpoint.objects.create(
            name=f"Receiver {n}",
            url=f"https://receiver{n}.example.lv/hook",
            events=list(Event.values),
        )
    xapi = {
        "LMS_XAPI_ENDPOINT": "https://lrs.example.lv/xapi/",
        "LMS_XAPI_USERNAME": "bench",
        "LMS_XAPI_PASSWORD": "bench",
    }
    times: dict[str, list[float]] = {"plain": [], "hooks": []}

    from courses.integrations import events

    configured = events.active_endpoints

    def mark_done(mode: str, lesson) -> None:
        client = plain if mode == "plain" else hooks
        # Without integrations, the endpoint list (cached in a request) is empty.
        events.active_endpoints = configured if mode == "hooks" else list
        with override_settings(**(xapi if mode == "hooks" else {})):
            started = time.perf_counter()
            response = client.post(f"/lv/lessons/{lesson.pk}/complete/")
            times[mode].append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code

    for i, lesson in enumerate(lessons):
        order = ("plain", "hooks") if i % 2 else ("hooks", "plain")
        for mode in order:
            mark_done(mode, lesson)
    # The first lessons warm caches and connections: not counted.
    plain_ms = statistics.median(times["plain"][5:]) * 1000
    hooks_ms = statistics.median(times["hooks"][5:]) * 1000
    print(
        f"mark as done: {plain_ms:.2f} ms without, {hooks_ms:.2f} ms with "
        "3 webhooks and an LRS (medians)",
        file=sys.stderr,
    )
    from courses.integrations.models import IntegrationEvent

    # One event per lesson the "hooks" learner completed (and their course).
    assert IntegrationEvent.objects.count() == len(lessons) + 1
    return hooks_ms / plain_ms


def measure_drain(count: int, workers: int) -> float:
    import uuid

    from django.db import connections
    from django.utils import timezone

    from courses.integrations.models import (
        Event,
        IntegrationEvent,
        WebhookDelivery,
        WebhookEndpoint,
    )

    # The first part's events and their endpoints are not this part's.
    IntegrationEvent.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    endpoints = [
        WebhookEndpoint.objects.create(
            name=f"Local {n}",
            url=f"http://127.0.0.1:{port}/hook/{n}",
            events=list(Event.values),
            secret=SECRET,
        )
        for n in range(3)
    ]
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        (
            WebhookDelivery(
                endpoint=endpoints[i % 3],
                uuid=uuid.uuid4(),
                event=Event.LESSON_COMPLETED,
                event_key=f"lesson.completed:{i}",
                payload={
                    "occurred_at": now.isoformat(),
                    "data": {"enrolment": i, "user": i, "lesson": i},
                },
                next_attempt_at=now,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    connections.close_all()
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "deliver_integrations"],
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    tried = [int(process.communicate()[0].split()[0]) for process in processes]
    elapsed = time.perf_counter() - started
    server.shutdown()
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    print(
        f"drain: {elapsed:.1f} s; per worker {tried}; delivered {delivered}; "
        f"received {len(Receiver.received)} distinct, {Receiver.bad} badly signed",
        file=sys.stderr,
    )
    assert delivered == count == len(Receiver.received), "deliveries lost"
    assert Receiver.bad == 0
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    fresh_database(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "database"
    # The local receiver is plain HTTP on loopback.
    os.environ["BENCH_LOCAL_WEBHOOKS"] = "1"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    overhead = measure_overhead()
    per_second = measure_drain(args.deliveries, args.workers)
    print(
        f"hooks_overhead={overhead:.2f} drain_per_s={per_second:.0f} "
        f"deliveries={args.deliveries} workers={args.workers}"
    )


if __name__ == "__main__":
    main()
