"""Staff reports at scale: every report page, every export and the learner pages.

Builds ``--learners`` learners in a course of 12 modules × 10 lessons (120 lesson
progress rows each, written with bulk_create; 2.4 million at 20,000) whose modules
develop competences and whose first four modules open with an e-learning package
(0 to 3 attempts per learner at each), then, through the Django test client with DEBUG off, as a
superuser: renders the first and the last page of every paged report (progress,
module matrix, competences, e-learning results) and the cohorts-and-programme
summary, downloads every
report's CSV and XLSX (consuming the streamed bodies), and as a learner renders the
dashboard and a lesson page. Times are medians of ``--rounds`` (pages: at least 5).
Peak memory of each export is traced (tracemalloc) in a separate run, so tracing
does not slow the timed ones.

The database is ``DATABASE_URL`` (PostgreSQL or SQLite), or a fresh SQLite file.
With ``--reuse`` a database that already holds the bench course is migrated and
measured again without being rebuilt (building 20,000 learners takes minutes).
On PostgreSQL the tables are analysed before measuring, as autovacuum keeps them
on a real site.

    .venv/bin/python bench/reports.py [--learners 5000] [--rounds 3] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_reports_bench \
        .venv/bin/python bench/reports.py --learners 20000 --reuse

Last line: learners=… lessons=… <report>_first_ms=… <report>_last_ms=… summary_ms=…
<report>_csv_s=… <report>_xlsx_s=… <report>_<format>_mb=… dashboard_ms=…
lesson_ms=… (a report without an export prints ``n/a``)
"""

from __future__ import annotations

import argparse
import io
import math
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODULES, LESSONS_PER_MODULE = 12, 10
#: Modules whose first lesson plays a package.
PACKAGE_MODULES = 4
BATCH = 10_000


COURSE_TITLE = "Kompetenču pieeja STEM"


def build_course():
    """The course pages, through the factories (a few seconds)."""
    from django.core.management import call_command

    from courses.activities.models import Activity
    from courses.competences.models import Competence
    from courses.models import ModuleCompetence
    from tests.activities.runtime_world import make_package
    from tests.factories import make_catalogue, make_course, make_lesson, make_module

    call_command("load_frameworks", stdout=io.StringIO())
    competences = list(Competence.objects.order_by("framework__code", "code")[:4])
    activities = [
        Activity.objects.create(
            title=f"Pakotne {m + 1}", package=make_package(title=f"Bench {m + 1}")
        )
        for m in range(PACKAGE_MODULES)
    ]
    course = make_course(make_catalogue(), title=COURSE_TITLE)
    lessons = []
    for m in range(MODULES):
        module = make_module(course, title=f"Modulis {m + 1}", hours=Decimal(4))
        ModuleCompetence.objects.create(
            module=module, competence=competences[m % len(competences)]
        )
        lessons += [
            make_lesson(
                module,
                title=f"Nodarbība {m + 1}.{n + 1}",
                activity=activities[m] if n == 0 and m < PACKAGE_MODULES else None,
            )
            for n in range(LESSONS_PER_MODULE)
        ]
    return course, lessons


def existing_course(learners: int):
    """The bench course and its lessons if the database holds them for
    ``learners`` learners already, else None."""
    from courses.models import CoursePage, Enrolment, LessonPage

    course = CoursePage.objects.filter(title=COURSE_TITLE).first()
    if course is None:
        return None
    if Enrolment.objects.filter(course=course).count() != learners:
        raise SystemExit(
            f"The database holds the bench course with another number of "
            f"learners; drop it or pass --learners "
            f"{Enrolment.objects.filter(course=course).count()}."
        )
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    return course, lessons


