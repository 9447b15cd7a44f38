"""Links that open one module of a course: which module a launch names. Their
grade column follows that module's progress (passback.ModuleScores)."""

from __future__ import annotations

from typing import Any

from courses.catalogue.models import CoursePage, ModulePage
from courses.lti.enrolling import CUSTOM_CLAIM


class UnknownModule(Exception):
    """The launch names a module that is not a live module of its course."""


def module_of_launch(
    claims: dict[str, Any], course: CoursePage | None
) -> ModulePage | None:
    """The module of ``course`` that the custom parameter ``module`` names (its
    slug in any language, as deep linking or the administrator set it), in the
    language of ``course``; None when the link names no module or no course.

    Raises :class:`UnknownModule` for a slug that is no live module of the
    course."""
    custom = claims.get(CUSTOM_CLAIM) or {}
    slug = str(custom.get("module") or "").strip() if isinstance(custom, dict) else ""
    if not slug or course is None:
        return None
    # The slug may be another translation's: the module is found by its key.
    named = ModulePage.objects.live().filter(slug=slug).values("translation_key")
    module = (
        ModulePage.objects.live()
        .child_of(course)
        .filter(translation_key__in=named)
        .first()
    )
    if module is None:
        raise UnknownModule(slug)
    return module
