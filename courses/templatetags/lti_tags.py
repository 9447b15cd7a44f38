"""The LTI instructor's way to the roster from the course page."""

from __future__ import annotations

from typing import Any

from django import template

from courses.lti.roster import teaching_links

register = template.Library()


@register.inclusion_tag("courses/lti/roster_links.html", takes_context=True)
def lti_roster_links(context: template.Context, page: Any) -> dict[str, Any]:
    """Links to "Who has started" for the links to this course the user launched
    as the platform's instructor; nothing (and no query) for anyone else."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    return {"links": teaching_links(request, page.translation_key)}
