"""Requests per second of the lesson page and the dashboard against a floor view.

Seeds a course of 12 modules × 10 lessons and a learner with 5 enrolments in a fresh
database, serves the site with gunicorn (2 workers) on loopback, and measures the
pages and the floor (the site's base template through the same middleware for the
same signed-in user) in alternating rounds of one run. Workers are not recycled
during the run (``--max-requests 0``): a recycled worker starts cold, and the
pages would be measured partly against start-up.

    .venv/bin/python bench/pages.py [--seconds 5] [--rounds 3] [--concurrency 4]

Last line: lesson_rps=… dashboard_rps=… floor_rps=… lesson_vs_floor=… dashboard_vs_floor=…
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed() -> tuple[str, str]:
    """Build the course and the learner; return (lesson path, session cookie)."""
    from django.core.management import call_command
    from django.test import Client

    from courses.enrolment.enrolling import enrol
    from courses.progress.recording import record_lesson_completed
    from tests.factories import (
        make_catalogue,
        make_course,
        make_course_tree,
        make_lesson,
        make_module,
        make_user,
    )

    call_command("migrate", verbosity=0)
    catalogue = make_catalogue()
    course = make_course(catalogue, title="Kompetenču pieeja STEM")
    lessons = []
    for m in range(12):
        module = make_module(course, title=f"Modulis {m + 1}")
        for n in range(10):
            lessons.append(
                make_lesson(
                    module,
                    title=f"Nodarbība {m + 1}.{n + 1}",
                    body=[
                        ("heading", "Pētnieciskā mācīšanās"),
                        (
                            "paragraph",
                            "<p>" + "Skolēni plāno eksperimentu. " * 40 + "</p>",
                        ),
                        ("callout", {"kind": "tip", "text": "<p>Izejas kartītes.</p>"}),
                    ],
                )
            )
    learner = make_user(username="bench-teacher")
    enrolment = enrol(learner, course)
    for lesson in lessons[:25]:
        record_lesson_completed(enrolment, lesson)
    for _ in range(4):
        other, other_lessons = make_course_tree(modules=3, lessons=4, parent=catalogue)
        record_lesson_completed(enrol(learner, other), other_lessons[0])
    client = Client()
    client.force_login(learner)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return lessons[30].url, cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.update(env)

    import django

    django.setup()
    from bench.load import measure_rps, wait_until_up

    lesson_path, cookie = seed()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--max-requests",
            "0",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up("127.0.0.1", port)
        targets = {
            "lesson": lesson_path,
            "dashboard": "/lv/my/",
            "floor": "/bench/floor/",
        }
        for path in targets.values():  # warm every worker's caches
            measure_rps("127.0.0.1", port, path, cookie, 1.0, args.concurrency)
        results: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, path in targets.items():
                results[name].append(
                    measure_rps(
                        "127.0.0.1", port, path, cookie, args.seconds, args.concurrency
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    rps = {name: statistics.median(values) for name, values in results.items()}
    print(
        f"lesson_rps={rps['lesson']:.1f} dashboard_rps={rps['dashboard']:.1f} "
        f"floor_rps={rps['floor']:.1f} "
        f"lesson_vs_floor={rps['lesson'] / rps['floor']:.2f} "
        f"dashboard_vs_floor={rps['dashboard'] / rps['floor']:.2f}"
    )


if __name__ == "__main__":
    main()
