"""What a learner sees of a course: access decisions and per-page progress context.

Pages call these helpers from ``serve``/``get_context`` so that the page models stay
declarations and the rules can be tested directly. Every helper uses a fixed number
of queries, whatever the size of the course.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page

from courses import content_cache
from courses.enrolling import key_field
from courses.models import (
    Attendance,
    CoursePage,
    Enrolment,
    LessonPage,
    LiveSession,
    ModulePage,
)
from courses.progress.completion import (
    completed_keys,
    completion_checklist,
    gather_evidence,
)
from courses.progress.outline import CourseOutline, ModuleOutline, course_outline
from courses.progress.recording import (
    ProgressError,
    find_enrolment,
    lesson_flags,
    record_lesson_viewed,
)

#: What a link to a page needs; loading whole pages would cost more than the page.
PAGE_LINK_FIELDS = ("id", "title", "url_path", "translation_key", "locale_id", "path")


def is_course_staff(user) -> bool:
    """Staff may open every module and lesson, e.g. to preview them."""
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str

    @classmethod
    def to(cls, page: Page, request: HttpRequest) -> PageLink:
        return cls(title=page.title, url=page.get_url(request) or "")


def page_links(request: HttpRequest, page_ids: list[int]) -> dict[int, PageLink]:
    """A link to each page, or to its live translation in the language being read:
    one query for the pages not in the content cache."""
    language = get_language()

    def build(ids: list[int]) -> dict[int, PageLink]:
        keys = Page.objects.filter(pk__in=ids).values("translation_key")
        pages = list(
            Page.objects.filter(translation_key__in=keys)
            .select_related("locale")
            .only(*PAGE_LINK_FIELDS, "live", "locale__language_code")
            .order_by()
        )
        translated = {
            page.translation_key: page
            for page in pages
            if page.live and page.locale.language_code == language
        }
        return {
            page.pk: PageLink.to(shown, request)
            for page in pages
            if page.pk in ids
            for shown in [translated.get(page.translation_key, page)]
        }

    return content_cache.cached_many(
        ("page-link", language, request.get_host()), page_ids, build
    )


@dataclass
class Access:
    course: CoursePage | None
    enrolment: Enrolment | None
    user: object

    @property
    def enrolled(self) -> bool:
        return (
            self.enrolment is not None
            and self.enrolment.status != Enrolment.Status.WITHDRAWN
        )

    @property
    def allowed(self) -> bool:
        # Learners are the common case; the staff check costs permission queries.
        return self.enrolled or is_course_staff(self.user)


def access_for(request: HttpRequest, page) -> Access:
    """Who may read the content of ``page`` (a module or lesson)."""
    # The catalogue's route() hands the course over; otherwise look it up.
    course = getattr(page, "course_page", None)
    if course is None:
        course = CoursePage.objects.ancestor_of(page).first()
    enrolment = (
        find_enrolment(request.user, course, with_cohort=False) if course else None
    )
    return Access(course=course, enrolment=enrolment, user=request.user)


@dataclass
class ModuleProgress:
    done: int
    total: int
    is_open: bool

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0


def module_progress(
    outline: CourseOutline, done: set[uuid.UUID], sequential: bool
) -> dict[str, ModuleProgress]:
    """Progress of each module, keyed by the module's page path."""
    open_paths = outline.open_modules(done, sequential)
    return {
        module.path: ModuleProgress(
            done=sum(1 for key in module.lesson_keys if key in done),
            total=len(module.lesson_keys),
            is_open=module.path in open_paths,
        )
        for module in outline.modules
    }


def course_page_context(
    request: HttpRequest,
    course: CoursePage,
    outline: CourseOutline | None = None,
    with_checklist: bool = False,
) -> dict:
    """The learner's enrolment and per-module progress for the course page, and
    with ``with_checklist`` the completion checklist."""
    enrolment = find_enrolment(request.user, course)
    context = {
        "enrolment": enrolment,
        "module_progress": {},
        "done_keys": set(),
        "key_field": key_field(course),
        "checklist": [],
    }
    if enrolment is not None:
        done = completed_keys(enrolment)
        outline = outline or course_outline(course)
        context["done_keys"] = done
        context["module_progress"] = module_progress(outline, done, course.sequential)
        if with_checklist:
            evidence = gather_evidence(enrolment, done)
            context["checklist"] = completion_checklist(enrolment, outline, evidence)
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


@dataclass
class SessionEntry:
    """A live session as one learner sees it on a course or module page."""

    session: LiveSession
    attendance: Attendance | None
    can_check_in: bool


def live_sessions_context(
    request: HttpRequest,
    course: CoursePage,
    enrolment: Enrolment | None,
    module: ModulePage | None = None,
) -> dict:
    """The course's (or module's) live sessions, upcoming and past, with the
    learner's attendance: one query for the sessions, one for the attendance."""
    sessions = LiveSession.objects.for_course(course).select_related("cohort")
    if module is not None:
        sessions = sessions.filter(module__translation_key=module.translation_key)
    enrolled = enrolment is not None and enrolment.status != Enrolment.Status.WITHDRAWN
    if enrolled:
        sessions = sessions.for_cohort(enrolment.cohort_id)
    sessions = list(sessions)
    attendance: dict[int, Attendance] = {}
    if enrolled and sessions:
        attendance = {
            row.session_id: row
            for row in Attendance.objects.filter(
                enrolment=enrolment, session__in=[s.pk for s in sessions]
            ).order_by()
        }
    now = timezone.now()
    entries = [
        SessionEntry(
            session=session,
            attendance=attendance.get(session.pk),
            can_check_in=enrolled
            and session.check_in_is_open(now)
            and getattr(attendance.get(session.pk), "status", None)
            != Attendance.Status.PRESENT,
        )
        for session in sessions
    ]
    return {
        "upcoming_sessions": [e for e in entries if e.session.end >= now],
        "past_sessions": [e for e in entries if e.session.end < now],
        # The link lets anyone into the meeting: learners of the course and staff only.
        "show_online_links": bool(sessions)
        and (enrolled or is_course_staff(request.user)),
    }
