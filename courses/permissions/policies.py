"""The capability layer as the admin and the forms ask it: course authors' pages,
the choices a filter or form offers, and the permission policy of a course's
records."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from wagtail import hooks
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import Cohort, CoursePage, ModulePage
from courses.permissions.capabilities import (
    EDIT_COURSE,
    FILTER_COURSES_HOOK,
    Capability,
    cohorts_for,
    courses_for,
    enrolment_scope,
    holds_any,
    may,
    whole_courses,
)
from courses.translations import reader_language_first

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest


def editable_courses(user: AbstractBaseUser) -> QuerySet[CoursePage]:
    """Courses (in any language version) ``user`` may edit in the admin, narrowed
    by the functions registered under :data:`FILTER_COURSES_HOOK`."""
    return whole_courses(user, EDIT_COURSE)


def may_edit_course(user: AbstractBaseUser, course: CoursePage | uuid.UUID) -> bool:
    """Whether ``user`` may edit ``course`` (a page, or its translation key)."""
    return may(user, EDIT_COURSE, course)


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


def course_choices(
    user: AbstractBaseUser, capability: Capability
) -> QuerySet[CoursePage]:
    """The courses a form for ``user`` may offer for ``capability``, those in the
    reader's language first (a form given the user rather than the request)."""
    return reader_language_first(courses_for(user, capability).select_related("locale"))


def course_choices_for(
    capability: Capability,
) -> Callable[[HttpRequest | None], QuerySet[CoursePage]]:
    """:func:`course_choices` for the request's user, as a filter's queryset
    (django-filter calls this with ``None`` while it builds the filter)."""

    def choices(request: HttpRequest | None) -> QuerySet[CoursePage]:
        if request is None:
            return CoursePage.objects.none()
        return course_choices(request.user, capability)

    return choices


def cohort_choices_for(
    capability: Capability,
) -> Callable[[HttpRequest | None], QuerySet[Cohort]]:
    """The cohorts a filter of the request's user may offer, and no others."""

    def choices(request: HttpRequest | None) -> QuerySet[Cohort]:
        if request is None:
            return Cohort.objects.none()
        return cohorts_for(request.user, capability)

    return choices


def modules_for(user: AbstractBaseUser, *capabilities: Capability) -> QuerySet:
    """Modules of the courses ``user`` has any of ``capabilities`` in, each with
    ``course_title``."""
    paths = {
        path
        for capability in capabilities
        for path in courses_for(user, capability).values_list("path", flat=True)
    }
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
    """Records of a course, open for each action to those who have that action's
    capability (``capabilities``) for the record's course, or, where tutors have
    it, for its learner's cohort. ``course_key_field`` names the lookup from the
    record to its course's translation key; ``enrolment_prefix`` the lookup to
    its enrolment, for records of one learner (tutors see their cohorts' only)."""

    capabilities: dict[str, Capability | tuple[Capability, ...]] = {}
    course_key_field = "course_key"
    enrolment_prefix: str | None = None

    def scope(self, user: AbstractBaseUser, capability: Capability) -> Q:
        """The condition on records that ``user`` has ``capability`` for."""
        if self.enrolment_prefix is not None:
            return enrolment_scope(user, capability, self.enrolment_prefix)
        keys = whole_courses(user, capability).values("translation_key")
        return Q(**{f"{self.course_key_field}__in": keys})

    def capabilities_for(self, action: str) -> tuple[Capability, ...]:
        """The capabilities any of which opens ``action``."""
        held = self.capabilities.get(action, ())
        return held if isinstance(held, tuple) else (held,)

    def user_has_permission(self, user: AbstractBaseUser, action: str) -> bool:
        # The screen opens for whoever has the capability somewhere, before any
        # record exists (a tutor's cohort with no submission yet).
        return holds_any(user, *self.capabilities_for(action))

    def users_with_any_permission(self, actions) -> QuerySet:
        if not set(self.capabilities) & set(actions):
            return get_user_model()._default_manager.none()
        # Broader than exact (every active person); the admin never asks this of
        # course records, and an exact answer would walk the page tree.
        return get_user_model()._default_manager.filter(is_active=True)

    def user_has_permission_for_instance(
        self, user: AbstractBaseUser, action: str, instance
    ) -> bool:
        capabilities = self.capabilities_for(action)
        if not capabilities or not user.is_authenticated:
            return False
        scope = reduce(operator.or_, (self.scope(user, cap) for cap in capabilities))
        return self.model._default_manager.filter(pk=instance.pk).filter(scope).exists()

    def instances_user_has_any_permission_for(
        self, user: AbstractBaseUser, actions
    ) -> QuerySet:
        wanted = [cap for action in actions for cap in self.capabilities_for(action)]
        if not wanted or not user.is_authenticated:
            return self.model._default_manager.none()
        scope = reduce(operator.or_, (self.scope(user, cap) for cap in wanted))
        return self.model._default_manager.filter(scope)
