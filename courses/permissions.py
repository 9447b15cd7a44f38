"""Who may do what with a course's records: the one policy for staff.

A member of staff reaches a course's gated content and records (enrolments,
submissions, sessions, certificates, reports) when they may edit that course in
the Wagtail admin; being able to open the admin is not enough."""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import Cohort, CoursePage, ModulePage

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest


def is_course_staff(user) -> bool:
    """Staff may open every module and lesson, e.g. to preview them."""
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


def editable_courses(user: AbstractBaseUser) -> QuerySet[CoursePage]:
    """Courses ``user`` may edit in the admin; staff manage learners of these only."""
    return PagePermissionPolicy(CoursePage).instances_user_has_permission_for(
        user, "change"
    )


class CourseRecordPermissionPolicy(BasePermissionPolicy):
    """Records of a course (found by its ``course_key``) are open to the staff who
    may edit that course, for the ``actions`` the subclass allows.

    By translation key, so the Latvian and English course share their records.
    """

    actions = {"view"}

    def user_has_permission(self, user: AbstractBaseUser, action: str) -> bool:
        return action in self.actions and editable_courses(user).exists()

    def users_with_any_permission(self, actions) -> QuerySet:
        if not self.actions & set(actions):
            return get_user_model()._default_manager.none()
        # Broader than exact (anyone who may edit some page); the admin never asks
        # this of course records, and an exact answer would walk the page tree.
        return PagePermissionPolicy(CoursePage).users_with_permission("change")

    def user_has_permission_for_instance(
        self, user: AbstractBaseUser, action: str, instance
    ) -> bool:
        return (
            action in self.actions
            and editable_courses(user)
            .filter(translation_key=instance.course_key)
            .exists()
        )

    def instances_user_has_any_permission_for(
        self, user: AbstractBaseUser, actions
    ) -> QuerySet:
        if not self.actions & set(actions):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(
            course_key__in=editable_courses(user).values("translation_key")
        )


def editable_cohorts(request: HttpRequest | None) -> QuerySet[Cohort]:
    """Cohorts of the courses the request's user may edit (for filters)."""
    if request is None:
        return Cohort.objects.none()
    return Cohort.objects.filter(
        course__translation_key__in=editable_courses(request.user).values(
            "translation_key"
        )
    ).select_related("course")


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