def build_learners(course, lessons, count: int) -> None:
    """Users, enrolments with a consistent stored summary, their 120 progress rows
    each, a quiz attempt each, 0 to 3 attempts at each package and the completed
    learners' certificates."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from certificates.models import Certificate
    from courses.activities.models import Activity, ActivityAttempt
    from courses.models import Cohort, Enrolment, LessonProgress, QuizAttempt

    User = get_user_model()
    password = make_password("bench")
    User.objects.bulk_create(
        (
            User(
                username=f"learner{i}",
                email=f"learner{i}@example.edu",
                first_name="Jolanta" if i % 2 else "Pēteris",
                last_name=f"Ūzuliņa {i:05}",
                password=password,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )
    users = list(
        User.objects.filter(username__startswith="learner")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(course=course, name=f"Grupa {n + 1}") for n in range(5)
    )
    now = timezone.now()
    total = len(lessons)
    enrolments = []
    for i, user_id in enumerate(users):
        done = i % (total + 1)
        enrolled = now - timedelta(days=400 - i % 365)
        completed = done == total
        enrolments.append(
            Enrolment(
                user_id=user_id,
                course=course,
                course_key=course.translation_key,
                cohort=cohorts[i % len(cohorts)],
                status="completed" if completed else "active",
                enrolled_at=enrolled,
                completed_at=enrolled + timedelta(days=30) if completed else None,
                completed_items=done,
                total_items=total,
                percent=100 * done // total,
                hours_earned=Decimal(4 * (done // LESSONS_PER_MODULE)),
                last_activity_at=enrolled + timedelta(days=1),
            )
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    rows = Enrolment.objects.order_by("pk").values_list(
        "pk", "user_id", "completed_items", "enrolled_at"
    )
    keys = [lesson.translation_key for lesson in lessons]

    def progress():
        for pk, _user, done, enrolled in rows:
            for n, key in enumerate(keys):
                yield LessonProgress(
                    enrolment_id=pk,
                    lesson_key=key,
                    first_viewed_at=enrolled,
                    completed_at=enrolled if n < done else None,
                    source="mark" if n < done else "",
                )

    LessonProgress.objects.bulk_create(progress(), batch_size=BATCH)
    quiz = lessons[0].translation_key
    QuizAttempt.objects.bulk_create(
        (
            QuizAttempt(enrolment_id=pk, quiz_key=quiz, percent=pk % 101)
            for pk, *_rest in rows
        ),
        batch_size=BATCH,
    )
    activities = list(
        Activity.objects.filter(
            pk__in=[lesson.activity_id for lesson in lessons if lesson.activity_id]
        ).values_list("pk", "package_id")
    )
    ActivityAttempt.objects.bulk_create(
        (
            ActivityAttempt(
                enrolment_id=pk,
                activity_id=activity,
                package_id=package,
                number=number,
                completion="completed",
                success="passed" if (pk + number) % 3 else "failed",
                score=(pk * number) % 101,
                met=(pk + number) % 3 != 0,
                total_time=timedelta(minutes=number * 7),
            )
            for pk, *_rest in rows
            for a, (activity, package) in enumerate(activities)
            for number in range(1, (pk + a) % 4 + 1)
        ),
        batch_size=BATCH,
    )
    Certificate.objects.bulk_create(
        (
            Certificate(
                serial=f"DU-2026-{pk:06}",
                verification_code=f"BENCH{pk:010}",
                enrolment_id=pk,
                user_id=user,
                course=course,
                course_key=course.translation_key,
                language="lv",
                learner_name="Jolanta Ūzuliņa",
                course_title=course.title,
                hours=Decimal(48),
                issued_how="automatic",
            )
            for pk, user, done, _enrolled in rows
            if done == total
        ),
        batch_size=BATCH,
    )


def analyse() -> None:
    """Planner statistics, as autovacuum keeps them on a production PostgreSQL:
    without them, tables just filled in bulk are planned as if nearly empty (a
    nested loop over 20,000 learners) and the figures measure the wrong plans."""
    from django.db import connection

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"analysed in {time.perf_counter() - started:.1f}s")


def download(client, url: str) -> tuple[float, int]:
    """Seconds to fetch and consume a streamed download, and its size in bytes."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in content)
    return time.perf_counter() - started, size


