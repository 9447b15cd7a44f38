"""Guessing is limited: 10 wrong check-in codes or enrolment keys per learner per
session or course in 10 minutes (on the page and in the API together), staff
codes long enough not to fall within them, and public look-ups per address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.enrolment.enrolling import enrol
from courses.models import Attendance, Enrolment
from tests.factories import make_cohort, make_live_session, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

#: django-ratelimit counts in fixed 10-minute windows: the wait is what is left
#: of the window.
TOO_MANY = re.compile(r"Too many wrong tries\. Try again in (1?[0-9]) minutes?\.")


@pytest.fixture
def course(course_and_module):
    return course_and_module[0]


@pytest.fixture
def session(course_and_module):
    _course, module = course_and_module
    return make_live_session(
        module,
        start=timezone.now(),
        end=timezone.now() + timedelta(hours=1),
        check_in_code="AB3CD4",
    )


def check_in_page(client, session, code: str) -> str:
    response = client.post(
        f"/en/sessions/{session.pk}/check-in/",
        {"code": code, "next": "/en/my/"},
        follow=True,
    )
    return response.content.decode()


def test_ten_wrong_codes_then_even_the_right_one_waits(client, session, course):
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    for n in range(10):
        assert "The check-in code is not correct." in check_in_page(
            client, session, f"WRONG{n}"
        )
    assert TOO_MANY.search(check_in_page(client, session, "AB3CD4"))
    assert not Attendance.objects.exists()
    # Another learner has tries of their own.
    other = make_user()
    enrol(other, course)
    client.force_login(other)
    assert not TOO_MANY.search(check_in_page(client, session, "AB3CD4"))
    assert Attendance.objects.get().enrolment.user == other


def test_the_page_and_the_api_share_one_count(client, session, course):
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    for n in range(5):
        check_in_page(client, session, f"WRONG{n}")
    url = f"/api/v1/sessions/{session.pk}/check-in"
    for n in range(5):
        response = client.post(
            url, {"code": f"BAD{n}"}, content_type="application/json"
        )
        assert response.status_code == 400
    response = client.post(url, {"code": "AB3CD4"}, content_type="application/json")
    assert response.status_code == 429
    assert TOO_MANY.fullmatch(response.json()["detail"])
    assert not Attendance.objects.exists()


def test_right_codes_do_not_count(client, course_and_module, course):
    """A learner who checks in to many sessions is never held back."""
    _course, module = course_and_module
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    for n in range(12):
        session = make_live_session(
            module,
            start=timezone.now(),
            end=timezone.now() + timedelta(hours=1),
            check_in_code=f"RIGHT{n:02d}",
        )
        assert not TOO_MANY.search(check_in_page(client, session, f"RIGHT{n:02d}"))
    assert Attendance.objects.count() == 12


def test_ten_wrong_enrolment_keys_then_even_the_right_one_waits(client, course):
    make_cohort(course, name="Daugavpils", enrolment_key="STEM-DAUGAVPILS")
    learner = make_user()
    client.force_login(learner)
    url = f"/en/courses/{course.pk}/enrol/"
    for n in range(10):
        page = client.post(
            url, {"key": f"guess-{n}", "next": "/en/my/"}, follow=True
        ).content.decode()
        assert not TOO_MANY.search(page)
    page = client.post(
        url, {"key": "STEM-DAUGAVPILS", "next": "/en/my/"}, follow=True
    ).content.decode()
    assert TOO_MANY.search(page)
    assert not Enrolment.objects.filter(user=learner).exists()


def test_staff_chosen_codes_have_at_least_six_characters(session):
    session.check_in_code = "42"
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["check_in_code"] == [
        "Use at least 6 letters or digits, or leave it empty."
    ]


def test_verification_lookups_are_limited_per_address(client):
    """60 look-ups a minute from one address; the 61st is told to wait."""
    for n in range(60):
        response = client.get(f"/verify/{n:020d}/")
        assert response.status_code == 404
    response = client.get(f"/verify/{99:020d}/")
    assert response.status_code == 429
    assert "Too many look-ups" in response.content.decode()
    other = client.get(f"/verify/{99:020d}/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404
