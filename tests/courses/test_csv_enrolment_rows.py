"""Enrolling from a CSV file, row by row: who is created, found, re-enrolled or
refused and why, what a file with no good row or a dry run changes (nothing)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from courses.enrolment.csv_import import Outcome, enrol_from_csv
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import Enrolment, EnrolmentEvent
from tests.courses.csv_enrolment_world import csv_bytes
from tests.factories import make_cohort, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_at_testserver")]

User = get_user_model()


def outcomes(report):
    return [(row.line, row.email, row.outcome, row.reason) for row in report.rows]


def test_mixed_file_enrols_the_good_rows_and_explains_the_rest(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """An Excel file (BOM, semicolons, Latvian letters) enrols valid rows and
    refuses broken ones with a reason each."""
    cohort = make_cohort(csv_course, name="Pavasaris 2026")
    data = csv_bytes(
        "E-pasts;Vārds;Uzvārds;Grupa",
        "jolanta.uzulina@skola.lv;Jolanta;Ūzuliņa;pavasaris 2026",
        " Andris.Kenins@Skola.lv ; Andris ; Ķēniņš ;",
        "not-an-email;Anna;Bērziņa;",
        "JOLANTA.UZULINA@skola.lv;Jolanta;Ūzuliņa;",
        "ilze@skola.lv;Ilze;Ozola;Rudens 1999",
        "maris@skola.lv",
        "",
        "liga@skola.lv;Līga;Kalniņa;;Rīga",
        bom=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, csv_course, enroller)

    assert outcomes(report) == [
        (2, "jolanta.uzulina@skola.lv", Outcome.CREATED, ""),
        (3, "Andris.Kenins@Skola.lv", Outcome.CREATED, ""),
        (4, "not-an-email", Outcome.REFUSED, "Not a valid e-mail address"),
        (5, "JOLANTA.UZULINA@skola.lv", Outcome.REFUSED, "Duplicate of line 2"),
        (6, "ilze@skola.lv", Outcome.REFUSED, "Unknown cohort “Rudens 1999”"),
        (
            7,
            "maris@skola.lv",
            Outcome.REFUSED,
            "A new account needs a first name and a last name.",
        ),
        (
            9,
            "liga@skola.lv",
            Outcome.REFUSED,
            "This row has more values than the header has columns.",
        ),
    ]
    assert (report.created, report.refused, report.total) == (2, 5, 7)

    jolanta = User.objects.get(username="jolanta.uzulina@skola.lv")
    assert (jolanta.first_name, jolanta.last_name) == ("Jolanta", "Ūzuliņa")
    assert not jolanta.has_usable_password()
    andris = User.objects.get(username="andris.kenins@skola.lv")
    assert (andris.email, andris.last_name) == ("Andris.Kenins@skola.lv", "Ķēniņš")
    enrolments = Enrolment.objects.filter(course_key=csv_course.translation_key)
    assert {(e.user.username, e.cohort) for e in enrolments} == {
        ("jolanta.uzulina@skola.lv", cohort),
        ("andris.kenins@skola.lv", None),
    }
    event = EnrolmentEvent.objects.get(enrolment__user=jolanta)
    assert (event.kind, event.actor, event.note) == (
        EnrolmentEvent.Kind.ENROLLED,
        enroller,
        "CSV",
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Andris.Kenins@skola.lv",
        "jolanta.uzulina@skola.lv",
    ]
    assert not User.objects.filter(email__in=["not-an-email", "maris@skola.lv"])


def test_comma_file_with_english_headers_any_case_and_extra_columns(
    csv_course, enroller
):
    """A comma-separated file with English headers in any case is read, ignoring
    columns it does not know and blank lines."""
    data = csv_bytes(
        "Phone,LAST_NAME,First Name,EMAIL",
        "",
        "+371 2000000,Kalniņa,Līga,liga@skola.lv",
        "  ",
        "+371 2000001,Ozola,Ilze,ilze@skola.lv",
        delimiter=",",
    )
    report = enrol_from_csv(data, csv_course, enroller)

    assert outcomes(report) == [
        (3, "liga@skola.lv", Outcome.CREATED, ""),
        (5, "ilze@skola.lv", Outcome.CREATED, ""),
    ]
    liga = User.objects.get(email="liga@skola.lv")
    assert (liga.first_name, liga.last_name) == ("Līga", "Kalniņa")


def test_existing_accounts_are_found_by_email_and_enrolled_once(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """A known learner is enrolled without a new account and told so by e-mail;
    one already enrolled is refused."""
    known = make_user(email="Daina.Liepa@skola.lv", first_name="Daina")
    busy = make_user(email="busy@skola.lv")
    enrol(busy, csv_course)
    users_before = User.objects.count()

    data = csv_bytes(
        "email;first name;last name",
        "daina.liepa@SKOLA.lv;;",
        "busy@skola.lv;Busy;Learner",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, csv_course, enroller)

    assert outcomes(report) == [
        (2, "daina.liepa@SKOLA.lv", Outcome.ENROLLED, ""),
        (3, "busy@skola.lv", Outcome.REFUSED, "Already enrolled"),
    ]
    assert User.objects.count() == users_before
    assert Enrolment.objects.filter(user=known, course=csv_course).exists()
    assert Enrolment.objects.filter(user=busy).count() == 1
    [message] = mail.outbox
    assert message.to == ["Daina.Liepa@skola.lv"]
    assert "Pētnieciskā mācīšanās" in message.subject
    # A greeting right for every name: no nominative "Labdien, Daina!".
    assert message.body.startswith("Labdien!\n")
    assert "/accounts/password/set/" not in message.body
    assert "/accounts/login/" in message.body


CONTROL_REFUSAL = (
    "Names cannot contain control characters or invisible formatting marks "
    "(such as a tab, a line break or a text direction mark)."
)


def test_rows_whose_names_hold_control_characters_are_refused(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """A NUL, a tab or line break inside a quoted name, or a direction mark refuses
    that row with a message naming the column; nothing of it is created or
    enrolled, even for a known account, and the good rows still go in."""
    known = make_user(email="daina@skola.lv", first_name="Daina")
    data = csv_bytes(
        "email;first name;last name",
        "jolanta@skola.lv;Jolanta;Ūzuliņa",
        "nul@skola.lv;An\x00na;Ābele",
        'tab@skola.lv;"Jo\tlanta";Ozola',
        'line@skola.lv;Ilze;"Ozola\nBērziņa"',
        "bidi@skola.lv;Līga;\u202eaņiļaK",
        "daina@skola.lv;Da\x07ina;Liepa",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, csv_course, enroller)

    first, last = f"First name: {CONTROL_REFUSAL}", f"Last name: {CONTROL_REFUSAL}"
    assert outcomes(report) == [
        (2, "jolanta@skola.lv", Outcome.CREATED, ""),
        (3, "nul@skola.lv", Outcome.REFUSED, first),
        (4, "tab@skola.lv", Outcome.REFUSED, first),
        (5, "line@skola.lv", Outcome.REFUSED, last),
        (7, "bidi@skola.lv", Outcome.REFUSED, last),
        (8, "daina@skola.lv", Outcome.REFUSED, first),
    ]
    assert set(User.objects.values_list("email", flat=True)) == {
        "jolanta@skola.lv",
        "daina@skola.lv",
        enroller.email,
    }
    assert [e.user.email for e in Enrolment.objects.all()] == ["jolanta@skola.lv"]
    assert not Enrolment.objects.filter(user=known).exists()
    assert [m.to for m in mail.outbox] == [["jolanta@skola.lv"]]


def test_withdrawn_learner_is_reenrolled_with_history_kept(csv_course, enroller):
    """A withdrawn learner in the file is re-enrolled into the named cohort, and
    the enrolment keeps its earlier events."""
    cohort = make_cohort(csv_course, name="Rudens")
    learner = make_user(email="atkal@skola.lv")
    withdraw(enrol(learner, csv_course), note="left")

    report = enrol_from_csv(
        csv_bytes("email;cohort", "atkal@skola.lv;Rudens"), csv_course, enroller
    )

    assert outcomes(report) == [(2, "atkal@skola.lv", Outcome.REENROLLED, "")]
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.status, enrolment.cohort) == (Enrolment.Status.ACTIVE, cohort)
    assert [(e.kind, e.note) for e in enrolment.events.all()] == [
        (EnrolmentEvent.Kind.ENROLLED, ""),
        (EnrolmentEvent.Kind.WITHDRAWN, "left"),
        (EnrolmentEvent.Kind.REENROLLED, "CSV"),
    ]


def test_full_or_closed_cohort_refuses_the_rows_beyond_it(csv_course, enroller):
    """Rows beyond a cohort's capacity, counting the file itself, and rows for a
    closed cohort are refused."""
    make_cohort(csv_course, name="Maza", capacity=1)
    make_cohort(
        csv_course,
        name="Slēgta",
        enrolment_closes_at=timezone.now() - timedelta(days=1),
    )
    data = csv_bytes(
        "email;vārds;uzvārds;grupa",
        "a@skola.lv;Anna;Ābele;Maza",
        "b@skola.lv;Bruno;Bērziņš;Maza",
        "c@skola.lv;Cilda;Cīrule;Slēgta",
    )
    report = enrol_from_csv(data, csv_course, enroller)

    assert outcomes(report) == [
        (2, "a@skola.lv", Outcome.CREATED, ""),
        (3, "b@skola.lv", Outcome.REFUSED, "Maza is full."),
        (4, "c@skola.lv", Outcome.REFUSED, "Enrolment for Slēgta is closed."),
    ]
    assert list(User.objects.filter(email__endswith="@skola.lv")) == [
        User.objects.get(email="a@skola.lv")
    ]


def test_file_without_valid_rows_changes_nothing(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """When every row is refused, no account, enrolment or e-mail is made."""
    enrol(make_user(email="jau@skola.lv"), csv_course)
    users, enrolments = User.objects.count(), Enrolment.objects.count()
    data = csv_bytes(
        "e-pasts;vārds;uzvārds;grupa",
        "nav-epasts;Anna;Ābele;",
        "jau@skola.lv;Jānis;Jau;",
        "jauns@skola.lv;Jauns;Cilvēks;Nezināma",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = enrol_from_csv(data, csv_course, enroller)

    assert report.refused == 3
    assert (User.objects.count(), Enrolment.objects.count()) == (users, enrolments)
    assert mail.outbox == []
    assert callbacks == []


def test_dry_run_reports_what_would_happen_and_changes_nothing(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """A dry run gives the same per-row outcomes but writes and sends nothing."""
    withdrawn = make_user(email="prom@skola.lv")
    withdraw(enrol(withdrawn, csv_course))
    users, events = User.objects.count(), EnrolmentEvent.objects.count()
    data = csv_bytes(
        "email;first name;last name",
        "jauna@skola.lv;Jolanta;Ūzuliņa",
        "prom@skola.lv;;",
        "slikts",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, csv_course, enroller, dry_run=True)

    assert report.dry_run
    assert [row.outcome for row in report.rows] == [
        Outcome.CREATED,
        Outcome.REENROLLED,
        Outcome.REFUSED,
    ]
    assert (User.objects.count(), EnrolmentEvent.objects.count()) == (users, events)
    assert Enrolment.objects.get(user=withdrawn).status == Enrolment.Status.WITHDRAWN
    assert mail.outbox == []
