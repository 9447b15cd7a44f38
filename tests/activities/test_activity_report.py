"""The e-learning results report: each learner's best attempt at each package of a
course, for the course's staff and its cohorts' tutors, on the page and as CSV and
XLSX downloads."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.activities.models import Activity, ActivityAttempt, Package
from courses.enrolment.enrolling import enrol
from courses.models import LessonPage
from tests.activities.runtime_world import commit, make_package, package_world
from tests.courses.report_world import course_editor, read_csv, read_xlsx
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_lesson,
    make_module,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db


def attempt(enrolment, activity, number, **kwargs) -> ActivityAttempt:
    return ActivityAttempt.objects.create(
        enrolment=enrolment,
        activity=activity,
        package=activity.package,
        number=number,
        **kwargs,
    )


@pytest.fixture
def elearning():
    """A course of two modules, each with a package lesson, and three learners.

    Anna (cohort "Rudens") failed the first package, then passed it at 85 % and
    is halfway through the second; Pēteris (cohort "Rudens") completed the
    second by the runtime; Inga (no cohort) never started either.
    """
    world = package_world(rule=Activity.Rule.SCORE, min_score=80)
    course = world.enrolment.course
    second = Activity.objects.create(
        title="Gaismas laboratorija",
        package=make_package(Package.Kind.SCORM_12, "Light"),
    )
    module = make_module(course, title="Gaisma")
    make_lesson(
        module, activity=second, completion_rule=LessonPage.CompletionRule.ACTIVITY
    )
    cohort = make_cohort(course, name="Rudens")
    anna = enrol(make_user(first_name="Anna", last_name="Bērziņa"), course, cohort)
    peteris = enrol(make_user(first_name="Pēteris", last_name="Ozols"), course, cohort)
    inga = world.enrolment  # Jolanta Ūzuliņa by the factory's default
    first = world.activity
    attempt(anna, first, 1, completion="completed", success="failed", score=40)
    attempt(
        anna,
        first,
        2,
        completion="completed",
        success="passed",
        score=Decimal("85.50"),
        met=True,
        total_time=timedelta(minutes=20),
    )
    attempt(anna, second, 1, completion="incomplete", total_time=timedelta(minutes=5))
    runtime = ActivityAttempt.objects.create(
        enrolment=peteris, activity=second, package=second.package
    )
    commit(
        runtime,
        {"cmi.core.lesson_status": "completed", "cmi.core.total_time": "0000:12:30"},
    )
    return {
        "course": course,
        "cohort": cohort,
        "activities": [first, second],
        "anna": anna,
        "peteris": peteris,
        "inga": inga,
    }


def page(client, course, **query) -> str:
    response = client.get(reverse("reports:activities"), {"course": course.pk, **query})
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, name: str) -> list[str]:
    """The text of each cell of the table row naming ``name``."""
    [row] = [row for row in html.split("<tr")[1:] if name in row]
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_each_learner_shows_their_best_attempt_at_each_package(elearning, client):
    """Columns follow the course; a cell holds the best attempt's score and
    status, the attempts made and the rule's mark; "—" before any attempt."""
    client.force_login(course_editor(elearning["course"]))
    html = page(client, elearning["course"])
    assert html.index("Skaņas viļņi") < html.index("Gaismas laboratorija")
    assert row_of(html, "Anna Bērziņa") == [
        "Anna Bērziņa",
        "Rudens",
        "85.5 % Passed ✔ Rule met 2 attempts",
        "Incomplete 1 attempt",
        "25",
    ]
    assert row_of(html, "Pēteris Ozols") == [
        "Pēteris Ozols",
        "Rudens",
        "— Not started",
        "Completed ✔ Rule met 1 attempt",
        "12",
    ]
    assert row_of(html, "Jolanta Ūzuliņa") == [
        "Jolanta Ūzuliņa",
        "",
        "— Not started",
        "— Not started",
        "—",
    ]
    # Latvian name order: Bērziņa, Ozols, Ūzuliņa.
    names = [html.index(n) for n in ("Bērziņa", "Ozols", "Ūzuliņa")]
    assert names == sorted(names)
    assert "activities/export/csv/?course=" in html


def test_the_report_speaks_latvian(elearning, client):
    """Heading, statuses and the count of attempts in a Latvian admin, on the
    page and in the download."""
    client.force_login(make_course_editor(elearning["course"]))
    html = page(client, elearning["course"])
    for text in (
        "E-mācību rezultāti",
        "Nokārtots",
        "2 mēģinājumi",
        "Noteikums izpildīts",
    ):
        assert text in html, text
    rows = download(client, elearning["course"], "csv")
    assert rows[0][2:6] == [
        "Skaņas viļņi: rezultāts (%)",
        "Skaņas viļņi: statuss",
        "Skaņas viļņi: mēģinājumi",
        "Skaņas viļņi: noteikums izpildīts",
    ]
    assert rows[1][3:6] == ["Nokārtots", "2", "Jā"]
    assert rows[2][3] == "Nav sākts"


