"""Enrolling from a CSV file in the admin: the upload and its report, who may
use it and for which courses, and the listing of enrolments."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.enrolment.enrolling import enrol
from courses.models import Enrolment
from courses.roles import ensure_course_authors_group
from tests.courses.csv_enrolment_world import csv_bytes
from tests.factories import in_english_admin, make_cohort, make_course, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_at_testserver")]

User = get_user_model()
UPLOAD_URL = "/admin/learners/enrol-from-csv/"
LISTING_URL = "/admin/learners/enrolments/"


def staff(group: Group, **kwargs):
    user = make_user(**kwargs)
    user.groups.add(group)
    return in_english_admin(user)


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(UPLOAD_URL)
    assert response.status_code == 200
    return client, client.cookies["csrftoken"].value


def upload(client, token, csv_course, data, name="learners.csv", **extra):
    return client.post(
        UPLOAD_URL,
        {
            "csrfmiddlewaretoken": token,
            "course": csv_course.pk,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
            **extra,
        },
    )


def test_admin_upload_shows_the_report(
    csv_course, enroller, django_capture_on_commit_callbacks
):
    """Staff upload a file in the admin and see each row's result and the totals."""
    client, token = csrf_client(enroller)
    data = csv_bytes(
        "e-pasts;vārds;uzvārds",
        "jolanta@skola.lv;Jolanta;Ūzuliņa",
        "slikts;Andris;Ķēniņš",
        bom=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, token, csv_course, data)

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


def test_admin_dry_run_shows_the_report_and_changes_nothing(csv_course, enroller):
    """The dry-run box makes the admin report what would happen, and nothing more."""
    client, token = csrf_client(enroller)
    response = upload(
        client,
        token,
        csv_course,
        csv_bytes("email;first name;last name", "a@skola.lv;Anna;Ābele"),
        dry_run="on",
    )

    html = response.content.decode()
    assert "nothing was changed" in html
    assert "1 of 1 rows would be enrolled." in html
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="a@skola.lv").exists()


def test_admin_upload_needs_the_csrf_token(csv_course, enroller):
    """A post without the CSRF token is refused and enrols nobody."""
    client, _token = csrf_client(enroller)
    response = upload(client, "wrong", csv_course, csv_bytes("email", "a@skola.lv"))
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_admin_refuses_a_file_that_is_not_csv(csv_course, enroller):
    """An upload that is not a .csv file is refused with a message on the form."""
    client, token = csrf_client(enroller)
    response = upload(
        client, token, csv_course, b"PK\x03\x04 spreadsheet", name="learners.xlsx"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "File extension “xlsx” is not allowed." in html
    assert 'id="csv-report"' not in html
    assert not Enrolment.objects.exists()


def test_admin_shows_a_broken_csv_as_a_form_error(csv_course, enroller):
    """A .csv file that cannot be used shows why on the form and enrols nobody."""
    client, token = csrf_client(enroller)
    response = upload(client, token, csv_course, "vārds\nAnna\n".encode("utf-16"))

    assert "The file is not UTF-8 text." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_non_staff_user_cannot_open_or_use_the_upload(client, csv_course):
    """A learner without admin access is sent away and cannot enrol anyone."""
    client.force_login(make_user())
    assert client.get(UPLOAD_URL).status_code == 302
    response = client.post(
        UPLOAD_URL,
        {
            "course": csv_course.pk,
            "file": SimpleUploadedFile("a.csv", csv_bytes("email", "a@skola.lv")),
        },
    )
    assert response.status_code == 302
    assert not Enrolment.objects.exists()


@pytest.fixture
def other_course_staff(csv_course, course_staff):
    """Staff who manage only another course's enrolment."""
    other = make_course(title="Cits kurss")
    user = in_english_admin(course_staff(other, username="cits"))
    user.other_course = other
    return user


def test_staff_cannot_enrol_into_a_course_they_cannot_edit(
    csv_course, other_course_staff
):
    """The course list offers only courses the user may edit; posting another is
    refused and enrols nobody."""
    client, token = csrf_client(other_course_staff)
    html = client.get(UPLOAD_URL).content.decode()
    assert "Cits kurss" in html
    assert "Pētnieciskā mācīšanās" not in html

    response = upload(
        client, token, csv_course, csv_bytes("email;first name;last name", "a@b.lv;A;B")
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="a@b.lv").exists()


def test_staff_who_can_edit_no_course_are_refused(client, csv_course):
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
    client, csv_course, other_course_staff
):
    """The enrolment listing shows learners of courses the user may edit, and
    offers no way to add or change enrolments."""
    mine = make_user(email="mans@skola.lv", first_name="Līga", last_name="Mana")
    theirs = make_user(email="svesais@skola.lv", last_name="Svešais")
    enrol(mine, other_course_staff.other_course)
    enrol(theirs, csv_course, cohort=make_cohort(csv_course, name="Svešā grupa"))
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
    client, csv_course, enroller
):
    """Programme administrators find both screens under the Learners menu."""
    enrol(
        make_user(email="a@skola.lv", first_name="Anna", last_name="Ābele"), csv_course
    )
    client.force_login(enroller)
    assert "Anna Ābele" in client.get(LISTING_URL).content.decode()
    home = client.get("/admin/").content.decode()
    assert UPLOAD_URL in home


def test_enrolment_listing_query_count_does_not_grow_with_learners(
    client, csv_course, enroller
):
    """The listing makes as many queries for twenty learners as for one."""
    cohort = make_cohort(csv_course)
    enrol(make_user(), csv_course, cohort=cohort)
    client.force_login(enroller)
    client.get(LISTING_URL)  # warm Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(LISTING_URL).status_code == 200
    for _ in range(19):
        enrol(make_user(), csv_course, cohort=cohort)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(LISTING_URL).status_code == 200
    assert len(twenty) == len(one)
