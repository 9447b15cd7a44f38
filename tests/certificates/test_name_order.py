"""Issued certificates are listed, and packed in the ZIP, in Latvian order of
their holders' names ("Ābele" after "Abele", "Šmits" after "Sproģis")."""

from __future__ import annotations

import io
import zipfile

import pytest

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment
from tests.factories import make_course_tree

pytestmark = pytest.mark.django_db

SURNAMES = ["Abele", "Ābele", "Abels", "Cers", "Čakste", "Sproģis", "Šmits"]
SURNAMES += ["Zariņš", "Žagars"]
NAMES = [f"Anna {surname}" for surname in SURNAMES]


@pytest.fixture
def course(template):
    """A course whose certificates were issued in no particular order."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    for index in (8, 6, 1, 4, 0, 7, 3, 5, 2):
        enrolment = completed_enrolment(
            course, lessons, first_name="Anna", last_name=SURNAMES[index]
        )
        issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
    return course


def shown(text: str) -> list[str]:
    return sorted((name for name in NAMES if name in text), key=text.index)


def test_the_listing_sorts_holders_in_latvian_order(client, course, course_staff):
    client.force_login(course_staff(course))
    html = client.get("/admin/certificates/", {"ordering": "learner_name"}).content
    assert shown(html.decode()) == NAMES
    html = client.get("/admin/certificates/", {"ordering": "-learner_name"}).content
    assert shown(html.decode()) == NAMES[::-1]


def test_the_zip_holds_the_pdfs_in_latvian_order(client, course, course_staff):
    client.force_login(course_staff(course))
    response = client.get("/admin/certificates/zip/download/", {"course": course.pk})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert shown("\n".join(archive.namelist())) == NAMES
