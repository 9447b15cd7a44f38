"""Who may do what with a course's records: the one policy for staff.

A member of staff reaches a course's gated content and records (enrolments,
submissions, live sessions and their links, certificates, reports) when they may
edit that course in the Wagtail admin: being able to open the admin is not
enough. Records follow a course across its language versions, so they are found
by the course's ``translation_key``.

Everything else asks here: :func:`may_edit_course` for one course,
:func:`editable_courses` and :func:`editable_cohorts` for lists, and
:class:`CourseRecordPermissionPolicy` for the admin's screens. A host site narrows
the answer through the :data:`FILTER_COURSES_HOOK` hook.
"""

from __future__ import annotations

import operator
import uuid
from functools import reduce
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from wagtail import hooks
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import Cohort, CoursePage, ModulePage
from courses.translations import reader_language_first

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest


#: The Wagtail hook through which a host site narrows the courses a member of staff
#: (superusers included) sees the records of: ``fn(user, courses) -> courses``,
#: given and returning a queryset of :class:`~courses.models.CoursePage`, as
#: Wagtail's ``filter_form_submissions_for_user`` does for form submissions. Every
#: screen, report, export, API operation and notice follows it, because all of them
#: ask :func:`editable_courses`. Records follow a course across its language
#: versions, so a course is hidden only when all of its versions are left out.
FILTER_COURSES_HOOK = "lms_filter_courses_for_user"


def editable_courses(user: AbstractBaseUser) -> QuerySet[CoursePage]:
    """Courses (in any language version) ``user`` may edit in the admin, narrowed
    by the functions registered under :data:`FILTER_COURSES_HOOK`."""
    # Wagtail's page policy, for pages of every type: Wagtail 7.4 finds none when
    # asked for one page type.
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    courses = CoursePage.objects.filter(pk__in=pages.values("pk"))
    for fn in hooks.get_hooks(FILTER_COURSES_HOOK):
        courses = fn(user, courses)
    return courses


def editable_course_keys(user: AbstractBaseUser) -> QuerySet:
    """The translation keys of the courses ``user`` may edit, as a subquery."""
    return editable_courses(user).values("translation_key")


def may_edit_course(user: AbstractBaseUser, course: CoursePage | uuid.UUID) -> bool:
    """Whether ``user`` is staff of ``course`` (a page, or its translation key):
    they then see its gated lessons, quiz questions and session links, and its
    learners' records."""
    if not user.is_authenticated:
        return False
    # A superuser may edit every course, unless a host's hook says otherwise.
    if user.is_superuser and not hooks.get_hooks(FILTER_COURSES_HOOK):
        return True
    key = course if isinstance(course, uuid.UUID) else course.translation_key
    return editable_courses(user).filter(translation_key=key).exists()


def course_staff(course: CoursePage) -> QuerySet:
    """The active people who may edit ``course`` (administrators included): whom
    the course's notices go to."""
    people = (
        PagePermissionPolicy()
        .users_with_permission_for_instance("change", course)
        .filter(is_active=True)
    )
    if not hooks.get_hooks(FILTER_COURSES_HOOK):
        return people
    # A host's hook answers for one person at a time, so each is asked.
    return people.filter(
        pk__in=[person.pk for person in people if may_edit_course(person, course)]
    )


def editable_cohorts(user: AbstractBaseUser) -> QuerySet[Cohort]:
    """Cohorts of the courses ``user`` may edit."""
    return Cohort.objects.filter(
        course__translation_key__in=editable_course_keys(user)
    ).select_related("course")


def course_choices(request: HttpRequest | None) -> QuerySet[CoursePage]:
    """The courses a filter or form of ``request``'s user may offer (django-filter
    calls this with ``None`` while it builds the filter)."""
    if request is None:
        return CoursePage.objects.none()
    return reader_language_first(
        editable_courses(request.user).select_related("locale")
    )


def cohort_choices(request: HttpRequest | None) -> QuerySet[Cohort]:
    """The cohorts a filter of ``request``'s user may offer, and no others."""
    if request is None:
        return Cohort.objects.none()
    return editable_cohorts(request.user)


def editable_modules(user: AbstractBaseUser) -> QuerySet[ModulePage]:
    """Modules of the courses ``user`` may edit, each with ``course_title``."""
    paths = list(editable_courses(user).values_list("path", flat=True))
    if not paths:
        return ModulePage.objects.none()
    # Modules sit directly below courses, so "below a course" means "its module".
    below = reduce(operator.or_, (Q(path__startswith=path) for path in paths))
    course_title = CoursePage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - ModulePage.steplen)
    ).values("title")[:1]
    return (
        ModulePage.objects.filter(below)
        .select_related("locale")
        .annotate(course_title=Subquery(course_title))
        .order_by("path")
    )


class CourseRecordPermissionPolicy(BasePermissionPolicy):
    """Records of a course are open to the staff who may edit that course, for the
    ``actions`` the subclass allows. ``course_key_field`` names the lookup from
    the record to its course's translation key."""

    actions = {"view"}
    course_key_field = "course_key"

    def course_key_of(self, instance) -> uuid.UUID:
        value = instance
        for part in self.course_key_field.split("__"):
            value = getattr(value, part)
        return value

    def user_has_permission(self, user: AbstractBaseUser, action: str) -> bool:
        return action in self.actions and editable_courses(user).exists()

    def users_with_any_permission(self, actions) -> QuerySet:
        if not self.actions & set(actions):
            return get_user_model()._default_manager.none()
        # Broader than exact (anyone who may edit some page); the admin never asks
        # this of course records, and an exact answer would walk the page tree.
        return PagePermissionPolicy().users_with_permission("change")

    def user_has_permission_for_instance(
        self, user: AbstractBaseUser, action: str, instance
    ) -> bool:
        return action in self.actions and may_edit_course(
            user, self.course_key_of(instance)
        )

    def instances_user_has_any_permission_for(
        self, user: AbstractBaseUser, actions
    ) -> QuerySet:
        if not self.actions & set(actions):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(
            **{f"{self.course_key_field}__in": editable_course_keys(user)}
        )
