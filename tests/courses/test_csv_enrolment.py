import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.enrolment.csv_import import Outcome, enrol_from_csv
from courses.enrolment.csv_reading import CsvEnrolmentError, read_csv
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import Enrolment, EnrolmentEvent
from courses.roles import ensure_course_authors_group
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course,
    make_programme_admin,
    make_user,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
UPLOAD_URL = "/admin/learners/enrol-from-csv/"
LISTING_URL = "/admin/learners/enrolments/"


@pytest.fixture(autouse=True)
def _base_url(settings):
    """Links in e-mails point at the test server, so the test client can follow them."""
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"


@pytest.fixture
def course():
    return make_course(title="Pētnieciskā mācīšanās")


@pytest.fixture
def author():
    """A programme administrator: who enrols learners."""
    return in_english_admin(make_programme_admin(username="metodike"))


def staff(group: Group, **kwargs):
    user = make_user(**kwargs)
    user.groups.add(group)
    return in_english_admin(user)


def csv_bytes(*lines: str, delimiter: str = ";", bom: bool = False) -> bytes:
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


def outcomes(report):
    return [(row.line, row.email, row.outcome, row.reason) for row in report.rows]


def test_mixed_file_enrols_the_good_rows_and_explains_the_rest(
    course, author, django_capture_on_commit_callbacks
):
    """An Excel file (BOM, semicolons, Latvian letters) enrols valid rows and
    refuses broken ones with a reason each."""
    cohort = make_cohort(course, name="Pavasaris 2026")
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
        report = enrol_from_csv(data, course, author)

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
    enrolments = Enrolment.objects.filter(course_key=course.translation_key)
    assert {(e.user.username, e.cohort) for e in enrolments} == {
        ("jolanta.uzulina@skola.lv", cohort),
        ("andris.kenins@skola.lv", None),
    }
    event = EnrolmentEvent.objects.get(enrolment__user=jolanta)
    assert (event.kind, event.actor, event.note) == (
        EnrolmentEvent.Kind.ENROLLED,
        author,
        "CSV",
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Andris.Kenins@skola.lv",
        "jolanta.uzulina@skola.lv",
    ]
    assert not User.objects.filter(email__in=["not-an-email", "maris@skola.lv"])


def test_comma_file_with_english_headers_any_case_and_extra_columns(course, author):
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
    report = enrol_from_csv(data, course, author)

    assert outcomes(report) == [
        (3, "liga@skola.lv", Outcome.CREATED, ""),
        (5, "ilze@skola.lv", Outcome.CREATED, ""),
    ]
    liga = User.objects.get(email="liga@skola.lv")
    assert (liga.first_name, liga.last_name) == ("Līga", "Kalniņa")


def test_existing_accounts_are_found_by_email_and_enrolled_once(
    course, author, django_capture_on_commit_callbacks
):
    """A known learner is enrolled without a new account and told so by e-mail;
    one already enrolled is refused."""
    known = make_user(email="Daina.Liepa@skola.lv", first_name="Daina")
    busy = make_user(email="busy@skola.lv")
    enrol(busy, course)
    users_before = User.objects.count()

    data = csv_bytes(
        "email;first name;last name",
        "daina.liepa@SKOLA.lv;;",
        "busy@skola.lv;Busy;Learner",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, course, author)

    assert outcomes(report) == [
        (2, "daina.liepa@SKOLA.lv", Outcome.ENROLLED, ""),
        (3, "busy@skola.lv", Outcome.REFUSED, "Already enrolled"),
    ]
    assert User.objects.count() == users_before
    assert Enrolment.objects.filter(user=known, course=course).exists()
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
    course, author, django_capture_on_commit_callbacks
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
        report = enrol_from_csv(data, course, author)

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
        author.email,
    }
    assert [e.user.email for e in Enrolment.objects.all()] == ["jolanta@skola.lv"]
    assert not Enrolment.objects.filter(user=known).exists()
    assert [m.to for m in mail.outbox] == [["jolanta@skola.lv"]]


def test_withdrawn_learner_is_reenrolled_with_history_kept(course, author):
    """A withdrawn learner in the file is re-enrolled into the named cohort, and
    the enrolment keeps its earlier events."""
    cohort = make_cohort(course, name="Rudens")
    learner = make_user(email="atkal@skola.lv")
    withdraw(enrol(learner, course), note="left")

    report = enrol_from_csv(
        csv_bytes("email;cohort", "atkal@skola.lv;Rudens"), course, author
    )

    assert outcomes(report) == [(2, "atkal@skola.lv", Outcome.REENROLLED, "")]
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.status, enrolment.cohort) == (Enrolment.Status.ACTIVE, cohort)
    assert [(e.kind, e.note) for e in enrolment.events.all()] == [
        (EnrolmentEvent.Kind.ENROLLED, ""),
        (EnrolmentEvent.Kind.WITHDRAWN, "left"),
        (EnrolmentEvent.Kind.REENROLLED, "CSV"),
    ]


