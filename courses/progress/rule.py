"""The completion rule: what a learner has done (:class:`Evidence`, read by
:func:`gather_evidence`) and which modules that completes (:func:`complete_modules`).

The checklist, the percent and the hours are built on it in
:mod:`courses.progress.completion`; the reports' matrix, the module summaries and
the course page ask this module directly, so a module counts as complete in one
way everywhere. docs/progress.md states the rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from courses.models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    Enrolment,
    LessonProgress,
    QuizAttempt,
)
from courses.progress.outline import CourseOutline, ModuleOutline

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass
class Evidence:
    """What one learner has done, read in a fixed number of queries."""

    lessons: set[uuid.UUID]
    quizzes_passed: set[uuid.UUID]
    assignments_accepted: set[uuid.UUID]
    attended_by_module: dict[uuid.UUID, Decimal]
    #: submitted and waiting for staff to review them
    assignments_awaiting_review: set[uuid.UUID] = field(default_factory=set)

    @property
    def attended_hours(self) -> Decimal:
        return sum(self.attended_by_module.values(), Decimal(0))


def gather_evidence(enrolment: Enrolment, lessons_done: set[uuid.UUID]) -> Evidence:
    attended: dict[uuid.UUID, Decimal] = {}
    for module_key, hours in (
        Attendance.objects.filter(enrolment=enrolment, status=Attendance.Status.PRESENT)
        .values_list("session__module__translation_key")
        .annotate(total=Sum("hours"))
        .order_by()
    ):
        attended[module_key] = hours or Decimal(0)
    submissions = set(
        AssignmentSubmission.objects.filter(
            enrolment=enrolment,
            status__in=[
                AssignmentSubmission.Status.ACCEPTED,
                AssignmentSubmission.Status.SUBMITTED,
            ],
        )
        .values_list("assignment_key", "status")
        .distinct()
    )
    return Evidence(
        lessons=lessons_done,
        quizzes_passed=set(
            QuizAttempt.objects.filter(enrolment=enrolment, passed=True)
            .values_list("quiz_key", flat=True)
            .distinct()
        ),
        assignments_accepted={
            key
            for key, status in submissions
            if status == AssignmentSubmission.Status.ACCEPTED
        },
        assignments_awaiting_review={
            key
            for key, status in submissions
            if status == AssignmentSubmission.Status.SUBMITTED
        },
        attended_by_module=attended,
    )


def module_assignment_keys(
    outline: CourseOutline, assignments: QuerySet[Assignment] | None = None
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Practical assignments set on each module or its lessons, by module key
    (``assignments``: a migration's ``Assignment`` rows instead of today's)."""
    module_of_page = {module.page_id: module.key for module in outline.modules}
    for module in outline.modules:
        for key in module.lesson_keys:
            module_of_page[outline.lesson_ids[key]] = module.key
    if not module_of_page:
        return {}
    if assignments is None:
        assignments = Assignment.objects.all()
    by_module: dict[uuid.UUID, set[uuid.UUID]] = {}
    for page_id, key in (
        assignments.filter(page_id__in=module_of_page)
        .values_list("page_id", "translation_key")
        .distinct()
    ):
        by_module.setdefault(module_of_page[page_id], set()).add(key)
    return by_module


def complete_modules(
    outline: CourseOutline,
    evidence: Evidence,
    assignments_by_module: dict[uuid.UUID, set[uuid.UUID]],
) -> set[uuid.UUID]:
    """Keys of the modules whose every requirement is met: their required lessons
    done (:meth:`CourseOutline.module_done`, which alone opens the next module)
    and what :func:`module_rest_met` asks. Only these show as completed, earn
    their hours and count as done in the reports; a submission awaiting review
    does not."""
    return {
        module.key
        for module in outline.modules
        if outline.module_done(module, evidence.lessons)
        and module_rest_met(
            outline,
            module,
            evidence.quizzes_passed,
            evidence.assignments_accepted,
            assignments_by_module,
        )
    }


def module_rest_met(
    outline: CourseOutline,
    module: ModuleOutline,
    quizzes_passed: set[uuid.UUID],
    assignments_accepted: set[uuid.UUID],
    assignments_by_module: dict[uuid.UUID, set[uuid.UUID]],
) -> bool:
    """What a module asks besides its lessons: the tests of its required lessons
    passed and its practical assignments accepted."""
    tests = {
        outline.quiz_keys[key]
        for key in outline.required_of(module)
        if key in outline.quiz_keys
    }
    return (
        tests <= quizzes_passed
        and assignments_by_module.get(module.key, set()) <= assignments_accepted
    )


def completed_keys(enrolment: Enrolment) -> set[uuid.UUID]:
    return set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