def traced_peak_mb(client, url: str) -> float:
    tracemalloc.start()
    try:
        download(client, url)
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def page_ms(client, url: str, rounds: int) -> float:
    """Median milliseconds to render a page (after one warm-up request)."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


#: Report name → its page and its export (``{fmt}``), each below /admin/reports/.
REPORTS = {
    "progress": ("", "export/{fmt}/"),
    "matrix": ("matrix/", "matrix/export/{fmt}/"),
    "competences": ("competences/", "competences/export/{fmt}/"),
    "summary": ("summary/", "summary/export/{fmt}/"),
    "activities": ("activities/", "activities/export/{fmt}/"),
}
PAGED = ("progress", "matrix", "competences", "activities")


def measure_reports(client, course, learners: int, rounds: int) -> dict[str, str]:
    figures: dict[str, str] = {}
    query = f"?course={course.pk}"
    last = math.ceil(learners / 50)
    for name, (page, _export) in REPORTS.items():
        url = f"/admin/reports/{page}{query}"
        if name in PAGED:
            first = page_ms(client, url, max(rounds, 5))
            figures[f"{name}_first_ms"] = f"{first:.0f}"
            end = page_ms(client, f"{url}&p={last}", max(rounds, 5))
            figures[f"{name}_last_ms"] = f"{end:.0f}"
        else:
            figures[f"{name}_ms"] = f"{page_ms(client, url, max(rounds, 5)):.0f}"
        log(f"  {name} page timed")
    for name, (_page, export) in REPORTS.items():
        for fmt in ("csv", "xlsx"):
            url = f"/admin/reports/{export.format(fmt=fmt)}{query}"
            if client.get(url).status_code != 200:  # not offered
                figures[f"{name}_{fmt}_s"] = figures[f"{name}_{fmt}_mb"] = "n/a"
                continue
            seconds = statistics.median(download(client, url)[0] for _ in range(rounds))
            figures[f"{name}_{fmt}_s"] = f"{seconds:.2f}"
            figures[f"{name}_{fmt}_mb"] = f"{traced_peak_mb(client, url):.1f}"
            log(f"  {name} {fmt}: {seconds:.2f}s")
    return figures


def measure_learner(client, course, lessons, rounds: int) -> dict[str, str]:
    """The dashboard and a lesson page of a learner halfway through the course."""
    from courses.models import Enrolment

    enrolment = (
        Enrolment.objects.filter(course=course, completed_items=len(lessons) // 2)
        .select_related("user")
        .first()
    )
    client.force_login(enrolment.user)
    lesson_url = lessons[len(lessons) // 2 + 1].url
    return {
        "dashboard_ms": f"{page_ms(client, '/lv/my/', max(rounds, 20)):.1f}",
        "lesson_ms": f"{page_ms(client, lesson_url, max(rounds, 20)):.1f}",
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the bench course already in DATABASE_URL instead of building",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f}s")
    built = existing_course(args.learners) if args.reuse else None
    if built is None:
        started = time.perf_counter()
        course, lessons = build_course()
        build_learners(course, lessons, args.learners)
        log(f"seeded in {time.perf_counter() - started:.1f}s")
        # The progress rows went in with bulk_create, past the recording that
        # keeps the module summaries: count them as a restored backup would be.
        started = time.perf_counter()
        call_command("recount_progress", stdout=io.StringIO())
        log(f"module summaries recounted in {time.perf_counter() - started:.1f}s")
    else:
        course, lessons = built
        log("reusing the database's bench course")
    analyse()

    User = get_user_model()
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", "admin@example.edu", "x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    figures = measure_reports(client, course, args.learners, args.rounds)
    figures.update(
        measure_learner(Client(HTTP_HOST="localhost"), course, lessons, args.rounds)
    )
    print(
        f"learners={args.learners} lessons={len(lessons)} "
        + " ".join(f"{key}={value}" for key, value in figures.items())
    )


if __name__ == "__main__":
    main()
