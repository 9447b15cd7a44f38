"""The live structure of a course (modules in order, each with its lessons) and the
rules that read it: which lessons count, when a module is done and which modules
are open. Every caller decides module completion here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q

from courses.models import (
    CoursePage,
    LessonPage,
    ModulePage,
)


@dataclass
class ModuleOutline:
    page_id: int
    path: str
    hours: Decimal
    key: uuid.UUID
    title: str = ""
    lesson_keys: list[uuid.UUID] = field(default_factory=list)


@dataclass
class CourseOutline:
    """The live structure of a course: modules in order, each with lesson keys."""

    modules: list[ModuleOutline]
    lesson_ids: dict[uuid.UUID, int]
    optional_keys: set[uuid.UUID] = field(default_factory=set)
    #: lesson key → key of the quiz linked to the lesson
    quiz_keys: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    @property
    def required_quiz_keys(self) -> set[uuid.UUID]:
        return {
            quiz
            for lesson, quiz in self.quiz_keys.items()
            if lesson not in self.optional_keys
        }

    @property
    def lesson_keys(self) -> list[uuid.UUID]:
        return [key for module in self.modules for key in module.lesson_keys]

    @property
    def required_keys(self) -> list[uuid.UUID]:
        """Lessons that count towards completion (all but the optional ones)."""
        return [key for key in self.lesson_keys if key not in self.optional_keys]

    def module_of(self, lesson_key: uuid.UUID) -> ModuleOutline | None:
        for module in self.modules:
            if lesson_key in module.lesson_keys:
                return module
        return None

    def open_modules(self, done: set[uuid.UUID], sequential: bool) -> set[str]:
        """Paths of the modules a learner may work in."""
        if not sequential:
            return {module.path for module in self.modules}
        opened = set()
        for module in self.modules:
            opened.add(module.path)
            if not self.module_done(module, done):
                break
        return opened

    def required_of(self, module: ModuleOutline) -> list[uuid.UUID]:
        """The module's lessons that count (all but the optional ones)."""
        return [k for k in module.lesson_keys if k not in self.optional_keys]

    def module_done(self, module: ModuleOutline, done: set[uuid.UUID]) -> bool:
        """Whether a learner who has done ``done`` has done ``module``."""
        required = self.required_of(module)
        return self.module_complete(module, sum(1 for k in required if k in done))

    def module_complete(self, module: ModuleOutline, required_done: int) -> bool:
        """The rule, for every caller (badge, hours, unlocking, reports): a module
        with lessons is done when all of its required lessons are; optional
        lessons neither add to it nor hold it back."""
        return bool(module.lesson_keys) and required_done >= len(
            self.required_of(module)
        )


def course_outline(course: CoursePage) -> CourseOutline:
    """Two queries, whatever the size of the course."""
    modules = (
        ModulePage.objects.live()
        .child_of(course)
        .values_list("pk", "path", "hours", "translation_key", "title")
    )
    lessons = (
        LessonPage.objects.live()
        .descendant_of(course)
        .order_by("path")
        .values_list(
            "pk", "path", "translation_key", "optional", "quiz__translation_key"
        )
    )
    return build_outline(modules, lessons)


def outline_across_versions(course: CoursePage) -> CourseOutline:
    """The live structure of every language version of ``course`` in one outline,
    each module and lesson once by translation key: ``course``'s own modules in
    order, then those other versions add. Three queries.

    Reports lay a course out by it, so that a module written in one language only
    is a column for the learners of that language, and a learner of either version
    is counted once under the course.
    """
    versions = list(
        course.get_translations(inclusive=True).values_list("path", "depth")
    )
    modules = list(
        ModulePage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=p, depth=d + 1) for p, d in versions)))
        .values_list("pk", "path", "hours", "translation_key", "title")
    )
    # The version asked for first; each version's modules in tree order.
    modules.sort(key=lambda row: (not row[1].startswith(course.path), row[1]))
    lessons = (
        LessonPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=p) for p, _d in versions)))
        .order_by("path")
        .values_list(
            "pk", "path", "translation_key", "optional", "quiz__translation_key"
        )
    )
    outline = build_outline(modules, lessons)
    merged: dict[uuid.UUID, ModuleOutline] = {}
    for module in outline.modules:
        if module.key not in merged:
            merged[module.key] = module
            continue
        kept = merged[module.key]
        kept.lesson_keys += [k for k in module.lesson_keys if k not in kept.lesson_keys]
    outline.modules = list(merged.values())
    return outline


def build_outline(modules, lessons) -> CourseOutline:
    """An outline from ``(pk, path, hours, translation_key, title)`` module rows and ``(pk,
    path, translation_key, optional, quiz translation_key)`` lesson rows in page-tree
    order."""
    outline = CourseOutline(
        modules=[
            ModuleOutline(page_id=pk, path=path, hours=hours, key=key, title=title)
            for pk, path, hours, key, title in modules
        ],
        lesson_ids={},
    )
    by_path = {module.path: module for module in outline.modules}
    for pk, path, key, optional, quiz_key in lessons:
        module = by_path.get(path[: -LessonPage.steplen])
        if module is not None:
            module.lesson_keys.append(key)
            outline.lesson_ids[key] = pk
            if optional:
                outline.optional_keys.add(key)
            if quiz_key:
                outline.quiz_keys[key] = quiz_key
    return outline


@dataclass
class ModuleProgress:
    """A module as one learner sees it: lessons done of all its lessons, whether
    it is open, and whether it is complete (every requirement of it met, as
    ``courses.progress.rule.complete_modules`` decides)."""

    done: int
    total: int
    is_open: bool
    complete: bool

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0


def module_progress(
    outline: CourseOutline,
    done: set[uuid.UUID],
    sequential: bool,
    complete: set[uuid.UUID] | None = None,
) -> dict[str, ModuleProgress]:
    """Progress of each module, keyed by the module's page path; ``complete`` holds
    the keys of the complete modules where a page shows which are (a lesson page
    does not, and leaves them all incomplete)."""
    open_paths = outline.open_modules(done, sequential)
    return {
        module.path: ModuleProgress(
            done=sum(1 for key in module.lesson_keys if key in done),
            total=len(module.lesson_keys),
            is_open=module.path in open_paths,
            complete=module.key in (complete or ()),
        )
        for module in outline.modules
    }
