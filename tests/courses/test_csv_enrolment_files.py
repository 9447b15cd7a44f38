"""Whole CSV files refused before any row is read (empty, not UTF-8, too big,
no e-mail column), and the ``enrol_csv`` command that enrols from a file."""

import pytest
from django.core.management import CommandError, call_command

from courses.enrolment.csv_reading import CsvEnrolmentError, read_csv
from courses.models import Enrolment, EnrolmentEvent
from tests.courses.csv_enrolment_world import csv_bytes
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_at_testserver")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        ("email;vārds\nanna@skola.lv;Anna".encode("cp1257"), "not UTF-8"),
        (b"name;surname\nAnna;Abele\n", "no e-mail column"),
        (b"email;e-pasts\na@b.lv;a@b.lv\n", "appears twice"),
        (b"email\n\n\n", "no learners below the header"),
        (b"email\n" + b"x" * (2 * 1024 * 1024), "larger than 2 MB"),
        (
            b"email\n" + b"".join(b"l%d@skola.lv\n" % i for i in range(5001)),
            "more than 5,000 rows",
        ),
    ],
    ids=["empty", "not-utf8", "no-email", "twice", "no-rows", "large", "many"],
)
def test_unusable_files_are_refused_with_a_reason(data, message):
    """A file that is empty, not UTF-8, too big or without an e-mail column is
    refused as a whole with a message saying why."""
    with pytest.raises(CsvEnrolmentError, match=message):
        read_csv(data)


def test_text_file_with_five_thousand_rows_is_accepted(tmp_path):
    """A text file of exactly 5,000 rows is within the limit."""
    path = tmp_path / "learners.csv"
    path.write_text(
        "email\n" + "".join(f"l{i}@skola.lv\n" for i in range(5000)), encoding="utf-8"
    )
    with path.open(encoding="utf-8") as file:
        assert len(read_csv(file)) == 5000


# The command ------------------------------------------------------------------


def test_command_prints_the_report_and_totals(csv_course, tmp_path, capsys):
    """``enrol_csv`` prints one line per row and the totals."""
    path = tmp_path / "learners.csv"
    path.write_bytes(
        csv_bytes(
            "e-pasts;vārds;uzvārds", "jolanta@skola.lv;Jolanta;Ūzuliņa", "slikts;X;Y"
        )
    )
    make_user(username="metodike")

    call_command("enrol_csv", str(path), course=csv_course.pk, actor="metodike")

    output = capsys.readouterr().out
    assert "jolanta@skola.lv  Account created and enrolled" in output
    assert "slikts  Refused: Not a valid e-mail address" in output
    assert "Account created and enrolled: 1" in output
    assert "Refused: 1" in output
    event = EnrolmentEvent.objects.get()
    assert event.actor.username == "metodike"


def test_command_dry_run_changes_nothing(csv_course, tmp_path, capsys):
    """``enrol_csv --dry-run`` reports and says nothing was changed."""
    path = tmp_path / "learners.csv"
    path.write_bytes(csv_bytes("email;first name;last name", "a@skola.lv;Anna;Ābele"))

    call_command("enrol_csv", str(path), course=csv_course.pk, dry_run=True)

    assert "Dry run, nothing was changed." in capsys.readouterr().out
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--course", "999999"], "no course with ID 999999"),
        (["missing.csv", "--course", "{course}"], "Cannot read missing.csv"),
        (["{bad}", "--course", "{course}"], "no e-mail column"),
        (["{good}", "--course", "{course}", "--actor", "nobody"], "no user “nobody”"),
    ],
    ids=["bad-course", "missing-file", "bad-csv", "bad-actor"],
)
def test_command_errors_cleanly(csv_course, tmp_path, args, message):
    """Bad input ends the command with a CommandError that says what is wrong."""
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(b"name\nAnna\n")
    good.write_bytes(b"email\na@skola.lv\n")
    args = [
        a.format(course=csv_course.pk, bad=bad, good=good) if "{" in a else a
        for a in args
    ]
    with pytest.raises(CommandError, match=message):
        call_command("enrol_csv", *args)
    assert not Enrolment.objects.exists()
