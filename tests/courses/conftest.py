"""Fixtures the courses tests share."""

import pytest
from django.utils import translation

from courses.enrolment.enrolling import enrol
from tests.courses.csv_enrolment_world import (  # noqa: F401  (fixtures)
    csv_course,
    enroller,
    site_at_testserver,
)
from tests.courses.integration_fakes import lrs, public_dns  # noqa: F401  (fixtures)
from tests.courses.privacy_world import (  # noqa: F401  (fixtures)
    person_world,
    traced_world,
)
from tests.courses.report_world import school  # noqa: F401  (a fixture)
from tests.courses.staff_api_world import api_course, api_editor  # noqa: F401  (fixtures)
from tests.factories import make_course_tree, make_user


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


@pytest.fixture
def course(course_and_module):
    """The published course of ``course_and_module``."""
    return course_and_module[0]


@pytest.fixture
def module(course_and_module):
    """The module of ``course_and_module``."""
    return course_and_module[1]


@pytest.fixture
def learner_enrolment(course):
    """Jolanta Ūzuliņa, enrolled in ``course``."""
    return enrol(make_user(first_name="Jolanta", last_name="Ūzuliņa"), course)
