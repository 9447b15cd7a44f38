"""Staff reports at scale: CSV and XLSX export of a whole course and the first page
of the progress report.

Builds 5,000 learners in a course of 12 modules × 10 lessons (600,000 lesson
progress rows, written with bulk_create) in a fresh database, then, through the
Django test client as a superuser with DEBUG off, downloads both exports (consuming
the streamed bodies) and renders the report's first page of 50 rows. Peak memory is
traced (tracemalloc) in separate runs of the exports, so tracing does not slow the
timed ones.

    .venv/bin/python bench/reports.py [--learners 5000] [--rounds 3]

Last line: learners=… lessons=… csv_export_s=… xlsx_export_s=… report_page_ms=… peak_mb=…
"""

from __future__ import annotations

import argparse
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
BATCH = 10_000


def build_course():
    """The course pages, through the factories (a few seconds)."""
    from tests.factories import make_catalogue, make_course, make_lesson, make_module

    course = make_course(make_catalogue(), title="Kompetenču pieeja STEM")
    lessons = []
    for m in range(MODULES):
        module = make_module(course, title=f"Modulis {m + 1}", hours=Decimal(4))
        lessons += [
            make_lesson(module, title=f"Nodarbība {m + 1}.{n + 1}")
            for n in range(LESSONS_PER_MODULE)
        ]
    return course, lessons


def build_learners(course, lessons, count: int) -> None:
    """Users, enrolments with a consistent stored summary, their 120 progress rows
    each, a quiz attempt each and the completed learners' certificates."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from certificates.models import Certificate
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


def download(client, url: str) -> tuple[float, int]:
    """Seconds to fetch and consume a streamed download, and its size in bytes."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - started, size


def traced_peak_mb(client, url: str) -> float:
    tracemalloc.start()
    try:
        download(client, url)
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    course, lessons = build_course()
    build_learners(course, lessons, args.learners)
    print(f"seeded in {time.perf_counter() - started:.1f}s", file=sys.stderr)

    admin = get_user_model().objects.create_superuser(
        "bench-admin", "admin@example.edu", "bench"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    query = f"?course={course.pk}"
    csv_url = f"/admin/reports/export/csv/{query}"
    xlsx_url = f"/admin/reports/export/xlsx/{query}"
    page_url = f"/admin/reports/{query}"

    assert client.get(page_url).status_code == 200  # warm caches and templates
    csv_s = [download(client, csv_url)[0] for _ in range(args.rounds)]
    xlsx_s = [download(client, xlsx_url)[0] for _ in range(args.rounds)]
    page_ms = []
    for _ in range(max(args.rounds, 5)):
        started = time.perf_counter()
        response = client.get(page_url)
        page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    peak = max(traced_peak_mb(client, csv_url), traced_peak_mb(client, xlsx_url))
    print(
        f"learners={args.learners} lessons={len(lessons)} "
        f"csv_export_s={statistics.median(csv_s):.2f} "
        f"xlsx_export_s={statistics.median(xlsx_s):.2f} "
        f"report_page_ms={statistics.median(page_ms):.0f} peak_mb={peak:.1f}"
    )


if __name__ == "__main__":
    main()
