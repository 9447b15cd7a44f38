"""Staff's personal API tokens and the staff operations of the JSON API: what a
university's registry and reporting read and change with a token."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from courses.api.site import api
from courses.api_tokens.models import ApiRequestLog, ApiToken, IdempotentRequest
from courses.api_tokens.tokens import digest
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import CoursePage, Enrolment, EnrolmentEvent
from courses.progress.recording import record_lesson_completed
from tests.factories import (
    api_client,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_user,
    token_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course, _lessons = make_course_tree(modules=2, lessons=1, title="STEM kurss")
    return course


@pytest.fixture
def editor(course, course_staff):
    return course_staff(course, first_name="Inese", last_name="Kalniņa")


def post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


# Tokens in the admin ---------------------------------------------------------


def test_token_is_shown_once_and_stored_hashed(editor):
    """Staff make a token in the admin: its secret is on that page only, the
    database holds a digest, and the secret works in the API."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(editor)
    assert "/admin/api-tokens/" in browser.get("/admin/").content.decode()
    response = browser.post(
        "/admin/api-tokens/add/",
        {"name": "University registry", "scope": "read", "days": "90"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    secret = html.split("data-api-token-secret>")[1].split("<")[0]
    assert secret.startswith("lms_") and len(secret) == 47
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.owner == editor and token.name == "University registry"
    assert token.digest == digest(secret)
    assert secret.startswith(token.prefix)
    assert secret not in repr(list(ApiToken.objects.values()))
    assert token.scope == "read"
    assert token.expires_at.date() == (timezone.now() + timedelta(days=90)).date()
    listing = browser.get("/admin/api-tokens/").content.decode()
    assert "University registry" in listing
    assert token.prefix in listing and secret not in listing
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/staff/courses").status_code == 200


def test_a_token_needs_a_name(editor):
    """A blank name is refused with a message; no token is made."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(editor)
    response = browser.post(
        "/admin/api-tokens/add/", {"name": "  ", "scope": "read", "days": "90"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_learners_have_no_token_screens():
    """Someone who edits no course cannot make tokens."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(make_user(is_staff=True))
    # Without access to the admin, Wagtail's admin asks to sign in (again).
    response = browser.get("/admin/api-tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/api-tokens/"
    response = browser.post(
        "/admin/api-tokens/add/", {"name": "x", "scope": "write", "days": "30"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/api-tokens/add/"
    assert not ApiToken.objects.exists()


def test_owner_and_superuser_revoke_tokens(editor, course, course_staff):
    """Staff see only their own tokens; a superuser sees everyone's and revokes
    a leaked one, which is refused from then on."""
    client, token = token_client(editor)
    other_client, other = token_client(course_staff(course), name="Moodle sync")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(editor)
    listing = browser.get("/admin/api-tokens/").content.decode()
    assert "Registry" in listing and "Moodle sync" not in listing
    assert browser.get(f"/admin/api-tokens/{other.pk}/revoke/").status_code == 404
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(make_user(is_superuser=True, is_staff=True))
    listing = admin.get("/admin/api-tokens/").content.decode()
    assert "Registry" in listing and "Moodle sync" in listing
    response = admin.post(f"/admin/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get("/api/v1/staff/courses")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token was revoked."}
    assert other_client.get("/api/v1/staff/courses").status_code == 200


# Refusals ----------------------------------------------------------------------


def test_expired_unknown_and_read_only_tokens_are_refused(editor, course):
    """Expired and unknown tokens get 401, a read-only token's write 403, each
    with a readable message, and nothing changes."""
    expired, _token = token_client(editor, days=-1)
    response = expired.get("/api/v1/staff/courses")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired."}
    unknown = Client(
        HTTP_AUTHORIZATION="Bearer lms_not-a-token", HTTP_ACCEPT_LANGUAGE="en"
    )
    response = unknown.get("/api/v1/staff/courses")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token is not valid."}
    reader, _token = token_client(editor, scope="read")
    assert reader.get("/api/v1/staff/courses").status_code == 200
    response = post(
        reader,
        f"/api/v1/staff/courses/{course.pk}/enrolments",
        {"email": "new@example.edu", "first_name": "Ieva", "last_name": "Liepa"},
    )
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not Enrolment.objects.exists()
    assert not get_user_model().objects.filter(email="new@example.edu").exists()


def test_token_of_someone_no_longer_staff_is_refused(course, course_staff):
    """A token acts with its owner's rights: when those go, so does the token's."""
    editor = course_staff(course)
    client, _token = token_client(editor)
    editor.groups.clear()
    response = client.get("/api/v1/staff/courses")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only course staff may use this operation."}


def test_another_authors_token_sees_nothing_of_this_course(
    course, editor, course_staff
):
    """Staff of another course get 404 for this course and its records, as if
    they did not exist, and do not find it in their course list."""
    other_course, _ = make_course_tree(modules=1, lessons=1, title="Cits kurss")
    client, _token = token_client(course_staff(other_course))
    enrolment = enrol(make_user(), course)
    assert [c["title"] for c in client.get("/api/v1/staff/courses").json()] == [
        "Cits kurss"
    ]
    for url in (
        f"/api/v1/staff/courses/{course.pk}/enrolments",
        f"/api/v1/staff/enrolments/{enrolment.pk}/progress",
        f"/api/v1/staff/courses/{course.pk}/progress-report",
    ):
        assert client.get(url).status_code == 404, url
    response = post(client, f"/api/v1/staff/enrolments/{enrolment.pk}/withdraw")
    assert response.status_code == 404
    response = post(
        client,
        f"/api/v1/staff/courses/{course.pk}/enrolments",
        {"email": "x@example.edu", "first_name": "A", "last_name": "B"},
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_learners_session_is_refused_staff_operations(course):
    """A signed-in learner's browser gets 403 from the staff operations."""
    client = api_client(make_user())
    response = client.get("/api/v1/staff/courses")
    assert response.status_code == 403


# Operations ------------------------------------------------------------------


def test_list_courses_with_modules_and_hours(course, django_assert_max_num_queries):
    """An author lists the courses they may edit with their live modules and
    hours, in a fixed number of queries."""
    editor = make_course_editor(course)
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
    assert item["id"] == course.pk
    assert item["title"] == "STEM kurss"
    assert item["language"] == "lv"
    assert item["live"] is True
    assert item["hours"] == 24.0
    assert [(m["hours"]) for m in item["modules"]] == [12.0, 12.0]
    assert [m["id"] for m in item["modules"]] == [
        p.pk for p in course.get_children().order_by("path")
    ]


def test_list_enrolments_pages_and_filters(
    course, editor, django_assert_max_num_queries
):
    """Enrolments come a page at a time by cursor, none repeated or lost, and
    filter by cohort, status and enrolment date."""
    cohort = make_cohort(course, name="Rēzekne")
    enrolments = [
        enrol(
            make_user(first_name=f"Learner{n}"),
            course,
            cohort=cohort if n < 2 else None,
        )
        for n in range(5)
    ]
    withdraw(enrolments[4])
    Enrolment.objects.filter(pk=enrolments[3].pk).update(
        enrolled_at=timezone.now() - timedelta(days=40)
    )
    client, _token = token_client(editor, scope="read")
    url = f"/api/v1/staff/courses/{course.pk}/enrolments"
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
    course, editor, mailoutbox, django_capture_on_commit_callbacks
):
    """Enrolling by e-mail makes an account for a new address and uses the
    existing one whatever its letter case, as the CSV import does."""
    client, _token = token_client(editor)
    cohort = make_cohort(course, name="Daugavpils")
    url = f"/api/v1/staff/courses/{course.pk}/enrolments"
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
    assert Enrolment.objects.get(user=existing).course_key == course.translation_key
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
    course, editor, field, value
):
    """A name with a control character or a direction mark is a 400 that says
    which name and why; no account or enrolment is made."""
    client, _token = token_client(editor)
    users_before = get_user_model().objects.count()
    body = {"email": "ieva@example.edu", "first_name": "Ieva", "last_name": "Liepa"}
    response = post(
        client, f"/api/v1/staff/courses/{course.pk}/enrolments", {**body, field: value}
    )
    assert response.status_code == 400
    label = "First name" if field == "first_name" else "Last name"
    assert response.json() == {
        "detail": f"{label}: Names cannot contain control characters or invisible "
        "formatting marks (such as a tab, a line break or a text direction mark)."
    }
    assert get_user_model().objects.count() == users_before
    assert not Enrolment.objects.filter(course_key=course.translation_key).exists()


def test_progress_report_csv_replaces_a_stored_control_character(course, editor):
    """A control character stored in a name before names refused it comes out as
    U+FFFD in the API's CSV, and the file is whole."""
    enrol(make_user(first_name="An\x1bna", last_name="Bērziņa"), course)
    client, _token = token_client(editor, scope="read")
    response = client.get(f"/api/v1/staff/courses/{course.pk}/progress-report")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["An\ufffdna Bērziņa"]
    assert "\x1b" not in text


def test_withdraw_keeps_progress(course, editor):
    """Staff withdraw a learner: the status changes, the history says who."""
    enrolment = enrol(make_user(), course)
    client, _token = token_client(editor)
    response = post(
        client, f"/api/v1/staff/enrolments/{enrolment.pk}/withdraw", {"note": "Left"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    event = EnrolmentEvent.objects.get(enrolment=enrolment, kind="withdrawn")
    assert (event.actor, event.note) == (editor, "Left")


def test_learner_progress_and_checklist(editor, course_staff):
    """Staff read one learner's progress and their completion checklist."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    editor = course_staff(course)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    client, _token = token_client(editor, scope="read")
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


def test_progress_report_csv(course, editor):
    """The progress report comes as CSV with the admin report's columns,
    filtered like the enrolment list."""
    enrol(make_user(first_name="Anna", last_name="Bērziņa"), course)
    gone = enrol(make_user(first_name="Pēteris", last_name="Kalns"), course)
    withdraw(gone)
    client, _token = token_client(editor, scope="read")
    response = client.get(
        f"/api/v1/staff/courses/{course.pk}/progress-report", {"status": "active"}
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
def test_dates_outside_the_accepted_range_are_bad_input(course, editor, path, query):
    """An enrolment date filter outside 2000 to ten years ahead is a 400 that
    names the range, for the list and the CSV alike (never a CSV of headings)."""
    enrol(make_user(first_name="Anna", last_name="Bērziņa"), course)
    client, _token = token_client(editor, scope="read")
    response = client.get(f"/api/v1/staff/courses/{course.pk}/{path}", query)
    assert response.status_code == 400
    assert not response.streaming
    [name] = query
    [error] = response.json()["errors"]
    assert error.startswith(f"query.{name}: Enter a date from 2000-01-01 to ")
    response = client.get(
        f"/api/v1/staff/courses/{course.pk}/{path}", {"enrolled_from": "2000-01-01"}
    )
    assert response.status_code == 200


def test_a_session_also_works_with_csrf(course, editor):
    """The admin's browser session reaches the same operations (with CSRF)."""
    client = api_client(editor)
    response = post(
        client,
        f"/api/v1/staff/courses/{course.pk}/enrolments",
        {"email": "anna@example.edu", "first_name": "Anna", "last_name": "Liepa"},
    )
    assert response.status_code == 201
    assert not ApiRequestLog.objects.exists()


# Idempotency and the log -------------------------------------------------------


def test_same_key_same_body_replays_without_enrolling_twice(course, editor):
    """A write sent again with its Idempotency-Key gets the first answer, and
    nothing is done twice; the same key with another body is a 422."""
    client, _token = token_client(editor)
    url = f"/api/v1/staff/courses/{course.pk}/enrolments"
    body = {"email": "ieva@example.edu", "first_name": "Ieva", "last_name": "Liepa"}
    first = post(client, url, body, **{"Idempotency-Key": "row-17"})
    again = post(client, url, body, **{"Idempotency-Key": "row-17"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Enrolment.objects.count() == 1
    assert EnrolmentEvent.objects.count() == 1
    other = post(
        client,
        url,
        {**body, "email": "other@example.edu"},
        **{"Idempotency-Key": "row-17"},
    )
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert Enrolment.objects.count() == 1
    without_key = post(client, url, body)
    assert without_key.status_code == 400
    assert without_key.json() == {"detail": "Already enrolled"}


def test_a_refused_write_is_not_kept_for_replay(course, editor):
    """A refused request changed nothing, so its key can be sent again after
    the cause is fixed; a key is kept for 24 hours."""
    client, _token = token_client(editor)
    url = f"/api/v1/staff/courses/{course.pk}/enrolments"
    body = {"email": "ieva@example.edu"}
    assert post(client, url, body, **{"Idempotency-Key": "k"}).status_code == 400
    assert not IdempotentRequest.objects.exists()
    make_user(email="ieva@example.edu")
    assert post(client, url, body, **{"Idempotency-Key": "k"}).status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    withdraw(Enrolment.objects.get())
    response = post(client, url, body, **{"Idempotency-Key": "k"})
    assert response.status_code == 201
    assert response.json()["outcome"] == "reenrolled"


def test_every_token_request_is_logged_without_bodies(course, editor):
    """Each token request leaves a row (token, operation, method, path, status)
    with nothing of its body or query string."""
    client, token = token_client(editor, scope="read")
    client.get(f"/api/v1/staff/courses/{course.pk}/enrolments", {"status": "active"})
    post(
        client,
        f"/api/v1/staff/courses/{course.pk}/enrolments",
        {"email": "secret.person@example.edu"},
    )
    rows = list(
        ApiRequestLog.objects.order_by("pk").values_list(
            "token", "operation", "method", "path", "status"
        )
    )
    assert rows == [
        (
            token.pk,
            "staff_api_list_enrolments",
            "GET",
            f"/api/v1/staff/courses/{course.pk}/enrolments",
            200,
        ),
        (
            token.pk,
            "staff_api_enrol",
            "POST",
            f"/api/v1/staff/courses/{course.pk}/enrolments",
            403,
        ),
    ]
    assert "secret.person" not in repr(list(ApiRequestLog.objects.values()))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_schema_lists_staff_operations_with_bearer_security():
    """The OpenAPI schema offers the staff operations with a bearer token or
    the session, with their operation ids and tag."""
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/staff/courses/{course_id}/enrolments"]["post"]
    assert operation["operationId"] == "staff_api_enrol"
    assert operation["tags"] == ["staff"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= next(
        p for p in operation["parameters"] if p["name"] == "Idempotency-Key"
    ).items()
    schemes = {name for entry in operation["security"] for name in entry}
    assert "TokenAuth" in schemes and "StaffSessionAuth" in schemes
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_a_crash_frees_the_idempotency_key(course, editor, monkeypatch):
    """An operation that fails with a server error leaves its key free to be
    sent again (not "still running"), and the failure is logged."""
    client, token = token_client(editor)
    client.raise_request_exception = False

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("courses.staff_api.api.enrol_lines", crash)
    url = f"/api/v1/staff/courses/{course.pk}/enrolments"
    body = {"email": "ieva@example.edu", "first_name": "Ieva", "last_name": "Liepa"}
    response = post(client, url, body, **{"Idempotency-Key": "k1"})
    assert response.status_code == 500
    assert not IdempotentRequest.objects.exists()
    assert ApiRequestLog.objects.get(token=token).status == 500
    monkeypatch.undo()
    response = post(client, url, body, **{"Idempotency-Key": "k1"})
    assert response.status_code == 201
