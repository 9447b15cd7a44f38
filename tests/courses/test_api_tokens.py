"""Staff's personal API tokens: made and revoked in the admin, the secret shown
once and stored hashed, and the tokens and sessions the staff API refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from courses.api_tokens.models import ApiToken
from courses.api_tokens.tokens import digest
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment
from tests.courses.staff_api_world import post
from tests.factories import api_client, make_course_tree, make_user, token_client

pytestmark = pytest.mark.django_db


# Tokens in the admin ---------------------------------------------------------


def test_token_is_shown_once_and_stored_hashed(api_editor):
    """Staff make a token in the admin: its secret is on that page only, the
    database holds a digest, and the secret works in the API."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(api_editor)
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
    assert token.owner == api_editor and token.name == "University registry"
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


def test_a_token_needs_a_name(api_editor):
    """A blank name is refused with a message; no token is made."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(api_editor)
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


def test_owner_and_superuser_revoke_tokens(api_editor, api_course, course_staff):
    """Staff see only their own tokens; a superuser sees everyone's and revokes
    a leaked one, which is refused from then on."""
    client, token = token_client(api_editor)
    other_client, other = token_client(course_staff(api_course), name="Moodle sync")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(api_editor)
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


def test_expired_unknown_and_read_only_tokens_are_refused(api_editor, api_course):
    """Expired and unknown tokens get 401, a read-only token's write 403, each
    with a readable message, and nothing changes."""
    expired, _token = token_client(api_editor, days=-1)
    response = expired.get("/api/v1/staff/courses")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired."}
    unknown = Client(
        HTTP_AUTHORIZATION="Bearer lms_not-a-token", HTTP_ACCEPT_LANGUAGE="en"
    )
    response = unknown.get("/api/v1/staff/courses")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token is not valid."}
    reader, _token = token_client(api_editor, scope="read")
    assert reader.get("/api/v1/staff/courses").status_code == 200
    response = post(
        reader,
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
        {"email": "new@example.edu", "first_name": "Ieva", "last_name": "Liepa"},
    )
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not Enrolment.objects.exists()
    assert not get_user_model().objects.filter(email="new@example.edu").exists()


def test_token_of_someone_no_longer_staff_is_refused(api_course, course_staff):
    """A token acts with its owner's rights: when those go, so does the token's."""
    editor = course_staff(api_course)
    client, _token = token_client(editor)
    editor.groups.clear()
    response = client.get("/api/v1/staff/courses")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only course staff may use this operation."}


def test_another_authors_token_sees_nothing_of_this_course(
    api_course, api_editor, course_staff
):
    """Staff of another course get 404 for this course and its records, as if
    they did not exist, and do not find it in their course list."""
    other_course, _ = make_course_tree(modules=1, lessons=1, title="Cits kurss")
    client, _token = token_client(course_staff(other_course))
    enrolment = enrol(make_user(), api_course)
    assert [c["title"] for c in client.get("/api/v1/staff/courses").json()] == [
        "Cits kurss"
    ]
    for url in (
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
        f"/api/v1/staff/enrolments/{enrolment.pk}/progress",
        f"/api/v1/staff/courses/{api_course.pk}/progress-report",
    ):
        assert client.get(url).status_code == 404, url
    response = post(client, f"/api/v1/staff/enrolments/{enrolment.pk}/withdraw")
    assert response.status_code == 404
    response = post(
        client,
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
        {"email": "x@example.edu", "first_name": "A", "last_name": "B"},
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_learners_session_is_refused_staff_operations(api_course):
    """A signed-in learner's browser gets 403 from the staff operations."""
    client = api_client(make_user())
    response = client.get("/api/v1/staff/courses")
    assert response.status_code == 403
