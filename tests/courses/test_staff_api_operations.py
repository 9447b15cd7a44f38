"""The staff operations of the JSON API, as a university's registry and reporting
use them with a token: courses, enrolments (listed, made, withdrawn), a
learner's progress and the progress report's CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.api_tokens.models import ApiRequestLog
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import CoursePage, Enrolment, EnrolmentEvent
from courses.progress.recording import record_lesson_completed
from tests.courses.staff_api_world import post
from tests.factories import (
    api_client,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_user,
    token_client,
)

pytestmark = pytest.mark.django_db


# Operations ------------------------------------------------------------------


def test_list_courses_with_modules_and_hours(api_course, django_assert_max_num_queries):
    """An author lists the courses they may edit with their live modules and
    hours, in a fixed number of queries."""
    editor = make_course_editor(api_course)
    client, _token = token_client(editor)
    make_course_tree(modules=3, lessons=1, title="Otrs kurss")
    editor.groups.first().page_permissions.create(
        page=CoursePage.objects.get(title="Otrs kurss"),
        permission=editor.groups.first().page_permissions.first().permission,
    )
    client.get("/api/v1/staff/courses")
    # The site's fixed cost (content version, site), the token, the staff
    # check, then the courses and their modules, and the log row.
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/staff/courses")
    assert response.status_code == 200
    item, other = response.json()
    assert len(other["modules"]) == 3
    assert item["id"] == api_course.pk
    assert item["title"] == "STEM kurss"
    assert item["language"] == "lv"
    assert item["live"] is True
    assert item["hours"] == 24.0
    assert [(m["hours"]) for m in item["modules"]] == [12.0, 12.0]
    assert [m["id"] for m in item["modules"]] == [
        p.pk for p in api_course.get_children().order_by("path")
    ]


def test_list_enrolments_pages_and_filters(
    api_course, api_editor, django_assert_max_num_queries
):
    """Enrolments come a page at a time by cursor, none repeated or lost, and
    filter by cohort, status and enrolment date."""
    cohort = make_cohort(api_course, name="Rēzekne")
    enrolments = [
        enrol(
            make_user(first_name=f"Learner{n}"),
            api_course,
            cohort=cohort if n < 2 else None,
        )
        for n in range(5)
    ]
    withdraw(enrolments[4])
    Enrolment.objects.filter(pk=enrolments[3].pk).update(
        enrolled_at=timezone.now() - timedelta(days=40)
    )
    client, _token = token_client(api_editor, scope="read")
    url = f"/api/v1/staff/courses/{api_course.pk}/enrolments"
    seen, cursor = [], None
    while True:
        # Ten, and one for the host's hook that narrows this member of staff
        # to the course (the staff check asks it).
        with django_assert_max_num_queries(11):
            response = client.get(
                url, {"limit": 2, **({"cursor": cursor} if cursor else {})}
            )
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e.pk for e in enrolments]
    first = client.get(url).json()["items"][0]
    assert first["learner"] == "Learner0 Ūzuliņa"
    assert first["email"] == enrolments[0].user.email
    assert first["cohort"] == "Rēzekne" and first["cohort_id"] == cohort.pk
    assert first["status"] == "active" and first["percent"] == 0
    ids = lambda query: [i["id"] for i in client.get(url, query).json()["items"]]  # noqa: E731
    assert ids({"cohort": cohort.pk}) == [enrolments[0].pk, enrolments[1].pk]
    assert ids({"status": "withdrawn"}) == [enrolments[4].pk]
    old = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert ids({"enrolled_to": old}) == [enrolments[3].pk]
    assert enrolments[3].pk not in ids({"enrolled_from": old})
    response = client.get(url, {"cursor": "bm9wZQ"})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "This cursor is not valid; start from the first page."
    )
    assert client.get(url, {"status": "lost"}).status_code == 400


def test_enrol_by_email_creates_or_finds_the_account(
    api_course, api_editor, mailoutbox, django_capture_on_commit_callbacks
):
    """Enrolling by e-mail makes an account for a new address and uses the
    existing one whatever its letter case, as the CSV import does."""
    client, _token = token_client(api_editor)
    cohort = make_cohort(api_course, name="Daugavpils")
    url = f"/api/v1/staff/courses/{api_course.pk}/enrolments"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            url,
            {
                "email": "Ieva.Liepa@Example.edu",
                "first_name": "Ieva",
                "last_name": "Liepa",
                "cohort": cohort.pk,
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "created"
    assert body["enrolment"]["learner"] == "Ieva Liepa"
    assert body["enrolment"]["cohort"] == "Daugavpils"
    new = get_user_model().objects.get(email__iexact="ieva.liepa@example.edu")
    assert not new.has_usable_password()
    assert [m.to for m in mailoutbox] == [[new.email]]
    existing = make_user(email="Janis.Ozols@example.edu")
    users_before = get_user_model().objects.count()
    response = post(client, url, {"email": "JANIS.OZOLS@EXAMPLE.EDU"})
    assert response.status_code == 201
    assert response.json()["outcome"] == "enrolled"
    assert response.json()["enrolment"]["email"] == "Janis.Ozols@example.edu"
    assert get_user_model().objects.count() == users_before
    assert Enrolment.objects.get(user=existing).course_key == api_course.translation_key
    response = post(client, url, {"email": "janis.ozols@example.edu"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Already enrolled"}
    response = post(client, url, {"email": "nobody@example.edu"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A new account needs a first name and a last name."
    }
    response = post(
        client,
        url,
        {"email": "x@example.edu", "first_name": "A", "last_name": "B", "cohort": 999},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "This course has no such cohort."}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Ie\x00va"),
        ("first_name", "Ieva\tAnna"),
        ("last_name", "Liepa\nBērziņa"),
        ("last_name", "\u202eapeiL"),
    ],
)
def test_enrol_by_email_refuses_control_characters_in_names(
    api_course, api_editor, field, value
):
    """A name with a control character or a direction mark is a 400 that says
    which name and why; no account or enrolment is made."""
    client, _token = token_client(api_editor)
    users_before = get_user_model().objects.count()
    body = {"email": "ieva@example.edu", "first_name": "Ieva", "last_name": "Liepa"}
    response = post(
        client,
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
        {**body, field: value},
    )
    assert response.status_code == 400
    label = "First name" if field == "first_name" else "Last name"
    assert response.json() == {
        "detail": f"{label}: Names cannot contain control characters or invisible "
        "formatting marks (such as a tab, a line break or a text direction mark)."
    }
    assert get_user_model().objects.count() == users_before
    assert not Enrolment.objects.filter(course_key=api_course.translation_key).exists()


def test_progress_report_csv_replaces_a_stored_control_character(
    api_course, api_editor
):
    """A control character stored in a name before names refused it comes out as
    U+FFFD in the API's CSV, and the file is whole."""
    enrol(make_user(first_name="An\x1bna", last_name="Bērziņa"), api_course)
    client, _token = token_client(api_editor, scope="read")
    response = client.get(f"/api/v1/staff/courses/{api_course.pk}/progress-report")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["An\ufffdna Bērziņa"]
    assert "\x1b" not in text


