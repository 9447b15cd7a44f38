"""The world of the staff reports' tests: a course with four learners at known
points (the ``school`` fixture, shared through ``conftest.py``), staff of that
course, and readers of the CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import (
    AssignmentSubmission,
    Enrolment,
    QuizAttempt,
)
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import make_template
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_user,
)

RIGA = ZoneInfo("Europe/Riga")
REPORT_URL = "/admin/reports/"


def course_editor(course, **kwargs):
    """A member of staff who may edit ``course`` only, in an English admin."""
    return in_english_admin(make_course_editor(course, **kwargs))


def refused(response) -> bool:
    """Wagtail answers a refusal inside the admin with a redirect to its home."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 12, 0, tzinfo=RIGA)


@pytest.fixture
def school():
    """A two-module course (2 × 2 lessons, 12 hours each) with four learners.

    Anna completes it (certificate, two quizzes), Līga completes module 1 and has
    an assignment accepted, Pēteris has done one lesson, Inga withdrew.
    """
    make_template(is_default=True)
    course, lessons = make_course_tree(modules=2, lessons=2)
    cohort = make_cohort(course, name="Pavasaris 2026")
    anna = enrol(make_user(first_name="Anna", last_name="Bērziņa"), course, cohort)
    liga = enrol(make_user(first_name="Līga", last_name="Kalniņa"), course, cohort)
    peteris = enrol(make_user(first_name="Pēteris", last_name="Ozols"), course)
    inga = enrol(make_user(first_name="Inga", last_name="Zariņa"), course)
    for lesson in lessons:
        record_lesson_completed(anna, lesson)
    for lesson in lessons[:2]:
        record_lesson_completed(liga, lesson)
    record_lesson_completed(peteris, lessons[0])
    withdraw(inga)
    # Issued by hand: the completion signal waits for a commit tests never make.
    issue_certificate(anna, how=Certificate.How.AUTOMATIC)
    quiz_a, quiz_b = uuid.uuid4(), uuid.uuid4()
    for quiz, percent in ((quiz_a, 40), (quiz_a, 80), (quiz_b, 90)):
        QuizAttempt.objects.create(
            enrolment=anna, quiz_key=quiz, percent=percent, submitted_at=at(5)
        )
    QuizAttempt.objects.create(enrolment=liga, quiz_key=quiz_a)  # not yet graded
    task = uuid.uuid4()
    for status in ("returned", "accepted", "accepted"):
        AssignmentSubmission.objects.create(
            enrolment=liga, assignment_key=task, status=status
        )
    dates = {anna: (1, 21), liga: (10, None), peteris: (20, None), inga: (2, None)}
    for enrolment, (enrolled, completed) in dates.items():
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_at=at(enrolled), completed_at=completed and at(completed)
        )
    return {
        "course": course,
        "lessons": lessons,
        "cohort": cohort,
        "anna": anna,
        "liga": liga,
        "peteris": peteris,
        "inga": inga,
    }


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Trailing empty cells are not stored; give every row the heading's length.
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def as_text(value) -> str:
    """A cell as CSV writes it, to compare the two formats."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    try:
        return f"{float(value):g}"
    except ValueError:
        return str(value)