def test_full_or_closed_cohort_refuses_the_rows_beyond_it(course, author):
    """Rows beyond a cohort's capacity, counting the file itself, and rows for a
    closed cohort are refused."""
    make_cohort(course, name="Maza", capacity=1)
    make_cohort(
        course, name="Slēgta", enrolment_closes_at=timezone.now() - timedelta(days=1)
    )
    data = csv_bytes(
        "email;vārds;uzvārds;grupa",
        "a@skola.lv;Anna;Ābele;Maza",
        "b@skola.lv;Bruno;Bērziņš;Maza",
        "c@skola.lv;Cilda;Cīrule;Slēgta",
    )
    report = enrol_from_csv(data, course, author)

    assert outcomes(report) == [
        (2, "a@skola.lv", Outcome.CREATED, ""),
        (3, "b@skola.lv", Outcome.REFUSED, "Maza is full."),
        (4, "c@skola.lv", Outcome.REFUSED, "Enrolment for Slēgta is closed."),
    ]
    assert list(User.objects.filter(email__endswith="@skola.lv")) == [
        User.objects.get(email="a@skola.lv")
    ]


def test_file_without_valid_rows_changes_nothing(
    course, author, django_capture_on_commit_callbacks
):
    """When every row is refused, no account, enrolment or e-mail is made."""
    enrol(make_user(email="jau@skola.lv"), course)
    users, enrolments = User.objects.count(), Enrolment.objects.count()
    data = csv_bytes(
        "e-pasts;vārds;uzvārds;grupa",
        "nav-epasts;Anna;Ābele;",
        "jau@skola.lv;Jānis;Jau;",
        "jauns@skola.lv;Jauns;Cilvēks;Nezināma",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = enrol_from_csv(data, course, author)

    assert report.refused == 3
    assert (User.objects.count(), Enrolment.objects.count()) == (users, enrolments)
    assert mail.outbox == []
    assert callbacks == []


def test_dry_run_reports_what_would_happen_and_changes_nothing(
    course, author, django_capture_on_commit_callbacks
):
    """A dry run gives the same per-row outcomes but writes and sends nothing."""
    withdrawn = make_user(email="prom@skola.lv")
    withdraw(enrol(withdrawn, course))
    users, events = User.objects.count(), EnrolmentEvent.objects.count()
    data = csv_bytes(
        "email;first name;last name",
        "jauna@skola.lv;Jolanta;Ūzuliņa",
        "prom@skola.lv;;",
        "slikts",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = enrol_from_csv(data, course, author, dry_run=True)

    assert report.dry_run
    assert [row.outcome for row in report.rows] == [
        Outcome.CREATED,
        Outcome.REENROLLED,
        Outcome.REFUSED,
    ]
    assert (User.objects.count(), EnrolmentEvent.objects.count()) == (users, events)
    assert Enrolment.objects.get(user=withdrawn).status == Enrolment.Status.WITHDRAWN
    assert mail.outbox == []


def test_enrolment_email_links_are_at_the_configured_address(
    course, author, settings, django_capture_on_commit_callbacks
):
    """With the site at http://127.0.0.1:8100, every link in the enrolment e-mails
    (choose a password, a new link, sign in, the course) is there."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    make_user(email="esosa@skola.lv", password="Daugavpils-2026!")
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(
            csv_bytes(
                "email;first name;last name",
                "jauna@skola.lv;Ieva;Liepa",
                "esosa@skola.lv;Anna;Ozola",
            ),
            course,
            author,
        )
    links = {
        message.to[0]: re.findall(r"https?://\S+", message.body)
        for message in mail.outbox
    }
    course_url = "http://127.0.0.1:8100" + course.url
    assert links["jauna@skola.lv"][-1] == links["esosa@skola.lv"][-1] == course_url
    assert (len(links["jauna@skola.lv"]), len(links["esosa@skola.lv"])) == (3, 2)
    assert all(
        link.startswith("http://127.0.0.1:8100/")
        for found in links.values()
        for link in found
    )


def test_set_password_link_in_the_email_opens_the_set_password_form(
    client, course, author, django_capture_on_commit_callbacks
):
    """A new learner's e-mail links to a working set-password form, and the new
    password then lets them sign in."""
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(
            csv_bytes("email;first name;last name", "jauna@skola.lv;Jolanta;Ūzuliņa"),
            course,
            author,
        )
    [message] = mail.outbox
    assert message.to == ["jauna@skola.lv"]
    assert message.body.startswith("Labdien!\n")
    assert "Jolanta" not in message.body
    assert (
        "Pierakstoties izmantojiet savu e-pasta adresi jauna@skola.lv." in message.body
    )
    link = re.search(
        r"http://testserver(/\S+/accounts/password/reset/key/\S+/)", message.body
    )
    assert link, message.body

    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password1"' in html
    assert 'name="password2"' in html

    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "Daugavpils-2026!", "password2": "Daugavpils-2026!"},
    )
    assert response.status_code == 302
    # Choosing the password from the e-mailed link confirmed the address: signing
    # in by e-mail leads to the learner's courses, not to "confirm your address".
    response = Client().post(
        "/en/accounts/login/",
        {"login": "JAUNA@skola.lv", "password": "Daugavpils-2026!"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"


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


def test_command_prints_the_report_and_totals(course, tmp_path, capsys):
    """``enrol_csv`` prints one line per row and the totals."""
    path = tmp_path / "learners.csv"
    path.write_bytes(
        csv_bytes(
            "e-pasts;vārds;uzvārds", "jolanta@skola.lv;Jolanta;Ūzuliņa", "slikts;X;Y"
        )
    )
    make_user(username="metodike")

    call_command("enrol_csv", str(path), course=course.pk, actor="metodike")

    output = capsys.readouterr().out
    assert "jolanta@skola.lv  Account created and enrolled" in output
    assert "slikts  Refused: Not a valid e-mail address" in output
    assert "Account created and enrolled: 1" in output
    assert "Refused: 1" in output
    event = EnrolmentEvent.objects.get()
    assert event.actor.username == "metodike"


def test_command_dry_run_changes_nothing(course, tmp_path, capsys):
    """``enrol_csv --dry-run`` reports and says nothing was changed."""
    path = tmp_path / "learners.csv"
    path.write_bytes(csv_bytes("email;first name;last name", "a@skola.lv;Anna;Ābele"))

    call_command("enrol_csv", str(path), course=course.pk, dry_run=True)

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
def test_command_errors_cleanly(course, tmp_path, args, message):
    """Bad input ends the command with a CommandError that says what is wrong."""
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(b"name\nAnna\n")
    good.write_bytes(b"email\na@skola.lv\n")
    args = [
        a.format(course=course.pk, bad=bad, good=good) if "{" in a else a for a in args
    ]
    with pytest.raises(CommandError, match=message):
        call_command("enrol_csv", *args)
    assert not Enrolment.objects.exists()


# The admin screens --------------------------------------------------------------


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(UPLOAD_URL)
    assert response.status_code == 200
    return client, client.cookies["csrftoken"].value


def upload(client, token, course, data, name="learners.csv", **extra):
    return client.post(
        UPLOAD_URL,
        {
            "csrfmiddlewaretoken": token,
            "course": course.pk,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
            **extra,
        },
    )


def test_admin_upload_shows_the_report(
    course, author, django_capture_on_commit_callbacks
):
    """Staff upload a file in the admin and see each row's result and the totals."""
    client, token = csrf_client(author)
    data = csv_bytes(
        "e-pasts;vārds;uzvārds",
        "jolanta@skola.lv;Jolanta;Ūzuliņa",
        "slikts;Andris;Ķēniņš",
        bom=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, token, course, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enrolment into “Pētnieciskā mācīšanās”" in html
    assert "1 of 2 rows enrolled." in html
    assert re.search(
        r"<td>2</td>\s*<td>jolanta@skola.lv</td>\s*<td>Jolanta Ūzuliņa</td>", html
    )
    assert "Account created and enrolled" in html
    assert re.search(r"<td>slikts</td>.*?Not a valid e-mail address", html, re.S)
    assert Enrolment.objects.get().user.email == "jolanta@skola.lv"
    assert [m.to for m in mail.outbox] == [["jolanta@skola.lv"]]


def test_admin_dry_run_shows_the_report_and_changes_nothing(course, author):
    """The dry-run box makes the admin report what would happen, and nothing more."""
    client, token = csrf_client(author)
    response = upload(
        client,
        token,
        course,
        csv_bytes("email;first name;last name", "a@skola.lv;Anna;Ābele"),
        dry_run="on",
    )

    html = response.content.decode()
    assert "nothing was changed" in html
    assert "1 of 1 rows would be enrolled." in html
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="a@skola.lv").exists()


def test_admin_upload_needs_the_csrf_token(course, author):
    """A post without the CSRF token is refused and enrols nobody."""
    client, _token = csrf_client(author)
    response = upload(client, "wrong", course, csv_bytes("email", "a@skola.lv"))
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_admin_refuses_a_file_that_is_not_csv(course, author):
    """An upload that is not a .csv file is refused with a message on the form."""
    client, token = csrf_client(author)
    response = upload(
        client, token, course, b"PK\x03\x04 spreadsheet", name="learners.xlsx"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "File extension “xlsx” is not allowed." in html
    assert 'id="csv-report"' not in html
    assert not Enrolment.objects.exists()


def test_admin_shows_a_broken_csv_as_a_form_error(course, author):
    """A .csv file that cannot be used shows why on the form and enrols nobody."""
    client, token = csrf_client(author)
    response = upload(client, token, course, "vārds\nAnna\n".encode("utf-16"))

    assert "The file is not UTF-8 text." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_non_staff_user_cannot_open_or_use_the_upload(client, course):
    """A learner without admin access is sent away and cannot enrol anyone."""
    client.force_login(make_user())
    assert client.get(UPLOAD_URL).status_code == 302
    response = client.post(
        UPLOAD_URL,
        {
            "course": course.pk,
            "file": SimpleUploadedFile("a.csv", csv_bytes("email", "a@skola.lv")),
        },
    )
    assert response.status_code == 302
    assert not Enrolment.objects.exists()


@pytest.fixture
def other_course_staff(course, course_staff):
    """Staff who manage only another course's enrolment."""
    other = make_course(title="Cits kurss")
    user = in_english_admin(course_staff(other, username="cits"))
    user.other_course = other
    return user


def test_staff_cannot_enrol_into_a_course_they_cannot_edit(course, other_course_staff):
    """The course list offers only courses the user may edit; posting another is
    refused and enrols nobody."""
    client, token = csrf_client(other_course_staff)
    html = client.get(UPLOAD_URL).content.decode()
    assert "Cits kurss" in html
    assert "Pētnieciskā mācīšanās" not in html

    response = upload(
        client, token, course, csv_bytes("email;first name;last name", "a@b.lv;A;B")
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="a@b.lv").exists()


def test_staff_who_can_edit_no_course_are_refused(client, course):
    """Admin users who manage no course's enrolment (a course author among them)
    get neither the upload nor the listing."""
    group = Group.objects.create(name="Tikai admin")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    author = staff(ensure_course_authors_group(), username="autors")
    for person in (staff(group), author):
        client.force_login(person)
        for url in (UPLOAD_URL, LISTING_URL):
            response = client.get(url)
            # Wagtail turns PermissionDenied into a redirect to the dashboard.
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        home = client.get("/admin/").content.decode()
        assert UPLOAD_URL not in home
        assert LISTING_URL not in home


def test_enrolment_listing_shows_only_the_staff_members_courses(
    client, course, other_course_staff
):
    """The enrolment listing shows learners of courses the user may edit, and
    offers no way to add or change enrolments."""
    mine = make_user(email="mans@skola.lv", first_name="Līga", last_name="Mana")
    theirs = make_user(email="svesais@skola.lv", last_name="Svešais")
    enrol(mine, other_course_staff.other_course)
    enrol(theirs, course, cohort=make_cohort(course, name="Svešā grupa"))
    client.force_login(other_course_staff)

    html = client.get(LISTING_URL).content.decode()
    assert "Līga Mana &lt;mans@skola.lv&gt;" in html
    assert "svesais@skola.lv" not in html
    assert "Svešā grupa" not in html  # not even as a filter choice
    assert client.get(LISTING_URL + "new/").status_code == 404
    searched = client.get(LISTING_URL, {"q": "mans@"}).content.decode()
    assert "mans@skola.lv" in searched
    home = client.get("/admin/").content.decode()
    assert UPLOAD_URL in home
    assert LISTING_URL in home


def test_programme_administrators_see_the_learners_menu_and_listing(
    client, course, author
):
    """Programme administrators find both screens under the Learners menu."""
    enrol(make_user(email="a@skola.lv", first_name="Anna", last_name="Ābele"), course)
    client.force_login(author)
    assert "Anna Ābele" in client.get(LISTING_URL).content.decode()
    home = client.get("/admin/").content.decode()
    assert UPLOAD_URL in home


def test_enrolment_listing_query_count_does_not_grow_with_learners(
    client, course, author
):
    """The listing makes as many queries for twenty learners as for one."""
    cohort = make_cohort(course)
    enrol(make_user(), course, cohort=cohort)
    client.force_login(author)
    client.get(LISTING_URL)  # warm Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(LISTING_URL).status_code == 200
    for _ in range(19):
        enrol(make_user(), course, cohort=cohort)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(LISTING_URL).status_code == 200
    assert len(twenty) == len(one)
