"""Template tags that put quizzes and assignments on lesson and module pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from courses.assignments.submissions import page_assignments
from courses.catalogue import content_cache
from courses.quizzes.attempts import quiz_panel

register = template.Library()


@register.inclusion_tag("courses/includes/quiz.html", takes_context=True)
def lesson_quiz(context: template.Context) -> dict:
    """The lesson's quiz: the start button, the form of the attempt in progress,
    or past results."""
    lesson = context["page"]
    enrolment = context.get("enrolment")
    active = enrolment is not None and enrolment.is_active
    return {
        "panel": quiz_panel(lesson, enrolment if active else None, get_language()),
        "page": lesson,
        "enrolled": active,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def assignments_for(page) -> list:
    """Assignments linked to a module or lesson, in the language being read."""
    language = get_language()
    return content_cache.cached(
        ("assignments", page.pk, language),
        lambda: page_assignments(page, language),
    )
