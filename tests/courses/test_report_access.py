"""Who may read reports: learners and staff of another course get no learner's
data, and admin access alone shows no report."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from tests.courses.report_world import (
    REPORT_URL,
    course_editor,
    refused,
)
from tests.factories import (
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_learner_and_staff_of_another_course_get_no_data(school, client):
    """A learner is sent to sign in; staff of another course are refused that
    course, and their own report does not list its learners."""
    other_course, _lessons = make_course_tree(modules=1, lessons=1)
    course = school["course"].pk
    urls = [
        f"{REPORT_URL}?course={course}",
        f"{REPORT_URL}export/csv/?course={course}",
        f"{REPORT_URL}export/xlsx/?course={course}",
        f"{REPORT_URL}matrix/?course={course}",
        f"{REPORT_URL}summary/?course={course}",
        f"{REPORT_URL}competences/?course={course}",
    ]
    client.force_login(school["anna"].user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    client.force_login(course_editor(other_course))
    for url in urls:
        response = client.get(url)
        assert refused(response)
        assert "Bērziņa".encode() not in response.content
    for url in [REPORT_URL, f"{REPORT_URL}export/csv/", f"{REPORT_URL}summary/"]:
        response = client.get(url)
        assert response.status_code == 200
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert "Bērziņa".encode() not in body
        assert b"Ozols" not in body


def test_staff_without_any_course_are_refused(client):
    """Admin access alone shows no reports."""
    group = Group.objects.create(name="Admin only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = make_user()
    user.groups.add(group)
    client.force_login(user)
    assert refused(client.get(REPORT_URL))
    assert refused(client.get(f"{REPORT_URL}export/csv/"))
