"""Date filters on every report page and download: refused outside the accepted
range with a message in the reader's language, accepted at its edges."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.courses.report_world import (
    REPORT_URL,
    course_editor,
    read_csv,
)
from tests.factories import (
    make_course_editor,
)

pytestmark = pytest.mark.django_db


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
