"""Filters for text that sentences embed."""

from django import template

from courses.quoting import quoted as quoted_title

register = template.Library()


@register.filter
def quoted(title: str) -> str:
    """A course title in the reader's quotes, once: ``{{ course.title|quoted }}``."""
    return quoted_title(str(title))
