"""The Latvian admin names enrolment without choosing a gender: "Uzņemšana
kursā" rather than the masculine "Uzņemts kursā", and counts of enrolments as
"Dalībnieki"."""

from __future__ import annotations

import pytest
from django.utils import translation
from wagtail.users.models import UserProfile

from courses.enrolment.enrolling import EnrolmentError, enrol, withdraw
from tests.courses.report_world import REPORT_URL
from tests.courses.test_report_exports import both
from tests.factories import make_course_tree, make_programme_admin, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def latvian_staff(client):
    """A programme administrator whose admin speaks Latvian, signed in; a course
    with a learner who stayed and one who withdrew."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    enrol(make_user(first_name="Anna", last_name="Ābele"), course)
    withdraw(enrol(make_user(first_name="Rita", last_name="Cers"), course))
    staff = make_programme_admin()
    UserProfile.objects.update_or_create(
        user=staff, defaults={"preferred_language": "lv"}
    )
    client.force_login(staff)
    return course


def test_the_progress_report_and_listing_head_the_date_neutrally(latvian_staff, client):
    for url in (REPORT_URL, "/admin/learners/enrolments/"):
        html = client.get(url).content.decode()
        assert "Uzņemšana kursā" in html
        assert "Uzņemts" not in html
    [headings, *_rows] = both(client, "")
    assert "Uzņemšana kursā" in headings


def test_the_summary_counts_enrolments_as_learners_in_latvian(latvian_staff, client):
    """The page and its download head the counts "Dalībnieki" … "Pārtraukts"."""
    html = client.get(f"{REPORT_URL}summary/").content.decode()
    assert '<th scope="col">Dalībnieki</th>' in html
    [headings, *_rows] = both(client, "summary/")
    assert headings[2:6] == ["Dalībnieki", "Aktīvs", "Pabeigts", "Pārtraukts"]


def test_enrolling_twice_is_refused_without_a_gender(latvian_staff):
    learner = make_user()
    enrol(learner, latvian_staff)
    with translation.override("lv"), pytest.raises(EnrolmentError) as refusal:
        enrol(learner, latvian_staff)
    assert str(refusal.value) == "Dalība šajā kursā jau ir reģistrēta."
