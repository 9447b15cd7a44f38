"""What a launch from a platform (Moodle) costs the tool, and how soon the score
reaches the platform's gradebook, on the demo programme.

Loads the demo programme into a fresh SQLite database, registers a platform
(lti1p3platform, as in tests/lti/) whose keyset, token and grade endpoints a
small HTTP server on loopback answers, and then, through the whole middleware
stack (Django's test client):

- ``launch_ms``/``launch_p95_ms``: a new learner's launch, from the platform's
  login initiation to the rendered first lesson: our OIDC login redirect, the
  ``id_token`` check, the new account and its enrolment, the redirect and the
  lesson page. The platform's own work (signing the ``id_token``) is left out;
  its keys are fetched on the first launch and kept, so that one is not counted;
- ``return_ms``: the same learners launching again (lands on the same lesson);
- ``launch_queries``: the queries of a new learner's launch POST;
- ``passback_s``/``passback_attempts``: once the worker (``manage.py
  db_worker``, polling every second) has worked off what the launches queued, a
  learner completes a lesson and the worker delivers the score: the time until
  the platform has it, and the attempts it took.

Targets: launch to first lesson at most 300 ms; the score delivered within one
worker poll (one attempt, well under the poll interval plus the send).

With ``--demo ADDRESS`` it measures the demo that ``make demo`` serves instead,
in Chromium: from the demo Moodle's page it opens the course as Anna (to warm
up), as Pēteris (a first launch, when he has none yet) and then as Anna again,
each in a fresh browser, and adds
up the tool's share of each launch from the browser's timings: the login (its
cookie check and the redirect to the platform), the launch POST and the lesson
page, every request to the platform left out (``demo_launch_ms`` the median,
``demo_first_launch_ms`` Pēteris's).

    .venv/bin/python bench/lti_launch.py [--launches 30]
    .venv/bin/python bench/lti_launch.py --demo http://127.0.0.1:8000

Last line: launch_ms=… launch_p95_ms=… return_ms=… launch_queries=…
passback_s=… passback_attempts=… (or, with --demo: demo_launch_ms=…
demo_launch_max_ms=… demo_first_launch_ms=… launches=…)
"""

from __future__ import annotations

import argparse
import json
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

SCORES: list[dict] = []


class FakePlatform(BaseHTTPRequestHandler):
    """The platform's keyset, token and score endpoints."""

    jwks: dict = {}

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._answer(200, self.jwks)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/token"):
            self._answer(200, {"access_token": "bench-token", "expires_in": 3600})
        else:
            SCORES.append(json.loads(body))
            self._answer(200, {})

    def log_message(self, *args) -> None:
        pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def tool_share_ms(browser, address: str, person: str) -> float:
    """One launch from the demo Moodle's page in a fresh browser: the time the
    browser spent on the tool's documents (login, launch, lesson)."""
    context = browser.new_context(base_url=address, locale="lv-LV")
    page = context.new_page()
    page.goto("/demo-platform/")
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.get_by_role("link", name=f"Atvērt kā {person}").first.click()
    page.wait_for_url("**/lv/stem-competence-approach/**")
    page.wait_for_load_state("load")
    total = sum(
        request.timing["responseEnd"]
        for request in requests
        if request.resource_type == "document" and "/demo-platform/" not in request.url
    )
    context.close()
    return total


