"""Every report downloads as CSV and XLSX: the module matrix, the competence report
and the cohort summary, with the page's filters and the formula guard; the
progress report pages through ids in a stable order."""

import pytest

from courses.models import ModuleCompetence
from courses.reports.listing import ReportListingView
from tests.courses.report_world import (
    REPORT_URL,
    as_text,
    course_editor,
    read_csv,
    read_xlsx,
    refused,
)
from tests.factories import make_course_tree

pytestmark = pytest.mark.django_db


def download(client, path: str, fmt: str, **query) -> list[list]:
    response = client.get(f"{REPORT_URL}{path}export/{fmt}/", query)
    assert response.status_code == 200, response.content
    assert response.streaming
    body = b"".join(response.streaming_content)
    return read_csv(body) if fmt == "csv" else read_xlsx(body)


def both(client, path: str, **query) -> list[list[str]]:
    """The CSV's rows, after checking the XLSX holds the same cells."""
    csv_rows = download(client, path, "csv", **query)
    xlsx_rows = download(client, path, "xlsx", **query)
    assert [[as_text(v) for v in row] for row in xlsx_rows] == [
        [as_text(v) for v in row] for row in csv_rows
    ]
    return csv_rows


def test_module_matrix_downloads_with_each_learners_modules(school, client):
    course = school["course"]
    client.force_login(course_editor(course))
    rows = both(client, "matrix/", course=course.pk)
    modules = [m.title for m in course.get_children().specific()]
    assert rows[0] == ["Learner", "Cohort", *modules]
    assert rows[1:] == [
        ["Anna Bērziņa", "Pavasaris 2026", "Done", "Done"],
        ["Līga Kalniņa", "Pavasaris 2026", "Done", "Not started"],
        ["Pēteris Ozols", "", "In progress", "Not started"],
        ["Inga Zariņa", "", "Not started", "Not started"],
    ]
    filtered = both(client, "matrix/", course=course.pk, search="Kalni")
    assert [row[0] for row in filtered[1:]] == ["Līga Kalniņa"]


def test_competence_report_downloads_with_its_competences(school, client):
    from courses.competences.frameworks import load_frameworks
    from courses.models import Competence

    load_frameworks()
    competence = Competence.objects.select_related("framework").first()
    module = school["course"].get_children().first().specific
    ModuleCompetence.objects.create(module=module, competence=competence)
    client.force_login(course_editor(school["course"]))
    rows = both(client, "competences/", course=school["course"].pk)
    assert rows[0] == [
        "Learner",
        "Cohort",
        f"{competence.framework.code} {competence.code}",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Anna Bērziņa",
        "Līga Kalniņa",
        "Pēteris Ozols",
        "Inga Zariņa",
    ]


def test_cohort_summary_downloads_per_course_cohort_and_programme(school, client):
    course = school["course"]
    client.force_login(course_editor(course))
    rows = both(client, "summary/", course=course.pk)
    assert rows[0][:6] == [
        "Course",
        "Cohort",
        "Enrolled",
        "Active",
        "Completed",
        "Withdrawn",
    ]
    by_cohort = {(row[0], row[1]): row[2:6] for row in rows[1:]}
    assert by_cohort[course.title, ""] == ["4", "2", "1", "1"]
    assert by_cohort[course.title, "Pavasaris 2026"] == ["2", "1", "1", "0"]
    assert by_cohort["Programme", ""] == ["4", "2", "1", "1"]


def test_report_pages_offer_both_downloads_with_their_filters(school, client):
    course = school["course"]
    client.force_login(course_editor(course))
    for path in ("", "matrix/", "competences/", "summary/"):
        html = client.get(f"{REPORT_URL}{path}", {"course": course.pk}).content
        export = f"{REPORT_URL}{path}export/" if path else f"{REPORT_URL}export/"
        for fmt in ("csv", "xlsx"):
            assert f'href="{export}{fmt}/?course={course.pk}"' in html.decode()


def test_formula_like_cohort_names_are_neutralised_in_report_downloads(school, client):
    school["cohort"].name = '=HYPERLINK("http://x.lv","y")'
    school["cohort"].save()
    client.force_login(course_editor(school["course"]))
    for path in ("matrix/", "summary/"):
        for fmt in ("csv", "xlsx"):
            rows = download(client, path, fmt, course=school["course"].pk)
            cells = [cell for row in rows for cell in row]
            assert "'" + school["cohort"].name in cells
            assert school["cohort"].name not in cells


def test_report_downloads_refuse_other_courses_and_bad_filters(school, client):
    other, _lessons = make_course_tree(modules=1, lessons=1)
    client.force_login(course_editor(other))
    for path in ("matrix/", "competences/", "summary/"):
        url = f"{REPORT_URL}{path}export/csv/"
        assert refused(client.get(url, {"course": school["course"].pk}))
        bad = client.get(url, {"enrolled_from": "0001-01-01"})
        assert bad.status_code == 400
        assert client.get(f"{REPORT_URL}{path}export/pdf/").status_code == 404


def test_progress_report_pages_keep_their_order_to_the_last_page(
    school, client, monkeypatch
):
    """Paged through ids: every learner once, in the report's order, the last
    page included, whichever column it is sorted by."""
    monkeypatch.setattr(ReportListingView, "paginate_by", 3)
    client.force_login(course_editor(school["course"]))
    names = ["Anna Bērziņa", "Līga Kalniņa", "Pēteris Ozols", "Inga Zariņa"]

    def shown(page: int, **query) -> list[str]:
        html = client.get(REPORT_URL, {"p": page, **query}).content.decode()
        return [name for name in names if name in html]

    assert shown(1) == names[:3] and shown(2) == names[3:]
    by_percent = shown(1, ordering="-percent") + shown(2, ordering="-percent")
    assert sorted(by_percent) == sorted(names) and by_percent[0] == "Anna Bērziņa"
