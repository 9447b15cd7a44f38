"""Admin building blocks that several features' screens share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from wagtail.admin.menu import MenuItem

from courses.models import (
    CoursePage,
)
from courses.permissions import (
    editable_courses,
)

if TYPE_CHECKING:
    from django.http import HttpRequest


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CoursePage) -> str:
        return f"{obj.title} ({obj.locale.get_display_name()})"


class CourseStaffMenuItem(MenuItem):
    """Shown to those who may edit at least one course."""

    def is_shown(self, request: HttpRequest) -> bool:
        return editable_courses(request.user).exists()