def measure_demo(address: str, launches: int) -> None:
    import shutil

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        # A warm-up launch compiles the templates and fills the content cache, as
        # on a site in use.
        tool_share_ms(browser, address, "Anna")
        first = tool_share_ms(browser, address, "Pēteris")
        again = [tool_share_ms(browser, address, "Anna") for _ in range(launches)]
        browser.close()
    print(
        f"Pēteris's launch {first:.1f} ms; {launches} launches as Anna: median "
        f"{statistics.median(again):.1f} ms, slowest {max(again):.1f} ms "
        "(the tool's documents only)"
    )
    print(
        f"demo_launch_ms={statistics.median(again):.1f} "
        f"demo_launch_max_ms={max(again):.1f} demo_first_launch_ms={first:.1f} "
        f"launches={launches}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=30)
    parser.add_argument("--demo", help="the demo's address, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    if args.demo:
        measure_demo(args.demo, min(args.launches, 20))
        return

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-lti-"))
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["MEDIA_ROOT"] = str(workdir / "media")
    env["TASKS_BACKEND"] = "database"
    os.environ.update(env)

    from bench.demo_db import demo_course, setup_demo_database

    setup_demo_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from lti1p3platform.registration import Registration

    from courses.catalogue.models import LessonPage
    from courses.enrolment.models import Enrolment
    from courses.lti.models import LtiDeployment, LtiRegistration, LtiScorePassback
    from courses.progress.recording import record_lesson_completed
    from tests.lti.platform import (
        CLIENT_ID,
        ISSUER,
        key_pair,
        login_redirect,
        platform_for,
        signed_launch,
    )

    tool_private, _public = key_pair()
    settings.LMS_LTI_TOOL_KEY = tool_private
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    platform_keys = key_pair()
    FakePlatform.jwks = {
        "keys": Registration.get_jwks(
            Registration().set_platform_public_key(platform_keys[1])
        )
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePlatform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    registration = LtiRegistration.objects.create(
        name="Bench Moodle",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/mod/lti/auth.php",
        auth_token_url=f"{base}/token",
        keyset_url=f"{base}/certs",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id="1")
    platform = platform_for(registration, platform_keys)
    course = demo_course()
    ags = {
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitem": f"{base}/lineitems/1/lineitem",
        }
    }

    def launch(client: Client, user_id: str):
        """(milliseconds on the tool's side, queries of the POST, lesson URL)"""
        started = time.perf_counter()
        auth_params = login_redirect(client, platform, user_id)
        tool_time = time.perf_counter() - started
        form = signed_launch(
            platform,
            auth_params,
            user_id=user_id,
            custom={"course": course.slug},
            claims=ags,
            email=f"{user_id}@example.edu",
        )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/lti/launch/", form)
        assert response.status_code == 302, response.content[:500]
        launch_queries = len(queries)
        page = client.get(response.url)
        assert page.status_code == 200, page.status_code
        tool_time += time.perf_counter() - started
        return tool_time * 1000, launch_queries, response.url

    # The first launch fetches the platform's keys (kept afterwards) and warms
    # the content cache, as a site in use has.
    launch(Client(), "warm-up")
    clients = {f"teacher-{n}": Client() for n in range(args.launches)}
    firsts, query_counts, landed = [], [], set()
    for user_id, client in clients.items():
        ms, queries, url = launch(client, user_id)
        firsts.append(ms)
        query_counts.append(queries)
        landed.add(url)
    returns = [launch(client, user_id)[0] for user_id, client in clients.items()]
    print(
        f"{args.launches} new learners launched {course.title!r}, landing on "
        f"{sorted(landed)}: median {statistics.median(firsts):.1f} ms, "
        f"p95 {percentile(firsts, 0.95):.1f} ms; again "
        f"{statistics.median(returns):.1f} ms"
    )

    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "1",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env={**env, "LTI_TOOL_KEY": tool_private},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The worker starts up and works off what the launches queued (their
        # enrolments' summaries), so that the score meets an idle queue.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
        ):
            time.sleep(0.2)
        time.sleep(2)
        enrolment = Enrolment.objects.get(
            user__lti_identities__subject="teacher-0", course_key=course.translation_key
        )
        # The lesson the launch did not open (that one is done by reading).
        lesson = LessonPage.objects.get(pk=enrolment.next_lesson_id)
        before = LtiScorePassback.objects.filter(grade_link__user=enrolment.user)
        sent_before = before.count()
        started = time.monotonic()
        record_lesson_completed(enrolment, lesson)
        row = before.order_by("-pk").first()
        assert before.count() == sent_before + 1, "no new score was queued"
        while row.status != "delivered" and time.monotonic() - started < 30:
            time.sleep(0.05)
            row.refresh_from_db()
        passback_s = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait()
        server.shutdown()
    assert row.status == "delivered", (row.status, row.last_error)
    print(
        f"score {SCORES[-1]['scoreGiven']} delivered {passback_s:.2f} s after the "
        f"lesson was done, in {row.attempts} attempt(s) (worker polls every 1 s)"
    )
    print(
        f"launch_ms={statistics.median(firsts):.1f} "
        f"launch_p95_ms={percentile(firsts, 0.95):.1f} "
        f"return_ms={statistics.median(returns):.1f} "
        f"launch_queries={max(query_counts)} "
        f"passback_s={passback_s:.2f} passback_attempts={row.attempts}"
    )


if __name__ == "__main__":
    main()