def test_withdraw_keeps_progress(api_course, api_editor):
    """Staff withdraw a learner: the status changes, the history says who."""
    enrolment = enrol(make_user(), api_course)
    client, _token = token_client(api_editor)
    response = post(
        client, f"/api/v1/staff/enrolments/{enrolment.pk}/withdraw", {"note": "Left"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    event = EnrolmentEvent.objects.get(enrolment=enrolment, kind="withdrawn")
    assert (event.actor, event.note) == (api_editor, "Left")


def test_learner_progress_and_checklist(api_editor, course_staff):
    """Staff read one learner's progress and their completion checklist."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    api_editor = course_staff(course)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    client, _token = token_client(api_editor, scope="read")
    response = client.get(f"/api/v1/staff/enrolments/{enrolment.pk}/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["enrolment"]["percent"] == 50
    assert body["enrolment"]["completed_items"] == 1
    assert body["enrolment"]["requirements_done"] == 1
    assert body["enrolment"]["requirements_total"] == 2
    assert body["checklist"] == [
        {
            "code": "lessons",
            "label": "Required lessons done",
            "done": 1.0,
            "needed": 2.0,
            "met": False,
            "note": "",
            "added_after_completion": 0.0,
            "kept": False,
        }
    ]


def test_progress_report_csv(api_course, api_editor):
    """The progress report comes as CSV with the admin report's columns,
    filtered like the enrolment list."""
    enrol(make_user(first_name="Anna", last_name="Bērziņa"), api_course)
    gone = enrol(make_user(first_name="Pēteris", last_name="Kalns"), api_course)
    withdraw(gone)
    client, _token = token_client(api_editor, scope="read")
    response = client.get(
        f"/api/v1/staff/courses/{api_course.pk}/progress-report", {"status": "active"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Learner", "E-mail", "Course", "Cohort", "Status"]
    assert [row[0] for row in rows[1:]] == ["Anna Bērziņa"]
    assert rows[1][2] == "STEM kurss" and rows[1][4] == "Active"


@pytest.mark.parametrize("path", ["enrolments", "progress-report"])
@pytest.mark.parametrize(
    "query", [{"enrolled_from": "0001-01-01"}, {"enrolled_to": "9999-12-31"}]
)
def test_dates_outside_the_accepted_range_are_bad_input(
    api_course, api_editor, path, query
):
    """An enrolment date filter outside 2000 to ten years ahead is a 400 that
    names the range, for the list and the CSV alike (never a CSV of headings)."""
    enrol(make_user(first_name="Anna", last_name="Bērziņa"), api_course)
    client, _token = token_client(api_editor, scope="read")
    response = client.get(f"/api/v1/staff/courses/{api_course.pk}/{path}", query)
    assert response.status_code == 400
    assert not response.streaming
    [name] = query
    [error] = response.json()["errors"]
    assert error.startswith(f"query.{name}: Enter a date from 2000-01-01 to ")
    response = client.get(
        f"/api/v1/staff/courses/{api_course.pk}/{path}", {"enrolled_from": "2000-01-01"}
    )
    assert response.status_code == 200


def test_a_session_also_works_with_csrf(api_course, api_editor):
    """The admin's browser session reaches the same operations (with CSRF)."""
    client = api_client(api_editor)
    response = post(
        client,
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
        {"email": "anna@example.edu", "first_name": "Anna", "last_name": "Liepa"},
    )
    assert response.status_code == 201
    assert not ApiRequestLog.objects.exists()
