"""What an author is told after publishing: a module, or a course, that learners
cannot complete yet. Publishing goes ahead (a course is built a piece at a time);
what publishing refuses is in ``courses.catalogue.forms``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.catalogue.forms import has_required_lesson
from courses.models import CoursePage, ModulePage


def modules_without_required_lesson(course: CoursePage) -> list[ModulePage]:
    """The course's published modules that have no published required lesson."""
    return [
        module
        for module in ModulePage.objects.live().child_of(course)
        if not has_required_lesson(module)
    ]


def warn_incomplete(request: HttpRequest, page: Page) -> None:
    """``after_publish_page``: name the modules learners cannot complete yet."""
    page = page.specific
    if isinstance(page, ModulePage):
        modules = [] if has_required_lesson(page) else [page]
    elif isinstance(page, CoursePage):
        modules = modules_without_required_lesson(page)
    else:
        return
    if modules:
        messages.warning(
            request,
            _(
                "Learners cannot complete the course yet: these modules have no "
                "published required lesson: %(modules)s."
            )
            % {"modules": ", ".join(f"“{module.title}”" for module in modules)},
        )
