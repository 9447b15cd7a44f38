"""What a SCORM commit costs the server, and what a package adds to a lesson page.

Builds a course whose lesson plays a SCORM 1.2 package and an enrolled learner in
a fresh SQLite database, then, through the whole middleware stack (Django's test
client addressing the content origin's host, as the player does):

- ``commit_ms``/``commit_p95_ms``: the median and 95th percentile of a commit's
  round trip (a flattened commit with 2 KB of suspend data, incomplete), over
  ``--commits`` commits;
- ``done_ms``: the commit that completes the lesson (the recount of the
  learner's progress included);
- ``lesson_queries``/``package_lesson_queries``: the queries of a warm lesson
  page without and with a package (target: at most 2 more).

Target: a commit round trip of at most 50 ms.

With ``--demo ADDRESS`` it measures the demo that ``make demo`` serves instead, in
Chromium as the demo teacher: it opens the SCORM lesson, turns its slides (each a
commit from the package) and reads the commits' round trips from the player's
Resource Timing (``demo_commit_ms``, ``demo_commit_max_ms``).

    .venv/bin/python bench/package_runtime.py [--commits 200]
    .venv/bin/python bench/package_runtime.py --demo http://127.0.0.1:8000

Last line: commit_ms=… commit_p95_ms=… done_ms=… lesson_queries=…
package_lesson_queries=… (or, with --demo: demo_commit_ms=… demo_commit_max_ms=…
commits=…)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_db import setup_empty_database  # noqa: E402


def lesson_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def measure_demo(address: str, commits: int) -> None:
    """The round trips of the SCORM lesson's commits in Chromium on the demo."""
    import shutil

    from playwright.sync_api import sync_playwright

    lesson = (
        "/lv/stem-competence-approach/digital-tools-digcompedu/sound-waves-simulation/"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        page = browser.new_context(base_url=address).new_page()
        page.goto("/lv/accounts/login/")
        page.fill("input[name=login]", "teacher@example.edu")
        page.fill("input[name=password]", "teacher-demo-2026")
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(lesson)
        sco = page.frame_locator("#activity-frame").frame_locator("#player-frame")
        sco.locator("#where").wait_for()
        for _ in range(commits):
            forward = sco.get_by_role("button", name="Tālāk")
            if forward.is_enabled():
                forward.click()
            else:
                sco.get_by_role("button", name="Atpakaļ").click()
        player = next(frame for frame in page.frames if "/play/" in frame.url)
        durations = player.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter(entry => entry.name.includes('/runtime/'))"
            ".map(entry => entry.duration)"
        )
        browser.close()
    print(f"{len(durations)} commits of the demo's SCORM lesson in Chromium")
    print(
        f"demo_commit_ms={statistics.median(durations):.1f} "
        f"demo_commit_max_ms={max(durations):.1f} commits={len(durations)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--demo", help="the demo's address, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    if args.demo:
        measure_demo(args.demo, min(args.commits, 40))
        return

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-runtime-"))
    setup_empty_database(workdir)
    from django.conf import settings
    from django.test import Client

    from courses.activities.runtime import launch
    from tests.activities.runtime_world import package_world
    from tests.factories import make_catalogue

    make_catalogue()
    world = package_world()
    learner = world.enrolment.user
    site = Client(HTTP_HOST="127.0.0.1")
    site.force_login(learner)
    without = lesson_queries(site, world.other_lesson.url)
    with_package = lesson_queries(site, world.lesson.url)

    content = urlsplit(settings.LMS_CONTENT_ORIGIN)
    player = Client(HTTP_HOST=content.netloc)
    path = urlsplit(launch(world.enrolment, world.activity).url).path
    runtime = path.replace("/play/", "/runtime/", 1)
    body = {
        "cmi.core.lesson_status": "incomplete",
        "cmi.core.lesson_location": "slide-3",
        "cmi.core.exit": "suspend",
        "cmi.core.session_time": "00:04:10",
        "cmi.suspend_data": "x" * 2048,
        "cmi.interactions": {},
        "cmi.objectives": {},
    }

    def commit(data: dict) -> float:
        started = time.perf_counter()
        response = player.post(
            runtime, json.dumps(data), content_type="application/json"
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content
        return elapsed * 1000

    for _ in range(5):
        commit(body)
    times = sorted(commit(body) for _ in range(args.commits))
    done = commit({**body, "cmi.core.lesson_status": "passed", "cmi.core.exit": ""})
    assert world.enrolment.lesson_progress.filter(completed_at__isnull=False).exists()

    shutil.rmtree(workdir)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{args.commits} commits to {runtime[:24]}…")
    print(
        f"commit_ms={statistics.median(times):.1f} commit_p95_ms={p95:.1f} "
        f"done_ms={done:.1f} lesson_queries={without} "
        f"package_lesson_queries={with_package}"
    )


if __name__ == "__main__":
    main()
