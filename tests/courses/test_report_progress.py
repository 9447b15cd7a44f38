"""The progress report's rows: figures equal to a recount from the raw records,
their order, the filters, the page, and a query count per report page that does
not grow with learners."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate
from courses.enrolment.enrolling import enrol
from courses.models import (
    AssignmentSubmission,
    Enrolment,
    LessonProgress,
    QuizAttempt,
)
from courses.progress.recording import record_lesson_completed
from courses.reports import rows as report_rows
from tests.courses.report_world import (
    REPORT_URL,
    course_editor,
)
from tests.factories import (
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db


def rows_for(course, **filters) -> list[report_rows.ReportRow]:
    enrolments = Enrolment.objects.filter(course_key=course.translation_key, **filters)
    return list(report_rows.report_rows(enrolments))


def recount(enrolment: Enrolment, lessons) -> dict:
    """The figures of one enrolment, counted from the raw records."""
    done = set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    modules = [lessons[:2], lessons[2:]]
    best: dict = {}
    for attempt in QuizAttempt.objects.filter(
        enrolment=enrolment, percent__isnull=False
    ):
        best[attempt.quiz_key] = max(best.get(attempt.quiz_key, 0), attempt.percent)
    serial = (
        Certificate.objects.filter(enrolment=enrolment, status="valid")
        .values_list("serial", flat=True)
        .first()
    )
    return {
        "percent": 100 * len(done) // len(lessons),
        "hours_earned": sum(
            (Decimal(12) for m in modules if {le.translation_key for le in m} <= done),
            Decimal(0),
        ),
        "quiz_average": (Decimal(sum(best.values())) / len(best) if best else None),
        "assignments_accepted": AssignmentSubmission.objects.filter(
            enrolment=enrolment, status="accepted"
        )
        .values("assignment_key")
        .distinct()
        .count(),
        "certificate": serial,
    }


def test_report_rows_equal_a_recount_from_the_raw_records(school):
    """Each row's percent, hours, quiz average, assignments and certificate number
    match what the learner's own records add up to."""
    rows = {row.pk: row for row in rows_for(school["course"])}
    assert len(rows) == 4
    for enrolment in Enrolment.objects.filter(pk__in=rows):
        row, expected = rows[enrolment.pk], recount(enrolment, school["lessons"])
        assert row.percent == expected["percent"]
        assert row.hours_earned == expected["hours_earned"]
        assert row.quiz_average == expected["quiz_average"]
        assert row.assignments_accepted == expected["assignments_accepted"]
        assert row.extra["certificate"] == expected["certificate"]
    anna = rows[school["anna"].pk]
    assert (anna.learner, anna.cohort, anna.status) == (
        "Anna Bērziņa",
        "Pavasaris 2026",
        "completed",
    )
    assert anna.quiz_average == Decimal("85.0")
    assert anna.extra["certificate"].startswith("DU-")
    assert rows[school["liga"].pk].assignments_accepted == 1
    assert rows[school["liga"].pk].hours_earned == Decimal(12)


def test_rows_are_ordered_by_surname_and_certificate_comes_from_certificates(school):
    """The default order is by surname, and only a valid certificate is shown."""
    Certificate.objects.update(status=Certificate.Status.REVOKED)
    rows = rows_for(school["course"])
    assert [row.learner for row in rows] == [
        "Anna Bērziņa",
        "Līga Kalniņa",
        "Pēteris Ozols",
        "Inga Zariņa",
    ]
    assert rows[0].extra["certificate"] is None


def filtered(user, **params) -> list[str]:
    from django.test import RequestFactory

    request = RequestFactory().get("/", params)
    request.user = user
    filters = queries_filterset(request)
    assert filters.is_valid(), filters.errors
    return sorted(row.learner for row in report_rows.report_rows(filters.qs))


def queries_filterset(request):
    from courses.reports.filters import ProgressFilterSet

    return ProgressFilterSet(
        request.GET,
        queryset=report_rows.visible_enrolments(request.user),
        request=request,
    )


def test_filters_combine(school):
    """Cohort, status, dates and search narrow the rows together, not apart."""
    staff = course_editor(school["course"])
    cohort = school["cohort"].pk
    assert filtered(staff, cohort=cohort) == ["Anna Bērziņa", "Līga Kalniņa"]
    assert filtered(staff, cohort=cohort, status="active") == ["Līga Kalniņa"]
    assert filtered(staff, status="active") == ["Līga Kalniņa", "Pēteris Ozols"]
    assert filtered(staff, enrolled_from="2026-03-05", enrolled_to="2026-03-31") == [
        "Līga Kalniņa",
        "Pēteris Ozols",
    ]
    assert filtered(staff, completed_from="2026-03-20", completed_to="2026-03-21") == [
        "Anna Bērziņa"
    ]
    assert filtered(staff, search="ozols") == ["Pēteris Ozols"]
    assert filtered(staff, search="Anna Bērz", cohort=cohort) == ["Anna Bērziņa"]
    assert filtered(staff, search="Anna Ozols") == []
    # A course author sees no addresses, so none finds a learner for them.
    assert filtered(staff, search=school["peteris"].user.email) == []


def test_report_page_shows_learners_and_their_figures(school, client):
    """The page lists each learner with cohort, percent and certificate number."""
    client.force_login(course_editor(school["course"]))
    response = client.get(REPORT_URL, {"course": school["course"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    serial = Certificate.objects.get(enrolment=school["anna"]).serial
    for text in ("Anna Bērziņa", "Pavasaris 2026", "Pēteris Ozols", serial, "85.0"):
        assert text in html
    assert "export/csv/?course=" in html
    response = client.get(REPORT_URL, {"ordering": "-percent"})
    names = [response.content.decode().index(n) for n in ("Bērziņa", "Kalniņa")]
    assert names == sorted(names)


def enrol_many(course, lessons, count: int) -> None:
    for n in range(count):
        enrolment = enrol(make_user(last_name=f"Learner {n:02}"), course)
        record_lesson_completed(enrolment, lessons[n % len(lessons)])


@pytest.mark.parametrize("path", ["", "matrix/", "competences/", "summary/"])
def test_report_page_query_count_does_not_grow_with_learners(path, client):
    """3 or 30 learners, each report page costs the same number of queries."""
    course, lessons = make_course_tree(modules=3, lessons=2)
    client.force_login(course_editor(course))
    client.get(f"{REPORT_URL}{path}")  # the session and caches are warm after this
    counts = []
    for learners in (3, 27):
        enrol_many(course, lessons, learners)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{REPORT_URL}{path}", {"course": course.pk})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
