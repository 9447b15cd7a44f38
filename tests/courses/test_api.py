import pytest
from django.test import Client

from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, LessonProgress
from tests.factories import api_client, make_cohort, make_course_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_and_lessons():
    return make_course_tree(modules=2, lessons=2, title="STEM kurss")


def test_course_list_is_public(client, course_and_lessons):
    """Anyone can list courses with their hours."""
    course, _ = course_and_lessons
    response = client.get("/api/v1/courses")
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == course.pk
    assert item["title"] == "STEM kurss"
    assert item["hours"] == 24.0


def test_course_addresses_are_at_the_configured_address(
    client, course_and_lessons, settings
):
    """With the site at http://127.0.0.1:8100, a listed course's address is there,
    not at the host the request came by."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    course, _ = course_and_lessons
    [item] = client.get("/api/v1/courses").json()
    assert item["url"] == "http://127.0.0.1:8100" + course.url


def test_enrol_complete_and_list(course_and_lessons):
    """A learner enrols, completes a lesson and sees their progress."""
    course, lessons = course_and_lessons
    client = api_client(make_user())
    response = client.post(
        f"/api/v1/courses/{course.pk}/enrol", {}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    response = client.post(f"/api/v1/lessons/{lessons[0].pk}/complete")
    assert response.status_code == 200
    assert response.json()["completed_items"] == 1
    [item] = client.get("/api/v1/me/enrolments").json()
    assert item["course_id"] == course.pk
    assert item["status"] == "active"
    assert item["percent"] == 25
    assert (item["completed_items"], item["total_items"]) == (1, 4)
    assert item["hours_earned"] == 0.0
    assert item["completed_at"] is None


def test_enrol_with_key_and_errors_are_json(course_and_lessons):
    """Wrong keys and second enrolments are 400s with a readable message."""
    course, _ = course_and_lessons
    make_cohort(course, enrolment_key="STEM")
    client = api_client(make_user())
    url = f"/api/v1/courses/{course.pk}/enrol"
    response = client.post(url, {"key": "nope"}, content_type="application/json")
    assert response.status_code == 400
    assert "key" in response.json()["detail"]
    response = client.post(url, {"key": "STEM"}, content_type="application/json")
    assert response.status_code == 201
    response = client.post(url, {"key": "STEM"}, content_type="application/json")
    assert response.status_code == 400
    assert "already enrolled" in response.json()["detail"]


def test_bad_bodies_are_400_not_500(course_and_lessons):
    """Malformed JSON and wrong types get a 400 with a message."""
    course, _ = course_and_lessons
    client = api_client(make_user())
    url = f"/api/v1/courses/{course.pk}/enrol"
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, {"key": ["a", "b"]}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Enrolment.objects.exists()


def test_unknown_ids_are_404(course_and_lessons):
    """Unknown course and lesson ids are 404 JSON."""
    client = api_client(make_user())
    response = client.post(
        "/api/v1/courses/999999/enrol", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["detail"]
    assert client.post("/api/v1/lessons/999999/complete").status_code == 404
    assert client.post("/api/v1/lessons/abc/complete").status_code in (400, 404)


def test_anonymous_is_401_and_not_enrolled_is_403(client, course_and_lessons):
    """Signing in is required; a lesson of a course one is not in is forbidden."""
    _, lessons = course_and_lessons
    assert client.get("/api/v1/me/enrolments").status_code == 401
    assert client.post(f"/api/v1/lessons/{lessons[0].pk}/complete").status_code == 401
    response = api_client(make_user()).post(f"/api/v1/lessons/{lessons[0].pk}/complete")
    assert response.status_code == 403
    assert "not enrolled" in response.json()["detail"]
    assert not LessonProgress.objects.exists()


def test_state_changes_need_csrf(course_and_lessons):
    """A session-authenticated POST without the CSRF token is refused."""
    course, lessons = course_and_lessons
    user = make_user()
    enrol(user, course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(f"/api/v1/lessons/{lessons[0].pk}/complete")
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_learners_see_only_their_own_enrolments(course_and_lessons):
    """/me/enrolments lists the caller's enrolments and nobody else's."""
    course, _ = course_and_lessons
    enrol(make_user(), course)
    assert api_client(make_user()).get("/api/v1/me/enrolments").json() == []


def test_openapi_schema_lists_the_endpoints(client):
    """The OpenAPI schema documents the learner endpoints."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/courses",
        "/api/v1/courses/{course_id}/enrol",
        "/api/v1/lessons/{lesson_id}/complete",
        "/api/v1/me/enrolments",
    ):
        assert path in paths
