"""Fixtures the courses tests share."""

import pytest
from django.utils import translation

from tests.courses.privacy_world import (  # noqa: F401  (fixtures)
    person_world,
    traced_world,
)
from tests.courses.report_world import school  # noqa: F401  (a fixture)
from tests.factories import make_course_tree


@pytest.fixture
def english(client):
    """Pages and messages in English (the language the tests are written in):
    the test client asks for English, and code called directly speaks it."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def course_and_module():
    """A published course with one module of one lesson: (course, module)."""
    course, _lessons = make_course_tree(modules=1, lessons=1, title="STEM kurss")
    return course, course.get_children().specific().first()
