"""The admin home asks once per request whether its user holds each capability:
every menu item, summary figure and screen shares the answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.permissions import VIEW_PROGRESS, holds
from tests.factories import (
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_programme_admin,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db


def capability_questions(client) -> int:
    """How many times the admin home asked whether some course exists for its
    user (``SELECT 1 … FROM courses_coursepage``)."""
    client.get("/admin/")  # warm Wagtail's menus and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT 1 AS "a" FROM "courses_coursepage"')
    )


@pytest.mark.parametrize("role", ["author", "tutor", "programme", "superuser"])
def test_admin_home_asks_each_capability_once(client, role):
    course = make_course_tree(modules=1, lessons=1)[0]
    user = {
        "author": lambda: make_course_editor(course),
        "tutor": lambda: make_tutor(make_cohort(course)),
        "programme": make_programme_admin,
        "superuser": lambda: make_user(is_superuser=True, is_staff=True),
    }[role]()
    client.force_login(user)
    # A superuser holds every capability in every course, so one question
    # answers them all; a programme administrator's own capabilities share one
    # too, and the rest (a course author's editing and scheduling) are asked once
    # each, as an author's and a tutor's are.
    limit = {"author": 5, "tutor": 4, "programme": 3, "superuser": 1}[role]
    assert capability_questions(client) <= limit


def test_the_answer_is_kept_for_the_user_object_it_was_asked_of():
    course = make_course_tree(modules=1, lessons=1)[0]
    tutor = make_tutor(make_cohort(course))
    with CaptureQueriesContext(connection) as queries:
        assert holds(tutor, VIEW_PROGRESS)
        assert holds(tutor, VIEW_PROGRESS)
    asked = len(queries.captured_queries)
    stranger = make_user()
    assert not holds(stranger, VIEW_PROGRESS)
    with CaptureQueriesContext(connection) as again:
        assert holds(tutor, VIEW_PROGRESS)
    assert asked >= 1 and len(again.captured_queries) == 0
