"""What a launch makes of its user in the course: the cohort of the platform's
course (made on its first launch), the platform's instructor as a tutor of
that cohort only, and the course a link opened before when a launch names
none."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from courses.enrolment.enrolling import enrol
from courses.enrolment.models import Cohort, Enrolment
from courses.lti.models import LtiContext, LtiIdentity, LtiResourceLink
from courses.permissions import VIEW_PROGRESS, cohorts_for, enrolments_for
from courses.roles import TUTORS, ensure_roles
from tests.factories import make_cohort, make_course, make_user
from tests.lti.platform import INSTRUCTOR, launch_form, platform_for

pytestmark = pytest.mark.django_db

CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"


def context(context_id: str = "c-101", **names) -> dict:
    return {CONTEXT: {"id": context_id, **names}}


def launch(client, registration, keys, **kwargs):
    form = launch_form(client, platform_for(registration, keys), **kwargs)
    return client.post("/lti/launch/", form)


@pytest.fixture
def course():
    return make_course(title="Programmēšana", slug="programming")


@pytest.fixture
def per_context(registration):
    registration.cohort_per_context = True
    registration.save()
    return registration


@pytest.fixture
def instructors(per_context):
    ensure_roles()
    per_context.instructors_are_staff = True
    per_context.save()
    return per_context


# One cohort per platform course -------------------------------------------------


def test_the_context_cohort_is_made_once_and_reused(
    client, per_context, platform_keys, course
):
    claims = context(title="Informātika 1", label="INF1")
    launch(
        client,
        per_context,
        platform_keys,
        custom={"course": course.slug},
        claims=claims,
    )
    client.logout()

    launch(
        client,
        per_context,
        platform_keys,
        custom={"course": course.slug},
        claims=claims,
        user_id="moodle-user-8",
    )

    cohort = Cohort.objects.get()
    assert (cohort.name, cohort.course) == ("Informātika 1", course)
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    stored = LtiContext.objects.get()
    assert (stored.context_id, stored.title, stored.cohort) == (
        "c-101",
        "Informātika 1",
        cohort,
    )


def test_another_platform_course_of_the_same_title_gets_its_own_cohort(
    client, per_context, platform_keys, course
):
    make_cohort(course, name="INF1")
    launch(
        client,
        per_context,
        platform_keys,
        custom={"course": course.slug},
        claims=context("c-202", label="INF1"),
    )

    assert Enrolment.objects.get().cohort.name == "INF1 (2)"


def test_the_registrations_cohort_of_the_course_comes_first(
    client, per_context, platform_keys, course
):
    per_context.cohort = make_cohort(course, name="LU, pavasaris")
    per_context.save()

    launch(
        client,
        per_context,
        platform_keys,
        custom={"course": course.slug},
        claims=context(title="Informātika 1"),
    )

    assert Enrolment.objects.get().cohort.name == "LU, pavasaris"
    assert not LtiContext.objects.exists()


# Instructors ---------------------------------------------------------------------


def test_an_instructor_tutors_that_cohort_only_and_is_not_enrolled(
    client, instructors, platform_keys, course
):
    own_learner = make_user(first_name="Pēteris", last_name="Kalns")
    other_learner = make_user(first_name="Marta", last_name="Liepa")
    other_cohort = make_cohort(course, name="Cita grupa")
    enrol(other_learner, course, cohort=other_cohort)
    claims = context(title="Informātika 1")
    launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        claims=claims,
    )
    cohort = Cohort.objects.get(name="Informātika 1")
    enrol(own_learner, course, cohort=cohort)
    client.logout()

    response = launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        claims=claims,
        user_id="teacher-1",
        roles=[INSTRUCTOR],
        email="teacher@example.edu",
    )

    teacher = LtiIdentity.objects.get(subject="teacher-1").user
    assert response.status_code == 302
    assert response.url == f"/admin/reports/?course={course.pk}&cohort={cohort.pk}"
    assert list(teacher.groups.values_list("name", flat=True)) == [TUTORS]
    assert list(teacher.tutored_cohorts.all()) == [cohort]
    assert not Enrolment.objects.filter(user=teacher).exists()
    assert list(cohorts_for(teacher, VIEW_PROGRESS)) == [cohort]
    # The first learner's launch and the learner enrolled by hand, no other.
    seen = set(enrolments_for(teacher, VIEW_PROGRESS).values_list("user", flat=True))
    assert seen == {
        LtiIdentity.objects.get(subject="moodle-user-7").user_id,
        own_learner.pk,
    }
    report = client.get(response.url).content.decode()
    assert "Kalns" in report
    assert "Liepa" not in report


@pytest.mark.parametrize(
    "role",
    [
        "Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    ],
)
def test_other_forms_of_the_instructor_role_count(
    client, instructors, platform_keys, course, role
):
    launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        claims=context(title="Informātika 1"),
        roles=[role],
    )

    user = LtiIdentity.objects.get().user
    assert user.tutored_cohorts.get().name == "Informātika 1"
    assert not Enrolment.objects.exists()


def test_an_institution_instructor_is_a_learner_in_this_course(
    client, instructors, platform_keys, course
):
    launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        claims=context(title="Informātika 1"),
        roles=["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"],
    )

    user = LtiIdentity.objects.get().user
    assert Enrolment.objects.get().user == user
    assert not user.tutored_cohorts.exists()
    assert not user.groups.exists()


def test_without_the_setting_an_instructor_is_enrolled_like_anyone(
    client, per_context, platform_keys, course
):
    ensure_roles()
    response = launch(
        client,
        per_context,
        platform_keys,
        custom={"course": course.slug},
        claims=context(title="Informātika 1"),
        roles=[INSTRUCTOR],
    )

    assert response.url == course.url
    user = LtiIdentity.objects.get().user
    assert Enrolment.objects.get().user == user
    assert not user.groups.exists()
    assert not Cohort.objects.get().tutors.exists()


def _nothing_written() -> None:
    assert not LtiIdentity.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="lti-").exists()
    assert not Cohort.objects.exists()
    assert not LtiContext.objects.exists()
    assert not Enrolment.objects.exists()
    assert not LtiResourceLink.objects.exists()


def test_an_instructor_launch_with_no_cohort_is_refused(
    client, instructors, platform_keys, course
):
    """No cohort chosen for this course and no platform course in the launch:
    nothing to tutor, and the page says what to set up."""
    response = launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        roles=[INSTRUCTOR],
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "nav norādīta neviena šī kursa grupa" in page
    assert "viena grupa katram platformas kursam" in page
    _nothing_written()
    assert "_auth_user_id" not in client.session


def test_without_the_tutors_group_an_instructor_is_refused(
    client, instructors, platform_keys, course
):
    Group.objects.filter(name=TUTORS).delete()

    response = launch(
        client,
        instructors,
        platform_keys,
        custom={"course": course.slug},
        claims=context(title="Informātika 1"),
        roles=[INSTRUCTOR],
    )

    assert response.status_code == 400
    assert "manage.py setup_roles" in response.content.decode()
    _nothing_written()
    assert not Group.objects.filter(name=TUTORS).exists()


# The course a link opened before --------------------------------------------------


def test_a_launch_without_the_parameter_opens_the_links_stored_course(
    client, registration, platform_keys, course
):
    launch(client, registration, platform_keys, custom={"course": course.slug})
    client.logout()

    response = launch(client, registration, platform_keys, user_id="moodle-user-8")

    assert response.url == course.url
    newcomer = LtiIdentity.objects.get(subject="moodle-user-8").user
    assert Enrolment.objects.get(user=newcomer).course_key == course.translation_key
    assert LtiResourceLink.objects.get().course_key == course.translation_key


def test_a_stored_course_no_longer_published_is_refused(
    client, registration, platform_keys, course
):
    launch(client, registration, platform_keys, custom={"course": course.slug})
    client.logout()
    course.unpublish()

    response = launch(client, registration, platform_keys, user_id="moodle-user-8")

    assert response.status_code == 400
    assert "šeit nav pieejams" in response.content.decode()
    assert not LtiIdentity.objects.filter(subject="moodle-user-8").exists()
