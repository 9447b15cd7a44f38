"""The hook through which a host site narrows which courses a member of staff
sees (``lms_filter_courses_for_user``), across reports, exports and the API."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from wagtail import hooks

from courses.enrolment.enrolling import enrol
from courses.models import CoursePage
from courses.permissions import FILTER_COURSES_HOOK, course_staff, may_edit_course
from tests.factories import (
    in_english_admin,
    make_course_editor,
    make_course_tree,
    make_user,
    token_client,
)

pytestmark = pytest.mark.django_db


@dataclass
class TwoCourses:
    physics: CoursePage
    chemistry: CoursePage
    staff: object

    def without_chemistry(self, user, courses):
        """A host's hook: this site keeps chemistry's records from everyone."""
        return courses.exclude(translation_key=self.chemistry.translation_key)


@pytest.fixture
def two_courses() -> TwoCourses:
    """Physics (Anna Bērziņa enrolled) and chemistry (Pēteris Ozols enrolled), and
    a member of staff who may edit every course of the catalogue."""
    physics, _lessons = make_course_tree(modules=1, lessons=1, title="Fizika")
    chemistry, _lessons = make_course_tree(modules=1, lessons=1, title="Ķīmija")
    enrol(make_user(first_name="Anna", last_name="Bērziņa"), physics)
    enrol(make_user(first_name="Pēteris", last_name="Ozols"), chemistry)
    staff = in_english_admin(make_course_editor(physics.get_parent()))
    return TwoCourses(physics, chemistry, staff)


def admin_browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def refused_in_admin(response) -> bool:
    """Wagtail answers a refusal inside the admin with its home page and a message."""
    [message] = get_messages(response.wsgi_request)
    return (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
        and str(message).strip()
        == "Sorry, you do not have permission to access this area."
    )


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_progress_report_leaves_out_a_course_the_hook_removes(two_courses):
    """With the hook, the report lists only physics' learner and sends a request
    for chemistry's page back to the admin's home; without it, it lists both."""
    browser = admin_browser(two_courses.staff)
    url = reverse("reports:progress")
    html = browser.get(url).content.decode()
    assert "Bērziņa" in html and "Ozols" in html
    with hooks.register_temporarily(FILTER_COURSES_HOOK, two_courses.without_chemistry):
        response = browser.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bērziņa" in html
        assert "Ozols" not in html
        assert "Ķīmija" not in html
        response = browser.get(url, {"course": two_courses.chemistry.pk})
        assert refused_in_admin(response)


def test_the_csv_export_leaves_out_a_course_the_hook_removes(two_courses):
    """With the hook, the CSV download holds only physics' learner and a download
    of chemistry alone is refused."""
    browser = admin_browser(two_courses.staff)
    url = reverse("reports:export", args=["csv"])
    learners = {row[0] for row in csv_rows(browser.get(url))[1:]}
    assert learners == {"Anna Bērziņa", "Pēteris Ozols"}
    with hooks.register_temporarily(FILTER_COURSES_HOOK, two_courses.without_chemistry):
        learners = {row[0] for row in csv_rows(browser.get(url))[1:]}
        assert learners == {"Anna Bērziņa"}
        assert refused_in_admin(browser.get(url, {"course": two_courses.chemistry.pk}))


def test_the_staff_api_leaves_out_a_course_the_hook_removes(two_courses):
    """With the hook, a token's course list holds physics alone, and chemistry's
    enrolments and progress report are a 404, as if it did not exist."""
    api, _token = token_client(two_courses.staff, scope="read")
    chemistry = two_courses.chemistry.pk
    listed = api.get(reverse("api-v1:list_courses")).json()
    assert {course["title"] for course in listed} == {"Fizika", "Ķīmija"}
    with hooks.register_temporarily(FILTER_COURSES_HOOK, two_courses.without_chemistry):
        listed = api.get(reverse("api-v1:list_courses")).json()
        assert [course["title"] for course in listed] == ["Fizika"]
        for name in ("list_enrolments", "progress_report"):
            response = api.get(reverse(f"api-v1:{name}", args=[chemistry]))
            assert response.status_code == 404, name
            assert "Ozols" not in response.content.decode()
        report = api.get(
            reverse("api-v1:progress_report", args=[two_courses.physics.pk])
        )
        assert [row[0] for row in csv_rows(report)[1:]] == ["Anna Bērziņa"]


def test_the_hook_narrows_a_superuser_too(two_courses):
    """A superuser may edit every course until a host's hook leaves one out; then
    neither the policy nor the staff API gives them that course."""
    superuser = make_user(is_superuser=True, is_staff=True)
    assert may_edit_course(superuser, two_courses.chemistry)
    with hooks.register_temporarily(FILTER_COURSES_HOOK, two_courses.without_chemistry):
        assert not may_edit_course(superuser, two_courses.chemistry)
        assert may_edit_course(superuser, two_courses.physics)
        api, _token = token_client(superuser, scope="read")
        listed = api.get(reverse("api-v1:list_courses")).json()
        assert [course["title"] for course in listed] == ["Fizika"]


def test_course_notices_go_only_to_staff_the_hook_leaves_the_course(two_courses):
    """The people a course's notices go to are those the hook lets see it."""
    physics_staff = make_course_editor(two_courses.physics)
    assert set(course_staff(two_courses.chemistry)) == {two_courses.staff}
    with hooks.register_temporarily(FILTER_COURSES_HOOK, two_courses.without_chemistry):
        assert not course_staff(two_courses.chemistry).exists()
        assert set(course_staff(two_courses.physics)) == {
            two_courses.staff,
            physics_staff,
        }
