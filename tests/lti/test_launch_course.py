"""A launch whose link names one of our courses: the learner is enrolled and
lands on the course page; a course that is not here changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from courses.enrolment.models import Enrolment
from courses.lti.landing import PRESENTATION_CLAIM, launch_language
from courses.lti.models import LtiIdentity
from courses.progress.recording import record_lesson_completed
from tests.factories import make_cohort, make_course, make_course_tree
from tests.lti.platform import launch_form, platform_for

pytestmark = pytest.mark.django_db


def test_launch_naming_a_course_enrols_and_opens_its_page(
    client, registration, platform_keys
):
    course = make_course(slug="digital-skills")
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 302
    assert response.url == course.url
    user = LtiIdentity.objects.get().user
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.course_key == course.translation_key
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.cohort is None
    page = client.get(response.url)
    assert page.status_code == 200
    assert course.title in page.content.decode()


def test_launch_opens_the_lesson_the_learner_goes_on_with(
    client, registration, platform_keys
):
    course, lessons = make_course_tree(modules=1, lessons=3)
    platform = platform_for(registration, platform_keys)

    first = client.post(
        "/lti/launch/", launch_form(client, platform, custom={"course": course.slug})
    )
    assert first.url == lessons[0].url
    assert lessons[0].title in client.get(first.url).content.decode()
    record_lesson_completed(Enrolment.objects.get(), lessons[0])

    again = client.post(
        "/lti/launch/", launch_form(client, platform, custom={"course": course.slug})
    )

    assert again.url == lessons[1].url


def test_second_launch_keeps_the_one_enrolment(client, registration, platform_keys):
    course = make_course()
    platform = platform_for(registration, platform_keys)
    for _ in range(2):
        form = launch_form(client, platform, custom={"course": course.slug})
        assert client.post("/lti/launch/", form).url == course.url

    assert Enrolment.objects.count() == 1


def test_enrolment_is_in_the_registrations_cohort(client, registration, platform_keys):
    course = make_course()
    registration.cohort = make_cohort(course, name="DU, spring")
    registration.save()
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
    )

    client.post("/lti/launch/", form)

    assert Enrolment.objects.get().cohort.name == "DU, spring"


def test_cohort_of_another_course_is_not_used(client, registration, platform_keys):
    course = make_course()
    registration.cohort = make_cohort(make_course())
    registration.save()
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
    )

    client.post("/lti/launch/", form)

    assert Enrolment.objects.get().cohort is None


def test_unknown_course_gets_the_error_page_and_changes_nothing(
    client, registration, platform_keys
):
    form = launch_form(
        client, platform_for(registration, platform_keys), custom={"course": "no-such"}
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Kurss, ko atver šī saite, šeit nav pieejams" in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert not Enrolment.objects.exists()
    assert "_auth_user_id" not in client.session


def test_closed_cohort_refuses_the_launch_and_creates_no_account(
    client, registration, platform_keys
):
    course = make_course()
    registration.cohort = make_cohort(
        course, enrolment_closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    registration.save()
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        custom={"course": course.slug},
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert registration.cohort.name in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert not Enrolment.objects.exists()


def test_launch_naming_no_course_opens_the_dashboard(
    client, registration, platform_keys
):
    form = launch_form(client, platform_for(registration, platform_keys))

    response = client.post("/lti/launch/", form)

    assert response.status_code == 302
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("locale", "language"),
    [("lv", "lv"), ("en_us", "en"), ("EN-GB", "en"), ("de", None), ("", None)],
)
def test_launch_opens_in_the_platforms_language(locale, language):
    claims = {PRESENTATION_CLAIM: {"locale": locale}}

    assert launch_language(claims) == language


def test_launch_without_a_locale_keeps_the_browsers_language():
    assert launch_language({}) is None
    assert launch_language({PRESENTATION_CLAIM: "lv"}) is None
