"""Which course a launch opens, and what the launch makes of its user there: a
learner enrolled (in the cohort of the registration or of the platform's
course), or an instructor made a tutor of that cohort (docs/lti.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.catalogue.models import CoursePage
from courses.enrolment.enrolling import EnrolmentError, enrol
from courses.enrolment.models import Cohort, Enrolment
from courses.lti.models import LtiContext, LtiRegistration, LtiResourceLink
from courses.lti.passback import CONTEXT_CLAIM, DEPLOYMENT_CLAIM, RESOURCE_LINK_CLAIM
from courses.permissions import VIEW_PROGRESS, may
from courses.roles import TUTORS

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
#: The Instructor context role: its LTI 1.3 URI, the short name LTI 1.3 still
#: allows, and the LTI 1.1 URN some platforms keep sending. An institution role
#: (``…/institution/person#Instructor``) is not one: it says nothing of this
#: course.
INSTRUCTOR_ROLES = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "Instructor",
        "urn:lti:role:ims/lis/Instructor",
    }
)
#: Instructor's sub-roles (teaching assistant, grader, …) are context roles of
#: the course too.
INSTRUCTOR_SUB_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#"


class UnknownCourse(Exception):
    """The launch names a course that is not published here."""


class InstructorRefused(EnrolmentError):
    """An instructor's launch that cannot make them a tutor; the message says
    what the site's administrator must set up."""


def _stored_course_key(
    registration: LtiRegistration, claims: dict[str, Any]
) -> uuid.UUID | None:
    """The course an earlier launch of this resource link opened: platforms
    send the link's custom parameters, but a link set up by deep linking or
    edited since may launch without them."""
    link_id = (claims.get(RESOURCE_LINK_CLAIM) or {}).get("id")
    if not link_id:
        return None
    return (
        LtiResourceLink.objects.filter(
            deployment__registration=registration,
            deployment__deployment_id=claims.get(DEPLOYMENT_CLAIM),
            resource_link_id=str(link_id)[:255],
            course_key__isnull=False,
        )
        .values_list("course_key", flat=True)
        .first()
    )


def course_of_launch(
    registration: LtiRegistration, claims: dict[str, Any]
) -> CoursePage | None:
    """The course the resource link's custom parameter ``course`` names (its
    slug, as the platform's administrator or deep linking set it), else the
    course this resource link opened before; in the current language when
    translated. None when neither names a course.

    Raises :class:`UnknownCourse` for a course that is not live here."""
    custom = claims.get(CUSTOM_CLAIM) or {}
    slug = str(custom.get("course") or "").strip() if isinstance(custom, dict) else ""
    live = CoursePage.objects.live()
    if slug:
        course = live.filter(slug=slug).first()
    else:
        key = _stored_course_key(registration, claims)
        if key is None:
            return None
        course = live.filter(translation_key=key).first()
        slug = str(key)
    if course is None:
        raise UnknownCourse(slug)
    # A translation's slug may differ; the learner sees their language's page.
    translated = live.filter(
        translation_key=course.translation_key, locale__language_code=get_language()
    ).first()
    return translated or course


def is_instructor(claims: dict[str, Any]) -> bool:
    """Whether the launch's roles make its user an instructor of the course."""
    roles = claims.get(ROLES_CLAIM) or []
    if not isinstance(roles, list):
        return False
    return any(
        role in INSTRUCTOR_ROLES or role.startswith(INSTRUCTOR_SUB_ROLE)
        for role in map(str, roles)
    )


def _free_name(course: CoursePage, title: str) -> str:
    """``title``, numbered when a cohort of the course already has that name
    (two platform courses may share a title)."""
    base = title[:240]
    taken = set(
        Cohort.objects.filter(course__translation_key=course.translation_key)
        .filter(name__startswith=base)
        .values_list("name", flat=True)
    )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} ({number})"
    return name


