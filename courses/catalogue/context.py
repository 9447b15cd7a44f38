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

from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Page

from courses.activities import runtime
from courses.activities.models import Activity
from courses.activities.origin import content_origin
from courses.catalogue import content_cache
from courses.catalogue.access import Access, course_access
from courses.catalogue.links import PAGE_LINK_FIELDS, PageLink, page_links
from courses.enrolment.enrolling import key_field
from courses.models import Assignment, CoursePage, LessonPage, ModulePage
from courses.progress.completion import course_progress
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
from courses.progress.rule import (
    Evidence,
    complete_modules,
    completed_keys,
    gather_evidence,
    module_assignment_keys,
)
from courses.translations import shown_translation


@dataclass(frozen=True)
class AssignmentLink:
    title: str
    url: str
    key: uuid.UUID


def course_assignment_links(
    course: CoursePage, outline: CourseOutline
) -> dict[uuid.UUID, list[AssignmentLink]]:
    """The practical assignments set on each module or lesson of ``course``, by the
    page's translation key, in the language being read: one query, kept in the
    content cache, whatever the number of modules."""
    language = get_language()

    def build() -> dict[uuid.UUID, list[AssignmentLink]]:
        page_keys = [module.key for module in outline.modules] + outline.lesson_keys
        versions: dict[tuple[uuid.UUID, uuid.UUID], list[Assignment]] = {}
        for assignment in (
            Assignment.objects.filter(page__translation_key__in=page_keys)
            .annotate(page_key=F("page__translation_key"))
            .select_related("locale")
            .order_by("pk")
        ):
            group = (assignment.page_key, assignment.translation_key)
            versions.setdefault(group, []).append(assignment)
        links: dict[uuid.UUID, list[AssignmentLink]] = {}
        for (page_key, _key), group in versions.items():
            shown = shown_translation(group, group[0], language)
            if shown is not None:
                links.setdefault(page_key, []).append(
                    AssignmentLink(
                        title=shown.title,
                        url=reverse("courses:assignment", args=[shown.pk]),
                        key=shown.translation_key,
                    )
                )
        return links

    return content_cache.cached(("course-assignments", course.pk, language), build)


def checklist_links(
    request: HttpRequest, course: CoursePage, outline: CourseOutline, evidence: Evidence
) -> dict[str, str]:
    """Where each unmet line of the checklist is worked on: the first required
    lesson not done, the lesson of the first test not passed, the first
    assignment not accepted, the live sessions."""
    lesson = next(
        (key for key in outline.required_keys if key not in evidence.lessons), None
    )
    test = next(
        (
            key
            for key in outline.required_keys
            if key in outline.quiz_keys
            and outline.quiz_keys[key] not in evidence.quizzes_passed
        ),
        None,
    )
    ids = [outline.lesson_ids[key] for key in (lesson, test) if key is not None]
    pages = page_links(request, ids) if ids else {}
    links = {
        "attendance_hours": "#live-sessions-heading",
        "attendance_percent": "#live-sessions-heading",
    }
    if lesson is not None and outline.lesson_ids[lesson] in pages:
        links["lessons"] = pages[outline.lesson_ids[lesson]].url
    if test is not None and outline.lesson_ids[test] in pages:
        links["quizzes"] = f"{pages[outline.lesson_ids[test]].url}#quiz"
    assignments = course_assignment_links(course, outline)
    for key in [module.key for module in outline.modules] + outline.lesson_keys:
        for assignment in assignments.get(key, []):
            if assignment.key not in evidence.assignments_accepted:
                links.setdefault("assignments", assignment.url)
    return links


def course_page_context(
    request: HttpRequest,
    course: CoursePage,
    outline: CourseOutline | None = None,
    with_checklist: bool = False,
) -> dict:
    """The learner's enrolment, progress (card and checklist) and per-module
    progress for a course or module page of ``course``, in either language; with
    ``with_checklist``, where each unmet line of the checklist is worked on.

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
        "checklist_links": {},
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
        if with_checklist and not progress.completed:
            context["checklist_links"] = checklist_links(
                request, course, outline, evidence
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
    next: PageLink | AssignmentLink | None

    @property
    def module(self) -> ModuleOutline | None:
        return self.outline.modules[-1] if self.outline.modules else None


def lesson_place(
    request: HttpRequest, course: CoursePage, lesson: LessonPage
) -> LessonPlace:
    """The lesson's place in ``course``, from the content cache: four queries on a
    miss, whatever the size of the course. "Next" from a module's last lesson is
    the module's practical assignment when it has one."""

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
        following: PageLink | AssignmentLink | None = links.get(next_id)
        if modules and modules[-1].lesson_keys[-1] == key:
            assignments = course_assignment_links(course, outline)
            following = next(iter(assignments.get(modules[-1].key, [])), following)
        return LessonPlace(
            outline=CourseOutline(
                modules=modules,
                lesson_ids={},
                optional_keys=outline.optional_keys,
            ),
            previous=links.get(previous_id),
            next=following,
        )

    return content_cache.cached(
        ("lesson-place", lesson.pk, request.get_host(), get_language()), build
    )


def lesson_activity_context(lesson: LessonPage, access: Access) -> dict:
    """The e-learning package a lesson plays: the player's address for an enrolled
    learner (two queries: the activity with its package, the learner's attempts),
    a note for staff, who record no attempt, or for everyone when the site has no
    content origin to play it from."""
    if lesson.activity_id is None:
        return {}
    if not content_origin():
        return {"activity_unavailable": True}
    if not access.enrolled:
        return {"activity_preview": True}
    activity = (
        Activity.objects.select_related("package").filter(pk=lesson.activity_id).first()
    )
    if activity is None:
        return {}
    launch = runtime.launch(access.enrolment, activity)
    # The player's own words follow the lesson's language, not the browser's.
    return {
        "activity": activity,
        "activity_launch": launch,
        "player_url": f"{launch.url}?lang={get_language()}",
        "content_origin": content_origin(),
    }


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
    locked = bool(progress and not progress.is_open)
    return {
        **({} if locked else lesson_activity_context(lesson, access)),
        "course": course,
        "enrolment": enrolment,
        "lesson_done": lesson.translation_key in done,
        "progress_error": error,
        "previous_lesson": place.previous,
        "next_lesson": place.next,
        "next_is_assignment": isinstance(place.next, AssignmentLink),
        "module_progress": progress,
        "locked": locked,
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
        context.update(course_page_context(request, page, outline, with_checklist=True))
        assignments = course_assignment_links(page, outline)
        for module in context["modules"]:
            module.course_assignments = assignments.get(module.translation_key, [])
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
