"""Where a launch lands: the lesson the learner goes on with, so the click in
the platform's course opens the course where they are in it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import get_supported_language_variant

from courses.catalogue.links import page_links
from courses.catalogue.models import CoursePage
from courses.enrolment.models import Enrolment

PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def launch_language(claims: dict[str, Any]) -> str | None:
    """The site language nearest the platform's user interface language
    (``launch_presentation.locale``, e.g. Moodle's "lv" or "en_us"), or None."""
    presentation = claims.get(PRESENTATION_CLAIM) or {}
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    if not isinstance(locale, str) or not locale.strip():
        return None
    try:
        return get_supported_language_variant(locale.strip().replace("_", "-").lower())
    except LookupError:
        return None


def landing_url(
    request: HttpRequest, user: AbstractBaseUser, course: CoursePage
) -> str:
    """The learner's next lesson in ``course`` (in the language being read), or
    the course page when there is none: not enrolled, or every lesson done."""
    next_lesson_id = (
        Enrolment.objects.filter(user=user, course_key=course.translation_key)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("next_lesson_id", flat=True)
        .first()
    )
    if next_lesson_id:
        link = page_links(request, [next_lesson_id]).get(next_lesson_id)
        if link is not None and link.url:
            return link.url
    return course.get_url(request)
