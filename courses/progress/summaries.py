"""Per-module summaries of each enrolment (:class:`ModuleSummary`), kept beside the
enrolment's own summary so that the reports count small rows in the database.

:func:`store_module_summaries` is called by :mod:`courses.progress.recording`
under the enrolment's row lock, like every other write of a learner's summary;
:func:`recount_module_summaries` rebuilds them in bulk (the backfill and
``manage.py recount_progress``), taking the same locks chunk by chunk.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When

from courses.models import Enrolment, ModuleSummary
from courses.progress.outline import CourseOutline, build_outline
from courses.progress.rule import module_assignment_keys, module_rest_met

if TYPE_CHECKING:
    from django.apps.registry import Apps

#: Enrolments recounted per transaction.
RECOUNT_CHUNK = 1000


@dataclass(frozen=True)
class Counts:
    started: int
    done: int
    complete: bool


def module_counts(
    outline: CourseOutline, flags: dict[uuid.UUID, bool], complete: set[uuid.UUID]
) -> dict[uuid.UUID, Counts]:
    """Per module begun, by module key, from ``flags`` (lesson key → completed)
    and the keys of the ``complete`` modules
    (:func:`~courses.progress.rule.complete_modules`)."""
    counts = {}
    for module in outline.modules:
        started = [key for key in module.lesson_keys if key in flags]
        if not started:
            continue
        done = sum(1 for key in started if flags[key])
        counts[module.key] = Counts(len(started), done, module.key in complete)
    return counts


def store_module_summaries(
    enrolment: Enrolment,
    outline: CourseOutline,
    flags: dict[uuid.UUID, bool],
    complete: set[uuid.UUID],
) -> None:
    """Bring the enrolment's module rows in line with ``flags`` and the keys of
    its ``complete`` modules; the caller holds the enrolment's row lock. Writes
    only rows that changed (usually one)."""
    _write(enrolment.pk, module_counts(outline, flags, complete))


def _write(enrolment_id: int, wanted: dict[uuid.UUID, Counts]) -> None:
    existing = {
        row.module_key: row
        for row in ModuleSummary.objects.filter(enrolment_id=enrolment_id)
    }
    created, changed = [], []
    for key, counts in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            created.append(_row(enrolment_id, key, counts))
        elif (row.lessons_started, row.lessons_done, row.complete) != (
            counts.started,
            counts.done,
            counts.complete,
        ):
            row.lessons_started = counts.started
            row.lessons_done = counts.done
            row.complete = counts.complete
            changed.append(row)
    if existing:  # modules no longer in the course, or no longer begun
        ModuleSummary.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    if created:
        ModuleSummary.objects.bulk_create(created)
    if changed:
        ModuleSummary.objects.bulk_update(
            changed, ["lessons_started", "lessons_done", "complete"]
        )


def _row(enrolment_id: int, key: uuid.UUID, counts: Counts) -> ModuleSummary:
    return ModuleSummary(
        enrolment_id=enrolment_id,
        module_key=key,
        lessons_started=counts.started,
        lessons_done=counts.done,
        complete=counts.complete,
    )


def recount_module_summaries(
    enrolments: Iterable[int] | None = None, registry: Apps | None = None
) -> int:
    """Rebuild the module summaries of ``enrolments`` (ids; default: all) from the
    lesson progress, tests passed and assignments accepted, a chunk of enrolments
    per transaction under their row locks, three queries per chunk. Returns the
    number of enrolments recounted.

    ``registry`` is a migration's app registry: the backfill reads the tables with
    the models as they were then (plain field lookups only, no tree API)."""
    models = registry or django_apps
    enrolment_model = models.get_model("courses", "Enrolment")
    scope = enrolment_model.objects.all()
    if enrolments is not None:
        scope = scope.filter(pk__in=list(enrolments))
    total = 0
    for course in (
        models.get_model("courses", "CoursePage")
        .objects.filter(pk__in=scope.order_by().values("course_id"))
        .only("pk", "path", "depth")
    ):
        outline = _outline(models, course)
        assignments = module_assignment_keys(
            outline, models.get_model("courses", "Assignment").objects.all()
        )
        ids = list(
            scope.filter(course_id=course.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), RECOUNT_CHUNK):
            _recount_chunk(
                models, outline, assignments, ids[start : start + RECOUNT_CHUNK]
            )
        total += len(ids)
    return total


def _outline(models: Apps, course) -> CourseOutline:
    """:func:`~courses.progress.outline.course_outline` in plain lookups."""
    within = {"live": True, "path__startswith": course.path}
    modules = (
        models.get_model("courses", "ModulePage")
        .objects.filter(depth=course.depth + 1, **within)
        .order_by("path")
        .values_list("pk", "path", "hours", "translation_key", "title")
    )
    lessons = (
        models.get_model("courses", "LessonPage")
        .objects.filter(depth__gt=course.depth, **within)
        .order_by("path")
        .values_list(
            "pk", "path", "translation_key", "optional", "quiz__translation_key"
        )
    )
    return build_outline(modules, lessons)


def _recount_chunk(
    models: Apps,
    outline: CourseOutline,
    assignments: dict[uuid.UUID, set[uuid.UUID]],
    ids: list[int],
) -> None:
    progress = models.get_model("courses", "LessonProgress")
    summary = models.get_model("courses", "ModuleSummary")
    whens = [
        When(lesson_key__in=module.lesson_keys, then=Value(index))
        for index, module in enumerate(outline.modules)
        if module.lesson_keys
    ]
    wanted: dict[int, dict[uuid.UUID, Counts]] = defaultdict(dict)
    with transaction.atomic():
        # The same lock every recorded event takes: no event of these learners
        # lands between the count and the write.
        enrolment = models.get_model("courses", "Enrolment")
        list(enrolment.objects.select_for_update().filter(pk__in=ids).values("pk"))
        if whens:
            required = outline.required_keys
            grouped = (
                progress.objects.filter(
                    enrolment_id__in=ids, lesson_key__in=outline.lesson_keys
                )
                .annotate(
                    module=Case(*whens, default=Value(-1), output_field=IntegerField())
                )
                .values("enrolment_id", "module")
                .annotate(
                    started=Count("pk"),
                    done=Count("pk", filter=Q(completed_at__isnull=False)),
                    required_done=Count(
                        "pk",
                        filter=Q(completed_at__isnull=False, lesson_key__in=required),
                    ),
                )
                .order_by()
                .values_list(
                    "enrolment_id", "module", "started", "done", "required_done"
                )
            )
            passed, accepted = _passed_and_accepted(models, ids)
            for enrolment_id, index, started, done, required_done in grouped:
                module = outline.modules[index]
                wanted[enrolment_id][module.key] = Counts(
                    started,
                    done,
                    outline.module_complete(module, required_done)
                    and module_rest_met(
                        outline,
                        module,
                        passed[enrolment_id],
                        accepted[enrolment_id],
                        assignments,
                    ),
                )
        summary.objects.filter(enrolment_id__in=ids).delete()
        summary.objects.bulk_create(
            summary(
                enrolment_id=enrolment_id,
                module_key=key,
                lessons_started=counts.started,
                lessons_done=counts.done,
                complete=counts.complete,
            )
            for enrolment_id, modules in wanted.items()
            for key, counts in modules.items()
        )


def _passed_and_accepted(
    models: Apps, ids: list[int]
) -> tuple[dict[int, set[uuid.UUID]], dict[int, set[uuid.UUID]]]:
    """Per enrolment of ``ids``, the keys of the tests passed and of the
    assignments accepted (two queries)."""
    passed: dict[int, set[uuid.UUID]] = defaultdict(set)
    for enrolment_id, key in (
        models.get_model("courses", "QuizAttempt")
        .objects.filter(enrolment_id__in=ids, passed=True)
        .values_list("enrolment_id", "quiz_key")
        .distinct()
    ):
        passed[enrolment_id].add(key)
    accepted: dict[int, set[uuid.UUID]] = defaultdict(set)
    # A literal status: a migration's models carry no Status choices.
    for enrolment_id, key in (
        models.get_model("courses", "AssignmentSubmission")
        .objects.filter(enrolment_id__in=ids, status="accepted")
        .values_list("enrolment_id", "assignment_key")
        .distinct()
    ):
        accepted[enrolment_id].add(key)
    return passed, accepted
