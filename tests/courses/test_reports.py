"""Staff reports: progress rows, filters, exports, permissions, summaries, charts."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import (
    AssignmentSubmission,
    Enrolment,
    LearnerProfile,
    LessonProgress,
    QuizAttempt,
)
from courses.progress.recording import record_lesson_completed
from courses.reports import competences as report_competences
from courses.reports import matrix as report_matrix
from courses.reports import rows as report_rows
from courses.reports import summary as report_summary
from courses.reports.exports import csv_chunks, neutralise, xlsx_chunks
from tests.certificates.conftest import make_template
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db

RIGA = ZoneInfo("Europe/Riga")
REPORT_URL = "/admin/reports/"


@pytest.fixture(autouse=True)
def _forget_frozen_images():
    """Each test has its own media folder, so certificate images are made afresh."""
    from certificates import snapshot

    snapshot._frozen_images.clear()


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


def test_csv_and_xlsx_downloads_hold_the_same_rows(school, client):
    """Both exports open, carry every filtered learner and agree cell by cell."""
    client.force_login(course_editor(school["course"]))
    query = f"?course={school['course'].pk}"
    csv_response = client.get(f"{REPORT_URL}export/csv/{query}")
    xlsx_response = client.get(f"{REPORT_URL}export/xlsx/{query}")
    assert csv_response.status_code == xlsx_response.status_code == 200
    assert csv_response.streaming and xlsx_response.streaming
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    csv_rows = read_csv(b"".join(csv_response.streaming_content))
    xlsx_rows = read_xlsx(b"".join(xlsx_response.streaming_content))
    assert len(csv_rows) == 5
    assert [c[0] for c in csv_rows[1:]] == [
        "Anna Bērziņa",
        "Līga Kalniņa",
        "Pēteris Ozols",
        "Inga Zariņa",
    ]
    assert [[as_text(v) for v in row] for row in xlsx_rows] == [
        [as_text(v) for v in row] for row in csv_rows
    ]
    anna = csv_rows[1]
    assert "Pavasaris 2026" in anna
    assert "85" in [as_text(v) for v in anna]
    assert anna[-1].startswith("DU-")


def test_exports_follow_the_filters(school, client):
    """The download holds the filtered set, not the whole course."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}export/csv/?status=active&search=Kalni")
    rows = read_csv(b"".join(response.streaming_content))
    assert [row[0] for row in rows[1:]] == ["Līga Kalniņa"]


#: Characters a spreadsheet cannot hold, as a name may have stored them before
#: names refused them; PostgreSQL refuses a NUL in text, so it is tried elsewhere.
UNWRITABLE = [
    pytest.param(
        "\x00",
        id="NUL",
        marks=pytest.mark.skipif(
            connection.vendor == "postgresql", reason="PostgreSQL stores no NUL"
        ),
    ),
    pytest.param("\x1b", id="ESC"),
]


@pytest.mark.parametrize("char", UNWRITABLE)
def test_a_stored_control_character_does_not_break_either_export(school, client, char):
    """Names stored before control characters were refused still export: the
    characters a spreadsheet cannot hold become U+FFFD in the XLSX and the CSV,
    and the formula guard still applies after the replacement."""
    user = school["peteris"].user
    user.first_name, user.last_name = f"Pē{char}teris", "Oz\x01ols"
    user.save()
    liga = school["liga"].user
    liga.first_name = f"={char}SUM(A1)"
    liga.save()
    client.force_login(course_editor(school["course"]))
    xlsx = client.get(f"{REPORT_URL}export/xlsx/")
    csv_response = client.get(f"{REPORT_URL}export/csv/")
    assert xlsx.status_code == csv_response.status_code == 200
    xlsx_rows = read_xlsx(b"".join(xlsx.streaming_content))
    csv_rows = read_csv(b"".join(csv_response.streaming_content))
    expected = [
        "Anna Bērziņa",
        "'=\ufffdSUM(A1) Kalniņa",
        "Pē\ufffdteris Oz\ufffdols",
        "Inga Zariņa",
    ]
    assert [row[0] for row in xlsx_rows[1:]] == expected
    assert [row[0] for row in csv_rows[1:]] == expected


OUT_OF_RANGE = [
    {"enrolled_from": "0001-01-01"},
    {"enrolled_to": "9999-12-31"},
    {"completed_from": "1999-12-31"},
]


