from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance
from tests.factories import api_client, make_live_session, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


LINK = "https://zoom.us/j/555000111"


@pytest.fixture
def open_session(course_and_module):
    _course, module = course_and_module
    now = timezone.now()
    return make_live_session(
        module,
        start=now - timedelta(minutes=10),
        end=now + timedelta(hours=1),
        check_in_code="AB3CD4",
    )


def test_course_sessions_hide_links_from_visitors(client, course_and_module):
    """Anyone lists a course's sessions; only its learners get the online link."""
    course, module = course_and_module
    session = make_live_session(
        module,
        title="Pieredzes apmaiņa",
        title_en="Experience exchange",
        hours=Decimal(2),
    )
    url = f"/api/v1/courses/{course.pk}/sessions"
    [item] = client.get(url).json()
    assert item["id"] == session.pk
    assert item["title"] == "Experience exchange"
    assert (item["mode"], item["hours"]) == ("online", 2.0)
    assert item["online_link"] is None
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    [item] = client.get(url).json()
    assert item["online_link"] == LINK


def test_course_sessions_of_unknown_course_is_404(client):
    """An unknown course id is a JSON 404."""
    response = client.get("/api/v1/courses/999999/sessions")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_my_attendance_needs_sign_in_and_lists_mine(client, course_and_module):
    """Visitors get a 401; a learner sees their own attendance only."""
    course, module = course_and_module
    assert client.get("/api/v1/me/attendance").status_code == 401
    session = make_live_session(module, hours=Decimal(3))
    mine = enrol(make_user(), course)
    other = enrol(make_user(), course)
    mark_attendance(session, mine, "present", hours=Decimal("2.5"))
    mark_attendance(session, other, "absent")
    client.force_login(mine.user)
    [item] = client.get("/api/v1/me/attendance").json()
    assert item["session_id"] == session.pk
    assert item["course_id"] == course.pk
    assert (item["status"], item["hours"], item["source"]) == (
        "present",
        2.5,
        "register",
    )


def test_check_in_through_the_api(course_and_module, open_session):
    """An enrolled learner checks in with the code; doing it again changes nothing."""
    course, _module = course_and_module
    learner = make_user()
    enrol(learner, course)
    client = api_client(learner)
    url = f"/api/v1/sessions/{open_session.pk}/check-in"
    response = client.post(url, {"code": "ab3cd4"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "present"
    assert response.json()["hours"] == 2.0
    response = client.post(url, {"code": "AB3CD4"}, content_type="application/json")
    assert response.status_code == 200
    assert Attendance.objects.count() == 1


def test_check_in_errors_are_json(course_and_module, open_session):
    """Wrong codes, closed windows, strangers, visitors and bad bodies get clear
    JSON errors and record nothing."""
    course, module = course_and_module
    url = f"/api/v1/sessions/{open_session.pk}/check-in"
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = visitor.post(url, {"code": "AB3CD4"}, content_type="application/json")
    assert response.status_code == 401
    stranger = api_client(make_user())
    response = stranger.post(url, {"code": "AB3CD4"}, content_type="application/json")
    assert response.status_code == 403
    assert "not enrolled" in response.json()["detail"]
    learner = make_user()
    enrol(learner, course)
    client = api_client(learner)
    response = client.post(url, {"code": "WRONG1"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The check-in code is not correct."
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400
    past = make_live_session(
        module,
        start=timezone.now() - timedelta(days=2),
        end=timezone.now() - timedelta(days=2, hours=-2),
        check_in_code="AB3CD4",
    )
    response = client.post(
        f"/api/v1/sessions/{past.pk}/check-in",
        {"code": "AB3CD4"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "closed" in response.json()["detail"]
    response = client.post(
        "/api/v1/sessions/999999/check-in",
        {"code": "AB3CD4"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()
