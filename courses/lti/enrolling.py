"""Which course a launch opens, and the learner's enrolment in it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import get_language

from courses.catalogue.models import CoursePage
from courses.enrolment.enrolling import enrol
from courses.enrolment.models import Enrolment
from courses.lti.models import LtiRegistration

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"


class UnknownCourse(Exception):
    """The launch names a course that is not published here."""


def course_of_launch(claims: dict[str, Any]) -> CoursePage | None:
    """The course the resource link's custom parameter ``course`` names (its
    slug, as the platform's administrator or deep linking set it), in the
    current language when translated; None when the link names no course.

    Raises :class:`UnknownCourse` for a name that matches no live course."""
    custom = claims.get(CUSTOM_CLAIM) or {}
    slug = str(custom.get("course") or "").strip() if isinstance(custom, dict) else ""
    if not slug:
        return None
    course = CoursePage.objects.live().filter(slug=slug).first()
    if course is None:
        raise UnknownCourse(slug)
    # A translation's slug may differ; the learner sees their language's page.
    translated = (
        CoursePage.objects.live()
        .filter(
            translation_key=course.translation_key,
            locale__language_code=get_language(),
        )
        .first()
    )
    return translated or course


def enrol_from_launch(
    user: AbstractBaseUser, course: CoursePage, registration: LtiRegistration
) -> None:
    """Enrol the launch's learner unless already enrolled, in the registration's
    cohort when it is one of this course's. ``EnrolmentError`` (cohort closed or
    full) reaches the caller, which rolls the launch back."""
    if (
        Enrolment.objects.filter(user=user, course_key=course.translation_key)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exists()
    ):
        return
    cohort = registration.cohort
    if cohort is not None and (cohort.course.translation_key != course.translation_key):
        cohort = None
    enrol(user, course, cohort=cohort, note=registration.name)