@pytest.mark.parametrize("path", ["", "matrix/", "competences/", "summary/"])
@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_report_pages_refuse_dates_outside_the_accepted_range(
    school, client, path, query
):
    """A date filter outside 2000 to ten years ahead is a 400 page that shows the
    filter's message and no learners, not a 500 or the unfiltered report."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}{path}", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a date from 2000-01-01 to " in html
    assert "Bērziņa" not in html and "Ozols" not in html


def test_report_results_fragment_shows_the_date_message(school, client):
    """The results fragment Wagtail's filter script swaps in carries the message
    in place of the rows (a 200, which that script accepts)."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}results/", {"enrolled_from": "0001-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="filter-errors"' in html
    assert "Enrolled between: Enter a date from 2000-01-01 to " in html
    assert "Bērziņa" not in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_exports_refuse_dates_outside_the_accepted_range(school, client, fmt, query):
    """A refused date filter is a plain-text 400 naming the filter, never a 200
    download with only the headings."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}export/{fmt}/", query)
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    label = "Completed between" if "completed_from" in query else "Enrolled between"
    assert response.content.decode().startswith(
        f"{label}: Enter a date from 2000-01-01 to "
    )


def test_a_latvian_admin_reads_the_date_message_in_latvian(school, client):
    """Staff whose admin is in Latvian read why the filter was refused in Latvian."""
    client.force_login(make_course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}export/csv/", {"enrolled_from": "0001-01-01"})
    assert response.status_code == 400
    assert "Ievadiet datumu no 2000-01-01 līdz " in response.content.decode()


def test_date_filters_accept_the_edges_of_the_range(school, client, monkeypatch):
    """The first accepted day and the day ten years ahead still filter."""
    client.force_login(course_editor(school["course"]))
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 7))
    query = {"enrolled_from": "2000-01-01", "enrolled_to": "2036-12-07"}
    response = client.get(f"{REPORT_URL}export/csv/", query)
    assert response.status_code == 200
    rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 5
    assert client.get(f"{REPORT_URL}summary/", query).status_code == 200


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.lv","y")', "+1", "-2", "@cmd"])
def test_formula_like_names_are_neutralised_in_both_exports(name, client):
    """A name a spreadsheet would run as a formula arrives as plain text."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    enrol(make_user(first_name=name, last_name="", email="x@example.edu"), course)
    client.force_login(course_editor(course))
    csv_rows = read_csv(
        b"".join(client.get(f"{REPORT_URL}export/csv/").streaming_content)
    )
    xlsx_rows = read_xlsx(
        b"".join(client.get(f"{REPORT_URL}export/xlsx/").streaming_content)
    )
    assert csv_rows[1][0] == "'" + name
    assert xlsx_rows[1][0] == "'" + name
    assert neutralise("\tcmd") == "'\tcmd" and neutralise("Anna") == "Anna"


def test_learner_and_staff_of_another_course_get_no_data(school, client):
    """A learner is sent to sign in; staff of another course are refused that
    course, and their own report does not list its learners."""
    other_course, _lessons = make_course_tree(modules=1, lessons=1)
    course = school["course"].pk
    urls = [
        f"{REPORT_URL}?course={course}",
        f"{REPORT_URL}export/csv/?course={course}",
        f"{REPORT_URL}export/xlsx/?course={course}",
        f"{REPORT_URL}matrix/?course={course}",
        f"{REPORT_URL}summary/?course={course}",
        f"{REPORT_URL}competences/?course={course}",
    ]
    client.force_login(school["anna"].user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    client.force_login(course_editor(other_course))
    for url in urls:
        response = client.get(url)
        assert refused(response)
        assert "Bērziņa".encode() not in response.content
    for url in [REPORT_URL, f"{REPORT_URL}export/csv/", f"{REPORT_URL}summary/"]:
        response = client.get(url)
        assert response.status_code == 200
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert "Bērziņa".encode() not in body
        assert b"Ozols" not in body


def test_staff_without_any_course_are_refused(client):
    """Admin access alone shows no reports."""
    group = Group.objects.create(name="Admin only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = make_user()
    user.groups.add(group)
    client.force_login(user)
    assert refused(client.get(REPORT_URL))
    assert refused(client.get(f"{REPORT_URL}export/csv/"))


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


def test_module_matrix_shows_each_modules_state_and_the_funnel(school, client):
    """Done, in progress and not started per module, and a funnel chart with a
    title, a description and every count written out."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}matrix/", {"course": school["course"].pk})
    html = response.content.decode()
    structure = report_matrix.course_structure(school["course"])
    states = report_matrix.module_matrix(
        structure, [school["anna"].pk, school["liga"].pk, school["peteris"].pk]
    )
    assert states[school["anna"].pk] == ["done", "done"]
    assert states[school["liga"].pk] == ["done", "not_started"]
    assert states[school["peteris"].pk] == ["started", "not_started"]
    assert "<svg" in html and "<title" in html and "<desc" in html
    enrolments = Enrolment.objects.filter(course_key=school["course"].translation_key)
    funnel = report_matrix.module_funnel(structure, enrolments)
    assert [count for _label, count in funnel] == [4, 2, 1]


def test_summary_figures_on_a_known_dataset(client):
    """Completion rate counts withdrawals as not completed, and the median days
    to complete is taken over completions only."""
    make_template(is_default=True)
    course, _lessons = make_course_tree(modules=1, lessons=1)
    cohort = make_cohort(course, name="Rudens")
    days = [10, 20, 40, None, None]
    for n, took in enumerate(days):
        enrolment = enrol(make_user(), course, cohort if n < 3 else None)
        completed = at(1) + timedelta(days=took) if took else None
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_at=at(1),
            completed_at=completed,
            status="completed" if took else ("withdrawn" if n == 4 else "active"),
            hours_earned=Decimal(12) if took else Decimal(0),
        )
    summary = report_summary.programme_summary(
        Enrolment.objects.filter(course_key=course.translation_key)
    )
    total = summary.total
    assert (total.enrolled, total.active, total.completed, total.withdrawn) == (
        5,
        1,
        3,
        1,
    )
    assert total.completion_rate == 60.0
    assert total.median_days == 20.0
    assert total.hours_delivered == Decimal(36)
    assert (summary.learners, summary.teachers) == (5, 3)
    rudens = next(row for row in summary.cohorts if row.label == "Rudens")
    assert (rudens.completed, rudens.completion_rate, rudens.median_days) == (
        3,
        100.0,
        20.0,
    )
    client.force_login(course_editor(course))
    html = client.get(f"{REPORT_URL}summary/").content.decode()
    assert "60.0 %" in html and "20.0" in html and "<svg" in html


def test_summary_counts_certificates_through_the_extension_point(school):
    """Certificates issued and revoked appear among the summary's figures."""
    summary = report_summary.programme_summary(
        Enrolment.objects.filter(course_key=school["course"].translation_key)
    )
    assert summary.total.figures == {
        "certificates_issued": 1,
        "certificates_revoked": 0,
    }
    liga = school["liga"]
    issue_certificate(liga, how=Certificate.How.MANUAL, reason="Test")
    Certificate.objects.filter(enrolment=liga).update(status="revoked")
    summary = report_summary.programme_summary(Enrolment.objects.all())
    assert summary.total.figures == {
        "certificates_issued": 1,
        "certificates_revoked": 1,
    }


def test_competence_report_shows_highest_accepted_level(school, client):
    """Each learner's highest level from accepted submissions, counted per level."""
    from courses.models import (
        AssessedCompetence,
        Competence,
        Framework,
        FrameworkLevel,
    )

    framework = Framework.objects.create(code="DigCompEdu", name="DigCompEdu")
    low = FrameworkLevel.objects.create(
        framework=framework, code="A2", name="Explorer", sort_order=2
    )
    high = FrameworkLevel.objects.create(
        framework=framework, code="B1", name="Integrator", sort_order=3
    )
    competence = Competence.objects.create(
        framework=framework, code="2.1", name="Selecting digital resources"
    )
    for enrolment, level, status in (
        (school["liga"], low, "accepted"),
        (school["liga"], high, "accepted"),
        (school["anna"], low, "accepted"),
        (school["peteris"], high, "returned"),
    ):
        submission = AssignmentSubmission.objects.create(
            enrolment=enrolment, assignment_key=uuid.uuid4(), status=status
        )
        AssessedCompetence.objects.create(
            submission=submission, competence=competence, level=level
        )
    rows = {
        row.pk: row
        for row in report_competences.competence_page(Enrolment.objects.order_by("pk"))
    }
    assert rows[school["liga"].pk].levels == {competence.pk: "B1"}
    assert rows[school["anna"].pk].levels == {competence.pk: "A2"}
    assert rows[school["peteris"].pk].levels == {}
    client.force_login(course_editor(school["course"]))
    html = client.get(f"{REPORT_URL}competences/").content.decode()
    assert "DigCompEdu 2.1" in html
    assert "A2: 1; B1: 1" in html


def test_export_progress_command_writes_csv_and_xlsx(school, tmp_path):
    """The command prints the course's CSV or writes an XLSX file."""
    out = io.StringIO()
    call_command("export_progress", "--course", school["course"].pk, stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [
        "Anna Bērziņa",
        "Līga Kalniņa",
        "Pēteris Ozols",
        "Inga Zariņa",
    ]
    target = tmp_path / "progress.xlsx"
    call_command(
        "export_progress",
        "--course",
        str(school["course"].pk),
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    assert [row[0] for row in read_xlsx(target.read_bytes())[1:]][:2] == [
        "Anna Bērziņa",
        "Līga Kalniņa",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--course", "abc"], "page id"),
        (["--course", "999999"], "no course"),
        (["--course", "1", "--output", "/no/such/folder/x.csv"], None),
    ],
)
def test_export_progress_command_explains_bad_input(school, args, message):
    """A wrong course or output folder is a clear error, not a traceback."""
    if message is None:
        args[1] = str(school["course"].pk)
    with pytest.raises(CommandError) as error:
        call_command("export_progress", *args, stdout=io.StringIO())
    assert message is None or message in str(error.value)


def test_streamed_exports_read_rows_in_chunks(school, monkeypatch):
    """The exports read the rows lazily, so a large course does not sit in
    memory at once."""
    monkeypatch.setattr(report_rows, "CHUNK_SIZE", 2)
    rows = report_rows.report_rows(
        Enrolment.objects.filter(course_key=school["course"].translation_key)
    )
    chunks = csv_chunks(rows)
    next(chunks), next(chunks)
    assert len(read_csv(b"\xef\xbb\xbf" + b"".join(chunks))) == 4
    body = b"".join(
        xlsx_chunks(
            report_rows.report_rows(
                Enrolment.objects.filter(course_key=school["course"].translation_key)
            )
        )
    )
    assert len(read_xlsx(body)) == 5


def test_home_summary_shows_figures_and_links(school, client):
    """The admin home's site summary (Wagtail's own list) shows the course team's
    headline figures, each a link to its report."""
    client.force_login(course_editor(school["course"]))
    html = client.get("/admin/").content.decode()
    summary = html[html.index('class="w-summary__list"') :]
    summary = summary[: summary.index("</ul>")]
    progress, report = reverse("reports:progress"), reverse("reports:summary")
    assert f'<a href="{progress}">1 active course</a>' in summary
    assert f'<a href="{progress}">3 learners</a>' in summary  # still enrolled
    assert f'<a href="{report}">Certificates issued: 1</a>' in summary
    assert "course-reports" not in html  # no home-made panel besides


def test_reach_by_municipality_counts_each_teacher_once(client):
    """Teachers reached, completions and hours per municipality of the school; a
    teacher in two courses counts once; those who gave none are "Not given"."""
    first, _l = make_course_tree(modules=1, lessons=1, title="Robotics")
    second, _l = make_course_tree(modules=1, lessons=1, title="Biology")
    people = {}
    for name, municipality in (
        ("ilze", "ogre"),
        ("juris", "ogre"),
        ("liene", "riga"),
        ("maris", ""),
    ):
        people[name] = make_user(username=name)
        if municipality:
            LearnerProfile.objects.create(user=people[name], municipality=municipality)
    for name, course, hours in (
        ("ilze", first, 12),
        ("ilze", second, 8),
        ("juris", first, 0),
        ("liene", second, 8),
        ("maris", first, 12),
    ):
        enrolment = enrol(people[name], course)
        if hours:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status="completed", completed_at=at(2), hours_earned=Decimal(hours)
            )
    rows = report_summary.reach_by_municipality(Enrolment.objects.all())
    assert [
        (row.label, row.teachers, row.completed, row.hours_delivered) for row in rows
    ] == [
        ("Ogres novads", 2, 1, Decimal(20)),
        ("Rīga", 1, 1, Decimal(8)),
        ("Not given", 1, 1, Decimal(12)),
    ]
    client.force_login(course_editor(first))
    html = client.get(f"{REPORT_URL}summary/").content.decode()
    table = html[html.index('id="municipality-summary"') :]
    # Staff of Robotics see its teachers only: not Liene, who took Biology.
    assert '<th scope="row">Ogres novads</th><td>2</td><td>1</td><td>12</td>' in table
    assert '<th scope="row">Not given</th><td>1</td><td>1</td><td>12</td>' in table
    assert "Rīga" not in table
