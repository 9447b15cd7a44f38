"""Response time of the admin pages a course team opens every day.

Seeds the demo programme (``seed_demo``) into a fresh SQLite database and times,
through the Django test client with DEBUG off, the admin home and a lesson's editor
as the demo course author and a submission's review page as the demo administrator.

With ``--against REF`` the same pages are timed in a checkout of ``REF`` (a git
revision, in a temporary worktree) in alternating rounds of the same run, so that a
change is measured against what it changes on one machine at one time.

    .venv/bin/python bench/admin_pages.py [--rounds 15] [--against main~3]

Last line: admin_home_ms=… lesson_editor_ms=… review_ms=… (and with ``--against``
the same keys with ``_before`` appended)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("admin_home", "lesson_editor", "review")


def serve() -> None:
    """The measuring process: seed, then answer each "go" line on stdin with one
    JSON line of milliseconds per page."""
    sys.path.insert(0, str(Path.cwd()))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from courses.models import AssignmentSubmission, LessonPage

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    author, admin = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    author.force_login(User.objects.get(username="author"))
    admin.force_login(User.objects.get(username="admin"))
    lesson = LessonPage.objects.order_by("path").first()
    submission = AssignmentSubmission.objects.order_by("pk").first()
    if submission is None:  # the demo's teacher hands in the practical task
        from courses.assignments.submissions import assignment_course, submit_assignment
        from courses.models import Assignment, Enrolment

        assignment = Assignment.objects.order_by("pk").first()
        enrolment = Enrolment.objects.get(
            user__username="teacher",
            course__translation_key=assignment_course(assignment).translation_key,
        )
        submission = submit_assignment(enrolment, assignment, text="Mans plāns.")
    urls = {
        "admin_home": (author, "/admin/"),
        "lesson_editor": (author, f"/admin/pages/{lesson.pk}/edit/"),
        "review": (admin, f"/admin/assessment/submissions/{submission.pk}/"),
    }
    for client, url in urls.values():  # warm caches and templates
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    print("ready", flush=True)
    for _line in sys.stdin:
        times = {}
        for page, (client, url) in urls.items():
            start = time.perf_counter()
            client.get(url)
            times[page] = (time.perf_counter() - start) * 1000
        print(json.dumps(times), flush=True)


def start(tree: Path, database: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(database.parent / "media"),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "admin_pages.py"), "--serve"],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if process.stdout.readline().strip() != "ready":
        raise SystemExit(f"the pages of {tree} could not be prepared")
    return process


def round_of(process: subprocess.Popen) -> dict[str, float]:
    process.stdin.write("go\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--against", help="a git revision to time in the same run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"": ROOT}
        if args.against:
            before = Path(tmp) / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(before), args.against],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            trees["_before"] = before
        try:
            processes = {}
            for suffix, tree in trees.items():
                (Path(tmp) / f"db{suffix}").mkdir()
                database = Path(tmp) / f"db{suffix}" / "bench.sqlite3"
                processes[suffix] = start(tree, database)
            samples = {suffix: {page: [] for page in PAGES} for suffix in trees}
            for _ in range(args.rounds):
                for suffix, process in processes.items():
                    for page, ms in round_of(process).items():
                        samples[suffix][page].append(ms)
            for process in processes.values():
                process.stdin.close()
                process.wait()
        finally:
            if args.against:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(trees["_before"])],
                    cwd=ROOT,
                    check=False,
                )
    figures = {
        f"{page}_ms{suffix}": f"{statistics.median(samples[suffix][page]):.0f}"
        for suffix in trees
        for page in PAGES
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
