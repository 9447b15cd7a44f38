"""What a member of staff may do, and for which courses and learners.

A *capability* is one thing a screen, export or API operation lets a person do
(review submissions, issue certificates, …). It is held in one of three ways:

- through its Django permission (``Capability.permission``, given to a group such
  as the programme administrators): for every course;
- as a course author (Wagtail's page "change" permission on a course), for that
  course, when the capability says authors have it;
- as a tutor of a cohort (``Cohort.tutors``), for that cohort's learners, when
  the capability says tutors have it.

A superuser holds every capability. A person may hold several roles: the answer
is the union. A host site narrows the courses of every answer through
:data:`FILTER_COURSES_HOOK`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import Cohort, CoursePage, Enrolment

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet


#: The Wagtail hook through which a host site narrows the courses a member of staff
#: (superusers included) sees the records of: ``fn(user, courses) -> courses``,
#: given and returning a queryset of :class:`~courses.models.CoursePage`, as
#: Wagtail's ``filter_form_submissions_for_user`` does for form submissions. Every
#: screen, report, export, API operation and notice follows it, because all of them
#: ask :func:`courses_for`. Records follow a course across its language versions,
#: so a course is hidden only when all of its versions are left out.
FILTER_COURSES_HOOK = "lms_filter_courses_for_user"


@dataclass(frozen=True)
class Capability:
    """One thing staff may do. ``permission`` ("app_label.codename") grants it
    for every course; ``authors`` and ``tutors`` say whether a course's authors
    and a cohort's tutors have it for theirs."""

    permission: str | None
    authors: bool = False
    tutors: bool = False


#: Write a course's pages, quizzes and assignments: Wagtail's page permissions.
EDIT_COURSE = Capability(None, authors=True)
#: The progress of learners (reports); e-mail addresses need EXPORT_PERSONAL_DATA.
VIEW_PROGRESS = Capability("courses.view_progress", authors=True, tutors=True)
#: Accept or return submitted assignments, and read them.
REVIEW_SUBMISSION = Capability("courses.review_submission", tutors=True)
#: Mark attendance in a live session's register, renew its check-in code.
TAKE_ATTENDANCE = Capability("courses.take_attendance", tutors=True)
#: Schedule a course's live sessions (their online links included).
SCHEDULE_SESSIONS = Capability("courses.change_livesession", authors=True)
#: Learners' e-mail addresses in reports and exports.
EXPORT_PERSONAL_DATA = Capability("courses.export_personal_data")
#: Enrol and withdraw learners (by hand, CSV or API); set up cohorts.
MANAGE_ENROLMENT = Capability("courses.manage_enrolment")
#: Personal API tokens for the staff operations.
MANAGE_API_TOKENS = Capability("courses.manage_api_tokens")