def test_a_tutor_sees_only_their_cohort(elearning, client):
    """Learners of other cohorts, or none, are not on a tutor's report or download."""
    client.force_login(in_english_admin(make_tutor(elearning["cohort"])))
    html = page(client, elearning["course"])
    assert "Anna Bērziņa" in html and "Pēteris Ozols" in html
    assert "Ūzuliņa" not in html
    rows = download(client, elearning["course"], "csv")
    assert [row[0] for row in rows[1:]] == ["Anna Bērziņa", "Pēteris Ozols"]


def test_staff_of_another_course_are_refused(elearning, client):
    """A course's results are refused to staff of another course, page and files:
    the admin's "no permission" answer, never the learners."""
    other, _lessons = make_course_tree(modules=1, lessons=1)
    client.force_login(course_editor(other))
    query = {"course": elearning["course"].pk}
    for url in (
        reverse("reports:activities"),
        reverse("reports:activities_results"),
        reverse("reports:activities_export", args=["csv"]),
        reverse("reports:activities_export", args=["xlsx"]),
    ):
        response = client.get(url, query)
        # Wagtail's refusal inside the admin: back to its home, with a message.
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home")
        assert "Bērziņa".encode() not in response.content


def download(client, course, fmt: str, **query) -> list[list]:
    response = client.get(
        reverse("reports:activities_export", args=[fmt]), {"course": course.pk, **query}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return read_csv(body) if fmt == "csv" else read_xlsx(body)


HEADINGS = [
    "Learner",
    "Cohort",
    "Skaņas viļņi: score (%)",
    "Skaņas viļņi: status",
    "Skaņas viļņi: attempts",
    "Skaņas viļņi: rule met",
    "Gaismas laboratorija: score (%)",
    "Gaismas laboratorija: status",
    "Gaismas laboratorija: attempts",
    "Gaismas laboratorija: rule met",
    "Time in packages (min)",
]


def test_the_csv_has_score_status_and_attempts_per_package(elearning, client):
    client.force_login(course_editor(elearning["course"]))
    rows = download(client, elearning["course"], "csv")
    first = ["85.50", "Passed", "2", "Yes"]
    never = ["", "Not started", "0", "No"]
    assert rows == [
        HEADINGS,
        ["Anna Bērziņa", "Rudens", *first, "", "Incomplete", "1", "No", "25"],
        ["Pēteris Ozols", "Rudens", *never, "", "Completed", "1", "Yes", "12"],
        ["Jolanta Ūzuliņa", "", *never, *never, ""],
    ]
    filtered = download(client, elearning["course"], "csv", search="Ozol")
    assert [row[0] for row in filtered[1:]] == ["Pēteris Ozols"]


def test_the_xlsx_holds_numbers_where_the_csv_has_figures(elearning, client):
    """Opened with openpyxl: scores, attempts and minutes are numbers."""
    client.force_login(course_editor(elearning["course"]))
    rows = download(client, elearning["course"], "xlsx")
    assert rows[0] == HEADINGS
    assert rows[1] == [
        "Anna Bērziņa",
        "Rudens",
        85.5,
        "Passed",
        2,
        "Yes",
        None,
        "Incomplete",
        1,
        "No",
        25,
    ]
    assert rows[3][2:6] == [None, "Not started", 0, "No"]


def test_a_course_without_packages_says_so(client):
    """No package lesson: a word on where results will come from, and the report
    is in the navigation of the other reports."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    enrol(make_user(last_name="Liepa"), course)
    client.force_login(course_editor(course))
    html = page(client, course)
    assert "This course has no lessons with an e-learning package yet" in html
    assert "Liepa" not in html
    matrix = client.get(reverse("reports:matrix"), {"course": course.pk})
    assert "E-learning results" in matrix.content.decode()
    assert download(client, course, "csv") == [
        ["Learner", "Cohort", "Time in packages (min)"]
    ]


def test_a_page_costs_the_same_queries_however_many_learners_and_attempts(
    elearning, client, django_assert_num_queries
):
    """One query reads a page's rows and their attempts, whatever their number."""
    course = elearning["course"]
    client.force_login(course_editor(course))
    page(client, course)  # the session and caches are warm after this
    with django_assert_num_queries(QUERIES):
        page(client, course)
    first, second = elearning["activities"]
    for n in range(12):
        enrolment = enrol(make_user(last_name=f"Learner {n:02}"), course)
        for number in (1, 2, 3):
            attempt(enrolment, first, number, score=10 * number)
        attempt(enrolment, second, 1, completion="completed", met=True)
    with django_assert_num_queries(QUERIES):
        html = page(client, course)
    assert row_of(html, "Learner 11")[2] == "30 % Started 3 attempts"


#: The page: session and user, the course checks and choice, the outline (three),
#: the activities, the count, the page's ids, and its rows in one query.
QUERIES = 25


def test_a_launch_the_package_never_reported_in_is_not_an_attempt():
    """Opening the lesson again after a finished attempt begins another, which
    counts once the package reports; until then the learner made one attempt."""
    from decimal import Decimal

    from courses.reports.activities import Status, best_cell

    cell = best_cell(
        [
            (1, "completed", "failed", Decimal(80), False),
            (2, "unknown", "unknown", None, False),
        ]
    )
    assert (cell.status, cell.score, cell.attempts) == (Status.FAILED, 80, 1)
    only_opened = best_cell([(1, "unknown", "unknown", None, False)])
    assert (only_opened.status, only_opened.attempts) == (Status.STARTED, 1)
