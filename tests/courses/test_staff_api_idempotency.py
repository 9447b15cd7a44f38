"""The staff API's writes sent again with an Idempotency-Key, the log of every
token request, and the OpenAPI schema's account of both."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.api.site import api
from courses.api_tokens.models import ApiRequestLog, IdempotentRequest
from courses.enrolment.enrolling import withdraw
from courses.models import Enrolment, EnrolmentEvent
from tests.courses.staff_api_world import post
from tests.factories import make_user, token_client

pytestmark = pytest.mark.django_db


# Idempotency and the log -------------------------------------------------------


def test_same_key_same_body_replays_without_enrolling_twice(api_course, api_editor):
    """A write sent again with its Idempotency-Key gets the first answer, and
    nothing is done twice; the same key with another body is a 422."""
    client, _token = token_client(api_editor)
    url = f"/api/v1/staff/courses/{api_course.pk}/enrolments"
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


def test_a_refused_write_is_not_kept_for_replay(api_course, api_editor):
    """A refused request changed nothing, so its key can be sent again after
    the cause is fixed; a key is kept for 24 hours."""
    client, _token = token_client(api_editor)
    url = f"/api/v1/staff/courses/{api_course.pk}/enrolments"
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


def test_every_token_request_is_logged_without_bodies(api_course, api_editor):
    """Each token request leaves a row (token, operation, method, path, status)
    with nothing of its body or query string."""
    client, token = token_client(api_editor, scope="read")
    client.get(
        f"/api/v1/staff/courses/{api_course.pk}/enrolments", {"status": "active"}
    )
    post(
        client,
        f"/api/v1/staff/courses/{api_course.pk}/enrolments",
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
            f"/api/v1/staff/courses/{api_course.pk}/enrolments",
            200,
        ),
        (
            token.pk,
            "staff_api_enrol",
            "POST",
            f"/api/v1/staff/courses/{api_course.pk}/enrolments",
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


def test_a_crash_frees_the_idempotency_key(api_course, api_editor, monkeypatch):
    """An operation that fails with a server error leaves its key free to be
    sent again (not "still running"), and the failure is logged."""
    client, token = token_client(api_editor)
    client.raise_request_exception = False

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("courses.staff_api.api.enrol_lines", crash)
    url = f"/api/v1/staff/courses/{api_course.pk}/enrolments"
    body = {"email": "ieva@example.edu", "first_name": "Ieva", "last_name": "Liepa"}
    response = post(client, url, body, **{"Idempotency-Key": "k1"})
    assert response.status_code == 500
    assert not IdempotentRequest.objects.exists()
    assert ApiRequestLog.objects.get(token=token).status == 500
    monkeypatch.undo()
    response = post(client, url, body, **{"Idempotency-Key": "k1"})
    assert response.status_code == 201
