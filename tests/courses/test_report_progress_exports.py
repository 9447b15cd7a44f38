"""The progress report as CSV and XLSX: the same rows in both, the filters
followed, cells a spreadsheet would misread made safe, the ``export_progress``
command, and rows read in chunks."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from courses.enrolment.enrolling import enrol
from courses.models import (
    Enrolment,
)
from courses.reports import rows as report_rows
from courses.reports.exports import csv_chunks, neutralise, xlsx_chunks
from tests.courses.report_world import (
    REPORT_URL,
    as_text,
    course_editor,
    read_csv,
    read_xlsx,
)
from tests.factories import (
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db


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
