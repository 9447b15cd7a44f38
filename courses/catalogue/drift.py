"""What differs between the language versions of a course, for its authors.

A course exists in Latvian and English as Wagtail translations (one
``translation_key`` per course, module and lesson). A module added to one
version only silently makes the versions teach different things and count
different hours; this compares their live structure so the admin can say so
before a version is published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.assignments.models import Assignment
from courses.catalogue.models import CoursePage, LessonPage, ModulePage


@dataclass
class Version:
    """One language version's live structure: each item by translation key."""

    language: str
    modules: dict[uuid.UUID, str] = field(default_factory=dict)
    module_hours: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    lessons: dict[uuid.UUID, str] = field(default_factory=dict)
    quizzes: dict[uuid.UUID, str] = field(default_factory=dict)
    assignments: dict[uuid.UUID, str] = field(default_factory=dict)

    @property
    def hours(self) -> Decimal:
        return sum(self.module_hours.values(), Decimal(0))


@dataclass(frozen=True)
class Difference:
    """One thing the versions disagree on, as an author reads it."""

    text: str


def _versions(course: CoursePage) -> list[Version]:
    """Each language version's live structure, in four queries."""
    courses = (
        course.get_translations(inclusive=True)
        .select_related("locale")
        .only("path", "locale__language_code")
        .order_by("locale__language_code")
    )
    # The version being edited first: its titles name what differs.
    courses = sorted(courses, key=lambda c: c.pk != course.pk)
    versions = {c.path: Version(c.locale.language_code) for c in courses}
    inside = reduce(or_, (Q(path__startswith=path) for path in versions))

    def version_of(path: str) -> Version | None:
        return next((v for p, v in versions.items() if path.startswith(p)), None)

    modules = list(
        ModulePage.objects.live()
        .filter(inside)
        .only("path", "title", "hours", "translation_key")
    )
    for module in modules:
        version = version_of(module.path)
        # A module directly under its course; anything deeper is not counted.
        if version and module.path[: -module.steplen] in versions:
            version.modules[module.translation_key] = module.title
            version.module_hours[module.translation_key] = module.hours
    lessons = list(
        LessonPage.objects.live()
        .filter(inside)
        .select_related("quiz")
        .only(
            "path", "title", "translation_key", "quiz__title", "quiz__translation_key"
        )
    )
    for lesson in lessons:
        if version := version_of(lesson.path):
            version.lessons[lesson.translation_key] = lesson.title
            if lesson.quiz is not None:
                version.quizzes[lesson.quiz.translation_key] = lesson.quiz.title
    pages = {page.pk: page.path for page in [*modules, *lessons]}
    for assignment in Assignment.objects.filter(page_id__in=pages).only(
        "title", "translation_key", "page_id"
    ):
        if version := version_of(pages[assignment.page_id]):
            version.assignments[assignment.translation_key] = assignment.title
    return list(versions.values())


def course_drift(course: CoursePage) -> list[Difference]:
    """What the live language versions of ``course`` do not share: modules,
    lessons, quizzes and assignments present in some versions only, and modules'
    or the course's hours that differ. Empty when the versions agree (or there is
    one)."""
    versions = _versions(course)
    if len(versions) < 2:
        return []
    differences = []
    kinds = (
        ("modules", _("Module")),
        ("lessons", _("Lesson")),
        ("quizzes", _("Quiz")),
        ("assignments", _("Assignment")),
    )
    for attribute, label in kinds:
        keys = set().union(*(getattr(v, attribute) for v in versions))
        for key in sorted(keys, key=str):
            having = [v for v in versions if key in getattr(v, attribute)]
            if len(having) == len(versions):
                continue
            missing = [v.language for v in versions if v not in having]
            differences.append(
                Difference(
                    _(
                        "%(kind)s “%(title)s” (%(languages)s) is missing in: %(missing)s."
                    )
                    % {
                        "kind": label,
                        "title": getattr(having[0], attribute)[key],
                        "languages": ", ".join(v.language for v in having),
                        "missing": ", ".join(missing),
                    }
                )
            )
    shared = set.intersection(*(set(v.module_hours) for v in versions))
    for key in sorted(shared, key=str):
        hours = {v.language: v.module_hours[key] for v in versions}
        if len(set(hours.values())) > 1:
            differences.append(
                Difference(
                    _("Module “%(title)s” has different hours: %(hours)s.")
                    % {
                        "title": versions[0].modules[key],
                        "hours": _hours_text(hours),
                    }
                )
            )
    totals = {v.language: v.hours for v in versions}
    if len(set(totals.values())) > 1:
        differences.append(
            Difference(
                _("The course's academic hours differ: %(hours)s.")
                % {"hours": _hours_text(totals)}
            )
        )
    return differences


def _hours_text(hours: dict[str, Decimal]) -> str:
    return ", ".join(
        f"{language} {value.normalize():f}" for language, value in hours.items()
    )


def _course_of(page: Page) -> CoursePage | None:
    if isinstance(page, CoursePage):
        return page
    if isinstance(page, ModulePage | LessonPage):
        return CoursePage.objects.ancestor_of(page).only("path").first()
    return None


def _warn(request: HttpRequest, page: Page, lead: str) -> None:
    course = _course_of(page)
    differences = course_drift(course) if course and course.pk else []
    if differences:
        messages.warning(
            request, " ".join([lead, *(difference.text for difference in differences)])
        )


def warn_on_edit(request: HttpRequest, page: Page) -> None:
    """``before_edit_page``: a course's (or its module's or lesson's) editor opens
    with what its language versions do not share."""
    if request.method == "GET":
        _warn(request, page, _("The language versions of this course differ."))


def warn_before_publish(request: HttpRequest, page: Page) -> None:
    """``before_publish_page``: publishing goes ahead (a translation is often
    finished after the original), with the differences said once more."""
    _warn(
        request,
        page,
        _(
            "Published, but the language versions of this course differ; reports "
            "count the course once, learners see what their version has."
        ),
    )