def context_cohort(
    registration: LtiRegistration, course: CoursePage, claims: dict[str, Any]
) -> Cohort | None:
    """The cohort of the launch's platform course (its ``context``) in
    ``course``, made on its first launch and named after the context's title
    (else its label, else its id). None when the launch has no context."""
    context = claims.get(CONTEXT_CLAIM) or {}
    if not isinstance(context, dict):
        return None
    context_id = str(context.get("id") or "").strip()[:255]
    if not context_id:
        return None
    lookup = {
        "registration": registration,
        "context_id": context_id,
        "course_key": course.translation_key,
    }
    found = LtiContext.objects.select_related("cohort").filter(**lookup).first()
    if found is not None:
        return found.cohort
    title = str(context.get("title") or context.get("label") or context_id).strip()
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(
                course=course, name=_free_name(course, title)
            )
            LtiContext.objects.create(**lookup, title=title[:255], cohort=cohort)
    except IntegrityError:
        # A launch from the same platform course made it meanwhile.
        found = LtiContext.objects.select_related("cohort").filter(**lookup).first()
        if found is None:
            raise
        return found.cohort
    return cohort


def cohort_of_launch(
    registration: LtiRegistration, course: CoursePage, claims: dict[str, Any]
) -> Cohort | None:
    """The registration's cohort when it is one of ``course``'s; else, with one
    cohort per platform course, the context's; else none."""
    cohort = registration.cohort
    if cohort is not None and cohort.course.translation_key == course.translation_key:
        return cohort
    if registration.cohort_per_context:
        return context_cohort(registration, course, claims)
    return None


def _tutor_from_launch(
    user: AbstractBaseUser, course: CoursePage, cohort: Cohort | None
) -> str | None:
    """Make the instructor a tutor of ``cohort`` (of it only: a tutor sees the
    learners of the cohorts naming them). Returns the progress report of that
    cohort when they may open it, else None (the course page)."""
    if cohort is None:
        raise InstructorRefused(
            _(
                "You opened this course as an instructor, but no cohort of it is "
                "set for your platform here, so you cannot be made its tutor. Ask "
                "this site's administrator to choose a cohort of this course in "
                "the platform's registration, or to turn on one cohort per "
                "platform course."
            )
        )
    # The group is one of the roles ``manage.py setup_roles`` makes with their
    # permissions; one made here would have none.
    group = Group.objects.filter(name=TUTORS).first()
    if group is None:
        raise InstructorRefused(
            _(
                "Instructors cannot be made tutors here yet: the Tutors group does "
                "not exist. Ask this site's administrator to run "
                "“manage.py setup_roles”."
            )
        )
    user.groups.add(group)
    cohort.tutors.add(user)
    # Afresh: the permissions cached on ``user`` predate the group.
    tutor = type(user)._default_manager.get(pk=user.pk)
    if tutor.has_perm("wagtailadmin.access_admin") and may(
        tutor, VIEW_PROGRESS, course
    ):
        query = urlencode({"course": cohort.course_id, "cohort": cohort.pk})
        return f"{reverse('reports:progress')}?{query}"
    return None


def enrol_from_launch(
    user: AbstractBaseUser,
    course: CoursePage,
    registration: LtiRegistration,
    claims: dict[str, Any],
) -> str | None:
    """What the launch makes of its user in ``course``; returns where they land
    when not on the course page.

    An instructor, when the registration lets instructors tutor, becomes a tutor
    of the launch's cohort and is not enrolled (:class:`InstructorRefused`
    without a cohort). Anyone else is enrolled unless already, in the launch's
    cohort. ``EnrolmentError`` (cohort closed or full) reaches the caller, which
    rolls the launch back."""
    if registration.instructors_are_staff and is_instructor(claims):
        return _tutor_from_launch(
            user, course, cohort_of_launch(registration, course, claims)
        )
    if (
        Enrolment.objects.filter(user=user, course_key=course.translation_key)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exists()
    ):
        return None
    cohort = cohort_of_launch(registration, course, claims)
    enrol(user, course, cohort=cohort, note=registration.name)
    return None
