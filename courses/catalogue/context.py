"""What a learner sees on course, module and lesson pages: their enrolment and
progress, the completion checklist and the way through the lessons.

:func:`add_learner_context` reaches the pages through their context hook
(:data:`courses.catalogue.models.PAGE_CONTEXT_HOOK`), so the page models stay
declarations of content. Every helper uses a fixed number of queries, whatever
the size of the course.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest
from wagtail.models import Page

from courses.catalogue import content_cache
from courses.catalogue.access import Access, course_access
from courses.catalogue.links import PAGE_LINK_FIELDS, PageLink
from courses.enrolment.enrolling import key_field
from courses.models import CoursePage, LessonPage, ModulePage
from courses.progress.completion import (
    complete_modules,
    completed_keys,
    course_progress,
    gather_evidence,
    module_assignment_keys,
)
from courses.progress.outline import (
    CourseOutline,
    ModuleOutline,
    build_outline,
    course_outline,
    module_progress,
)
from courses.progress.recording import (
    ProgressError,
    find_enrolment,
    lesson_flags,
    record_lesson_viewed,
)


def course_page_context(
    request: HttpRequest, course: CoursePage, outline: CourseOutline | None = None
) -> dict:
    """The learner's enrolment, progress (card and checklist) and per-module
    progress for a course or module page of ``course``, in either language.

    Progress is that of the version the learner enrolled through, whichever
    version is read (both say the same); the modules shown are the ones read,
    each complete when every requirement of it is met.
    """
    enrolment = find_enrolment(request.user, course)
    context = {
        "enrolment": enrolment,
        "module_progress": {},
        "done_keys": set(),
        "key_field": key_field(course),
        "progress": None,
    }
    if enrolment is not None:
        done = completed_keys(enrolment)
        outline = outline or course_outline(course)
        evidence = gather_evidence(enrolment, done)
        if enrolment.course_id == course.pk:
            progress = course_progress(enrolment, outline, evidence)
            complete = progress.complete_modules
        else:
            progress = course_progress(
                enrolment, course_outline(enrolment.course), evidence
            )
            complete = complete_modules(
                outline, evidence, module_assignment_keys(outline)
            )
        context["done_keys"] = done
        context["progress"] = progress
        context["module_progress"] = module_progress(
            outline, done, course.sequential, complete
        )
    return context


@dataclass
class LessonPlace:
    """What a lesson page needs of its course's outline, small enough to cache
    per lesson: the modules that decide whether the lesson's module is open,
    ending with that module (earlier ones only in sequential courses), and links
    to the previous and next lessons."""

    outline: CourseOutline
    previous: PageLink | None
    next: PageLink | None

    @property
    def module(self) -> ModuleOutline | None:
        return self.outline.modules[-1] if self.outline.modules else None


def lesson_place(
    request: HttpRequest, course: CoursePage, lesson: LessonPage
) -> LessonPlace:
    """The lesson's place in ``course``, from the content cache: three queries on a
    miss, whatever the size of the course."""

    def build() -> LessonPlace:
        outline = course_outline(course)
        keys = outline.lesson_keys
        key = lesson.translation_key
        position = keys.index(key) if key in keys else -1
        previous_id = outline.lesson_ids[keys[position - 1]] if position > 0 else None
        next_id = (
            outline.lesson_ids[keys[position + 1]]
            if 0 <= position < len(keys) - 1
            else None
        )
        links = {
            page.pk: PageLink.to(page, request)
            for page in LessonPage.objects.filter(pk__in=[previous_id, next_id])
            .only(*PAGE_LINK_FIELDS)
            .order_by()
        }
        modules = []
        for module in outline.modules:
            if course.sequential or key in module.lesson_keys:
                modules.append(module)
            if key in module.lesson_keys:
                break
        else:
            modules = []
        return LessonPlace(
            outline=CourseOutline(
                modules=modules,
                lesson_ids={},
                optional_keys=outline.optional_keys,
            ),
            previous=links.get(previous_id),
            next=links.get(next_id),
        )

    return content_cache.cached(("lesson-place", lesson.pk, request.get_host()), build)


def lesson_page_context(
    request: HttpRequest, lesson: LessonPage, access: Access
) -> dict:
    """Progress, navigation and the mark-as-done state for a lesson page."""
    course = access.course
    enrolment = access.enrolment
    error = ""
    done: set[uuid.UUID] = set()
    if access.enrolled:
        # One query answers both "is this lesson noted?" and "what is done?".
        rows = lesson_flags(enrolment)
        key = lesson.translation_key
        if key not in rows or (
            not rows[key] and lesson.completion_rule == LessonPage.CompletionRule.VIEW
        ):
            try:
                progress = record_lesson_viewed(enrolment, lesson)
                rows[key] = progress.completed_at is not None
            except ProgressError as exc:
                error = str(exc)
        done = {key for key, is_done in rows.items() if is_done}
    place = lesson_place(request, course, lesson)
    module = place.module
    progress = (
        module_progress(place.outline, done, course.sequential)[module.path]
        if module
        else None
    )
    return {
        "course": course,
        "enrolment": enrolment,
        "lesson_done": lesson.translation_key in done,
        "progress_error": error,
        "previous_lesson": place.previous,
        "next_lesson": place.next,
        "module_progress": progress,
        "locked": bool(progress and not progress.is_open),
    }


def add_learner_context(page: Page, request: HttpRequest, context: dict) -> None:
    """The page context hook: enrolment, progress and navigation."""
    if isinstance(page, CoursePage):
        outline = build_outline(
            [
                (m.pk, m.path, m.hours, m.translation_key, m.title)
                for m in context["modules"]
            ],
            [
                (le.pk, le.path, le.translation_key, le.optional, le.quiz_key)
                for le in context["lessons"]
            ],
        )
        context.update(course_page_context(request, page, outline))
        # "Continue" leads to the first lesson not done, in the language being read.
        context["continue_lesson"] = next(
            (
                lesson
                for lesson in context["lessons"]
                if lesson.translation_key not in context["done_keys"]
            ),
            None,
        )
    elif isinstance(page, ModulePage):
        access = course_access(request, page)
        context.update(course_page_context(request, access.course))
        context.update(course=access.course, access=access)
    elif isinstance(page, LessonPage):
        context.update(lesson_page_context(request, page, course_access(request, page)))
