"""Which language version of a page, quiz or assignment a learner is shown.

Courses, their lessons, quizzes and assignments exist in Latvian and English as
Wagtail translations of each other (one ``translation_key``). Every place that
picks a version asks :func:`shown_translation` (or :func:`translation_to_show`
for one object), so a learner is never offered what they then cannot open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.db.models import QuerySet

T = TypeVar("T")


def _is_live(obj: object) -> bool:
    # Assignments have no drafts: what exists is published.
    return getattr(obj, "live", True)


def shown_translation(
    candidates: Iterable[T], original: T, language: str | None = None
) -> T | None:
    """The rule: among ``candidates`` (the translations of ``original``, with
    their locales), the live one in ``language`` (the active language by
    default); else ``original`` when it is live; else nothing."""
    language = language or get_language()
    for candidate in candidates:
        if candidate.locale.language_code == language and _is_live(candidate):
            return candidate
    return original if _is_live(original) else None


def translation_to_show(obj: T, language: str | None = None) -> T | None:
    """:func:`shown_translation` for one page or snippet: one query."""
    candidates = obj.get_translations(inclusive=True).select_related("locale")
    return shown_translation(candidates, obj, language)


def reader_language_first(
    pages: QuerySet[T], language: str | None = None
) -> QuerySet[T]:
    """``pages`` with those in ``language`` (the active one: in the admin, the
    reader's admin language) first, each group by title: a chooser whose first
    choice is its default then defaults to the version its reader reads."""
    language = language or get_language()
    return pages.order_by(
        Case(
            When(locale__language_code=language, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "title",
        "pk",
    )
