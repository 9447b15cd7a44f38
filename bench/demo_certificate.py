"""Seconds from a teacher's last step to the certificate on *My certificates*, with
the demo running as ``make demo`` runs it.

Builds the demo in a fresh SQLite file (migrate, ``seed_demo``), starts
``honcho -f Procfile.demo start`` on a free port (the web server and the task
worker), and for each round prepares a new teacher who has done everything in the
demo course but its last lesson (lessons, tests passed, the practical assignment
accepted). Over HTTP, as the teacher would, it signs in by e-mail, marks the last
lesson done, then opens *My certificates* every 0.2 s until the certificate is
listed. The figure includes the worker's poll interval and the PDF rendering.

    .venv/bin/python bench/demo_certificate.py [--rounds 3]

Last line: certificate_s_median=… certificate_s_max=… rounds=…
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_teacher(n: int):
    """A teacher with everything of the demo course done but the last lesson;
    returns (e-mail, id of the last lesson)."""
    from django.utils import timezone

    from bench.demo_db import NAMES, demo_course
    from courses.assignments.submissions import review_submission, submit_assignment
    from courses.enrolment.enrolling import self_enrol
    from courses.models import Assignment, LessonPage, QuizAttempt
    from courses.progress.recording import record_lesson_completed, refresh_summary
    from tests.factories import make_user

    course = demo_course()
    first, last = NAMES[n % len(NAMES)].split()
    email = f"bench{n}-{int(time.time())}@example.edu"
    teacher = make_user(
        username=email, email=email, first_name=first, last_name=last, password=PASSWORD
    )
    enrolment = self_enrol(teacher, course)
    lessons = list(course.get_lessons())
    # The teacher's last step is a lesson they mark as done themselves.
    final = [
        lesson
        for lesson in lessons
        if lesson.completion_rule == LessonPage.CompletionRule.MARK
    ][-1]
    for lesson in lessons:
        if lesson != final:
            record_lesson_completed(enrolment, lesson)
    now = timezone.now()
    for quiz_key in {
        key
        for key in LessonPage.objects.filter(
            pk__in=[le.pk for le in lessons]
        ).values_list("quiz__translation_key", flat=True)
        if key
    }:
        QuizAttempt.objects.create(
            enrolment=enrolment,
            quiz_key=quiz_key,
            started_at=now,
            submitted_at=now,
            score=1,
            max_score=1,
            percent=100,
            passed=True,
        )
    staff = make_user(username=f"staff-{email}", is_superuser=True)
    for assignment in Assignment.objects.filter(
        page__in=[lesson.pk for lesson in lessons]
        + [module.pk for module in course.get_children()]
    ):
        submission = submit_assignment(enrolment, assignment, text="Mana stunda.")
        review_submission(submission, staff, "accepted")
    refresh_summary(enrolment)
    return email, final.pk


class Browser:
    """A teacher's browser: cookies, and the CSRF token read from them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> str:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()


def one_round(base: str, n: int) -> float:
    email, lesson_id = prepare_teacher(n)
    browser = Browser(base)
    browser.get("/lv/accounts/login/")
    browser.post("/lv/accounts/login/", {"login": email, "password": PASSWORD})
    assert "Apliecību vēl nav" in browser.get("/certificates/mine/")
    start = time.perf_counter()
    browser.post(f"/lv/lessons/{lesson_id}/complete/", {})
    while True:
        page = browser.get("/certificates/mine/")
        if re.search(r"DU-\d{4}-\d{6}", page):
            return time.perf_counter() - start
        if time.perf_counter() - start > 120:
            raise SystemExit("No certificate after 120 s: is the worker running?")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lms-demo-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DEMO_ADDRESS": f"127.0.0.1:{port}",
        # The demo's embedded defaults, whatever this shell has configured.
        "TASKS_BACKEND": "database",
        "REDIS_URL": "",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    demo = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "-f", "Procfile.demo", "start"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        import django

        django.setup()
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/lv/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        times = [one_round(base, n) for n in range(args.rounds)]
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        demo.wait(timeout=30)
    print(
        f"certificate_s_median={statistics.median(times):.2f} "
        f"certificate_s_max={max(times):.2f} rounds={len(times)}"
    )


if __name__ == "__main__":
    main()