def _active_staff(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.is_active


def _narrowed(user: AbstractBaseUser, courses: QuerySet) -> QuerySet[CoursePage]:
    for fn in hooks.get_hooks(FILTER_COURSES_HOOK):
        courses = fn(user, courses)
    return courses


def holds_everywhere(user: AbstractBaseUser, capability: Capability) -> bool:
    """Whether ``user`` has ``capability`` for every course (before a host's
    hook narrows the courses): a superuser, or a holder of its permission."""
    if not _active_staff(user):
        return False
    return user.is_superuser or bool(
        capability.permission and user.has_perm(capability.permission)
    )


def whole_courses(user: AbstractBaseUser, capability: Capability) -> QuerySet:
    """Courses (any language version) where ``user`` has ``capability`` for
    every learner: everywhere, or as the course's author."""
    if holds_everywhere(user, capability):
        return _narrowed(user, CoursePage.objects.all())
    if not (capability.authors and _active_staff(user)):
        return CoursePage.objects.none()
    # Wagtail's page policy, for pages of every type: Wagtail 7.4 finds none when
    # asked for one page type.
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return _narrowed(user, CoursePage.objects.filter(pk__in=pages.values("pk")))


def tutored_cohorts(user: AbstractBaseUser, capability: Capability) -> QuerySet:
    """The cohorts ``user`` teaches, when tutors have ``capability``."""
    if not (capability.tutors and _active_staff(user)):
        return Cohort.objects.none()
    cohorts = Cohort.objects.filter(tutors=user)
    if not hooks.get_hooks(FILTER_COURSES_HOOK):
        return cohorts
    courses = _narrowed(
        user,
        CoursePage.objects.filter(
            translation_key__in=cohorts.values("course__translation_key")
        ),
    )
    return cohorts.filter(course__translation_key__in=courses.values("translation_key"))


def courses_for(user: AbstractBaseUser, capability: Capability) -> QuerySet:
    """Courses (any language version) where ``user`` has ``capability`` for some
    learners at least: what a course filter or form may offer them."""
    whole = whole_courses(user, capability)
    if not capability.tutors or holds_everywhere(user, capability):
        return whole
    # One query whoever asks: the tutored cohorts are a subquery.
    cohorts = tutored_cohorts(user, capability)
    return CoursePage.objects.filter(
        Q(pk__in=whole.values("pk"))
        | Q(translation_key__in=cohorts.values("course__translation_key"))
    )


def enrolment_scope(
    user: AbstractBaseUser, capability: Capability, prefix: str = ""
) -> Q:
    """The condition on enrolments (or on records reached through ``prefix``,
    e.g. ``"enrolment__"``) that ``user`` has ``capability`` for."""
    scope = Q(
        **{
            f"{prefix}course_key__in": whole_courses(user, capability).values(
                "translation_key"
            )
        }
    )
    if capability.tutors:
        scope |= Q(**{f"{prefix}cohort__in": tutored_cohorts(user, capability)})
    return scope


def enrolments_for(user: AbstractBaseUser, capability: Capability) -> QuerySet:
    """The enrolments (learners) ``user`` has ``capability`` for."""
    if not _active_staff(user):
        return Enrolment.objects.none()
    return Enrolment.objects.filter(enrolment_scope(user, capability))


def cohorts_for(user: AbstractBaseUser, capability: Capability) -> QuerySet:
    """Cohorts ``user`` has ``capability`` for: those of their whole courses and
    those they teach."""
    scope = Q(
        course__translation_key__in=whole_courses(user, capability).values(
            "translation_key"
        )
    )
    if capability.tutors:
        scope |= Q(pk__in=tutored_cohorts(user, capability).values("pk"))
    return Cohort.objects.filter(scope).select_related("course")


def may(
    user: AbstractBaseUser,
    capability: Capability,
    course: CoursePage | uuid.UUID,
) -> bool:
    """Whether ``user`` has ``capability`` in ``course`` (a page, or its
    translation key) for some of its learners at least."""
    if not _active_staff(user):
        return False
    if user.is_superuser and not hooks.get_hooks(FILTER_COURSES_HOOK):
        return True
    key = course if isinstance(course, uuid.UUID) else course.translation_key
    return courses_for(user, capability).filter(translation_key=key).exists()


def may_for_learner(
    user: AbstractBaseUser, capability: Capability, enrolment: Enrolment
) -> bool:
    """Whether ``user`` has ``capability`` for this learner's enrolment."""
    if not _active_staff(user):
        return False
    if user.is_superuser and not hooks.get_hooks(FILTER_COURSES_HOOK):
        return True
    return enrolments_for(user, capability).filter(pk=enrolment.pk).exists()


def may_review_submissions(user: AbstractBaseUser, enrolment: Enrolment) -> bool:
    """Whether ``user`` may read and review the work of this learner's enrolment
    (the submissions and whatever is said about them): its cohort's tutors, and
    holders of the permission to review every course's."""
    return may_for_learner(user, REVIEW_SUBMISSION, enrolment)


def sees_personal_data(user: AbstractBaseUser) -> bool:
    """Whether reports and exports show ``user`` learners' e-mail addresses."""
    return holds_everywhere(user, EXPORT_PERSONAL_DATA)


def is_course_team(user: AbstractBaseUser, course: CoursePage | uuid.UUID) -> bool:
    """Whether ``user`` works on ``course`` (writes it, teaches a cohort of it or
    follows its progress): they may then read its gated lessons, quiz questions
    and session links as a learner would."""
    return may(user, EDIT_COURSE, course) or may(user, VIEW_PROGRESS, course)


def holds(user: AbstractBaseUser, capability: Capability) -> bool:
    """Whether ``user`` has ``capability`` in some course.

    Every menu item, summary figure and screen of an admin page asks this, so the
    answer is kept on the user object, which Django builds afresh for each request
    (as its ``ModelBackend`` keeps a user's permissions)."""
    answers = getattr(user, "_lms_holds", None)
    if answers is None:
        answers = {}
        user._lms_holds = answers
    # Whoever holds a capability everywhere holds it wherever a course exists, so
    # a superuser's or programme administrator's capabilities share one answer.
    everywhere = holds_everywhere(user, capability) and not hooks.get_hooks(
        FILTER_COURSES_HOOK
    )
    key = None if everywhere else capability
    if key not in answers:
        answers[key] = courses_for(user, capability).exists()
    return answers[key]


def holds_any(user: AbstractBaseUser, *capabilities: Capability) -> bool:
    """Whether ``user`` has any of ``capabilities`` in some course."""
    return any(holds(user, cap) for cap in capabilities)


#: What makes someone staff (of some course), for the API's staff operations;
#: other apps add theirs with :func:`register_staff_capability`.
_staff_capabilities: list[Capability] = [
    VIEW_PROGRESS,
    MANAGE_ENROLMENT,
    REVIEW_SUBMISSION,
    TAKE_ATTENDANCE,
    EDIT_COURSE,
]


def register_staff_capability(capability: Capability) -> None:
    """Count ``capability`` among those that make someone staff."""
    if capability not in _staff_capabilities:
        _staff_capabilities.append(capability)


def is_staff_member(user: AbstractBaseUser) -> bool:
    """Whether ``user`` holds some staff capability in some course."""
    if not _active_staff(user):
        return False
    # A permission for every course answers without a query of its own, unless a
    # host's hook may leave them no course.
    if not hooks.get_hooks(FILTER_COURSES_HOOK) and any(
        holds_everywhere(user, capability) for capability in _staff_capabilities
    ):
        return True
    return holds_any(user, *_staff_capabilities)
