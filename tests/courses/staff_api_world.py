"""The staff operations of the JSON API: the course a member of staff works on,
that staff member, and a JSON post as a university's system sends it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import make_course_tree


@pytest.fixture
def api_course():
    """A course of two modules of one lesson each, “STEM kurss”."""
    course, _lessons = make_course_tree(modules=2, lessons=1, title="STEM kurss")
    return course


@pytest.fixture
def api_editor(api_course, course_staff):
    """Staff of ``api_course`` and of no other course: who holds the tokens."""
    return course_staff(api_course, first_name="Inese", last_name="Kalniņa")


def post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )
