"""Enrolling learners from a CSV file: the course they join, the programme
administrator who enrols them, and the files the tests upload."""

import pytest

from tests.factories import in_english_admin, make_course, make_programme_admin


@pytest.fixture
def site_at_testserver(settings):
    """Links in e-mails point at the test server, so the test client can follow them."""
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"


@pytest.fixture
def csv_course():
    """The course the tests enrol learners into."""
    return make_course(title="Pētnieciskā mācīšanās")


@pytest.fixture
def enroller():
    """A programme administrator: who enrols learners."""
    return in_english_admin(make_programme_admin(username="metodike"))


def csv_bytes(*lines: str, delimiter: str = ";", bom: bool = False) -> bytes:
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    return text.encode("utf-8-sig" if bom else "utf-8")
