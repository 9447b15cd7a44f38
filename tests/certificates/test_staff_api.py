"""Certificates in the staff operations of the JSON API: listing, issuing,
re-issuing, revoking and bulk issuing with a personal token."""

from __future__ import annotations

import json

import pytest

from certificates.issuing import issue_certificate
from certificates.models import BulkIssueJob, Certificate
from courses.api_tokens.models import ApiRequestLog
from courses.enrolment.enrolling import enrol
from tests.certificates.conftest import completed_enrolment
from tests.factories import (
    make_cohort,
    make_course_tree,
    make_user,
    token_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def course_tree(template):
    return make_course_tree(modules=1, lessons=1, title="STEM kurss")


@pytest.fixture
def staff(course_tree, course_staff):
    client, _token = token_client(course_staff(course_tree[0]))
    return client


def certified(course, lessons) -> Certificate:
    """A learner who completed ``course``, and their certificate."""
    return issue_certificate(
        completed_enrolment(course, lessons), how=Certificate.How.AUTOMATIC
    )


def post(client, url: str, body: dict | None = None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_issue_by_hand_then_the_same_one_again(course_tree, staff):
    """Staff issue a learner's certificate with a reason (201); asking again
    gives the valid one the learner has (200)."""
    course, _lessons = course_tree
    enrolment = enrol(make_user(first_name="Anna", last_name="Bērziņa"), course)
    url = f"/api/v1/staff/enrolments/{enrolment.pk}/certificate"
    response = post(staff, url, {"reason": "Attendance recorded on paper"})
    assert response.status_code == 201, response.content
    body = response.json()
    certificate = Certificate.objects.get()
    assert body["serial"] == certificate.serial
    assert body["status"] == "valid"
    assert body["issued_how"] == "manual"
    assert body["learner_name"] == "Anna Bērziņa"
    assert body["course_title"] == "STEM kurss"
    assert body["hours"] == 12.0
    assert certificate.verification_code in body["verification_url"]
    again = post(staff, url, {"reason": "Again"})
    assert again.status_code == 200
    assert again.json()["serial"] == certificate.serial
    assert Certificate.objects.count() == 1
    response = post(staff, url, {"reason": ""})
    assert response.status_code == 400


def test_reissue_and_revoke(course_tree, staff):
    """A re-issue supersedes the certificate with a new number and the given
    corrections; a revoke marks it revoked; revoking twice is refused."""
    course, lessons = course_tree
    old = certified(course, lessons)
    response = post(
        staff,
        f"/api/v1/staff/certificates/{old.serial}/reissue",
        {"reason": "Hours corrected", "hours": "10.5"},
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["serial"] != old.serial
    assert new["hours"] == 10.5
    assert new["issued_how"] == "reissue"
    old.refresh_from_db()
    assert old.status == "superseded"
    response = post(
        staff,
        f"/api/v1/staff/certificates/{new['serial']}/revoke",
        {"reason": "Issued by mistake", "category": "error", "public_note": "See DU"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    revoked = Certificate.objects.get(serial=new["serial"])
    assert revoked.revocation_category == "error"
    assert revoked.revocation_public_note == "See DU"
    response = post(
        staff,
        f"/api/v1/staff/certificates/{new['serial']}/revoke",
        {"reason": "Again"},
    )
    assert response.status_code == 400
    assert "nothing to revoke" in response.json()["detail"]
    response = post(
        staff, "/api/v1/staff/certificates/NO-SUCH-1/revoke", {"reason": "x"}
    )
    assert response.status_code == 404


def test_list_certificates_pages_and_filters(
    course_tree, staff, django_assert_max_num_queries
):
    """A course's certificates come a page at a time, filter by status, and
    a superseded one names its successor."""
    course, lessons = course_tree
    for _ in range(3):
        certified(course, lessons)
    first = Certificate.objects.order_by("pk").first()
    post(
        staff,
        f"/api/v1/staff/certificates/{first.serial}/reissue",
        {"reason": "Name corrected"},
    )
    url = f"/api/v1/staff/courses/{course.pk}/certificates"
    serials, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(10):
            page = staff.get(url, query).json()
        serials += [item["serial"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert serials == list(
        Certificate.objects.order_by("pk").values_list("serial", flat=True)
    )
    assert len(serials) == 4
    superseded = staff.get(url, {"status": "superseded"}).json()["items"]
    successor = Certificate.objects.get(supersedes=first)
    assert [(c["serial"], c["superseded_by"]) for c in superseded] == [
        (first.serial, successor.serial)
    ]


def test_bulk_issue_and_its_progress(
    course_tree, staff, django_capture_on_commit_callbacks
):
    """Staff start a bulk issue (202) and poll it until it has issued every
    completed learner's certificate."""
    course, lessons = course_tree
    cohort = make_cohort(course, name="Rēzekne")
    for _ in range(2):
        completed_enrolment(course, lessons)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(staff, f"/api/v1/staff/courses/{course.pk}/bulk-issues", {})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["total"] == 2
    response = staff.get(f"/api/v1/staff/bulk-issues/{job['id']}")
    assert response.status_code == 200
    progress = response.json()
    assert progress["status"] == "finished"
    assert progress["finished"] is True
    assert (progress["issued"], progress["done"], progress["percent"]) == (2, 2, 100)
    assert Certificate.objects.count() == 2
    response = post(
        staff,
        f"/api/v1/staff/courses/{course.pk}/bulk-issues",
        {"cohort": cohort.pk + 1000},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "This course has no such cohort."}


def test_another_authors_token_sees_no_certificate_of_this_course(
    course_tree, course_staff
):
    """Staff of another course get 404 for this course's certificates and jobs;
    a read-only token cannot issue."""
    course, lessons = course_tree
    certificate = certified(course, lessons)
    enrolment = certificate.enrolment
    job = BulkIssueJob.objects.create(course=course)
    other_course, _ = make_course_tree(modules=1, lessons=1)
    other, _token = token_client(course_staff(other_course))
    assert (
        other.get(f"/api/v1/staff/courses/{course.pk}/certificates").status_code == 404
    )
    assert other.get(f"/api/v1/staff/bulk-issues/{job.pk}").status_code == 404
    for url, body in (
        (f"/api/v1/staff/certificates/{certificate.serial}/revoke", {"reason": "x"}),
        (f"/api/v1/staff/certificates/{certificate.serial}/reissue", {"reason": "x"}),
        (f"/api/v1/staff/enrolments/{enrolment.pk}/certificate", {"reason": "x"}),
        (f"/api/v1/staff/courses/{course.pk}/bulk-issues", {}),
    ):
        assert post(other, url, body).status_code == 404, url
    reader, token = token_client(course_staff(course), scope="read")
    response = post(
        reader,
        f"/api/v1/staff/certificates/{certificate.serial}/revoke",
        {"reason": "x"},
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    assert ApiRequestLog.objects.filter(token=token).get().status == 403


def test_revoke_replays_with_its_idempotency_key(course_tree, staff):
    """Revoking again with the same key answers as the first time (not the
    400 of a second revoke)."""
    course, lessons = course_tree
    certificate = certified(course, lessons)
    url = f"/api/v1/staff/certificates/{certificate.serial}/revoke"
    first = post(staff, url, {"reason": "Mistake"}, **{"Idempotency-Key": "r1"})
    again = post(staff, url, {"reason": "Mistake"}, **{"Idempotency-Key": "r1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
