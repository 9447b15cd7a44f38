"""What completing a course takes and how far a learner is: the checklist, the
percent every page shows and the hours a certificate states."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    Enrolment,
    LessonProgress,
    LiveSession,
    QuizAttempt,
)
from courses.progress.outline import CourseOutline, course_outline


@dataclass
class Requirement:
    """One line of a course's completion checklist, as the learner sees it."""

    code: str
    label: str
    done: Decimal
    needed: Decimal
    #: what the learner is waiting for, e.g. "1 awaiting review"
    note: str = ""

    @property
    def met(self) -> bool:
        return self.done >= self.needed

    @property
    def share(self) -> Decimal:
        """How far along this requirement is, from 0 to 1."""
        if not self.needed:
            return Decimal(1)
        return min(self.done, self.needed) / self.needed


#: Requirements that count items (each lesson, test or assignment weighs one); the
#: others (attendance) weigh one in all.
COUNTED_REQUIREMENTS = {"lessons", "quizzes", "assignments"}


def completion_percent(checklist: list[Requirement]) -> int:
    """How much of the course is done, over every requirement of its checklist.

    100 only when every requirement is met: lessons all done but an assignment
    awaiting review, or attendance missing, stays below it.
    """
    weights = [
        (requirement.needed if requirement.code in COUNTED_REQUIREMENTS else 1)
        for requirement in checklist
    ]
    total = sum(weights, Decimal(0))
    if not total:
        return 0
    done = sum(
        (
            weight * requirement.share
            for weight, requirement in zip(weights, checklist, strict=True)
        ),
        Decimal(0),
    )
    percent = int(100 * done / total)
    if not all(requirement.met for requirement in checklist):
        percent = min(percent, 99)
    return percent


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


def course_assignment_keys(outline: CourseOutline) -> set[uuid.UUID]:
    """Practical assignments set on the course's modules or lessons."""
    page_ids = [m.page_id for m in outline.modules] + list(outline.lesson_ids.values())
    if not page_ids:
        return set()
    return set(
        Assignment.objects.filter(page_id__in=page_ids)
        .values_list("translation_key", flat=True)
        .distinct()
    )


def completion_checklist(
    enrolment: Enrolment, outline: CourseOutline, evidence: Evidence
) -> list[Requirement]:
    """The course's completion criteria and how far the learner is with each.

    Required lessons always count; quizzes linked to required lessons must be
    passed; every practical assignment must be accepted; and the course may ask for
    a minimum of live-session attendance, in hours or as a share of its sessions.
    """
    course = enrolment.course
    required = outline.required_keys
    checklist = [
        Requirement(
            "lessons",
            _("Required lessons done"),
            Decimal(sum(1 for key in required if key in evidence.lessons)),
            Decimal(len(required)),
        )
    ]
    quizzes = outline.required_quiz_keys
    if quizzes:
        checklist.append(
            Requirement(
                "quizzes",
                _("Tests passed"),
                Decimal(len(quizzes & evidence.quizzes_passed)),
                Decimal(len(quizzes)),
            )
        )
    assignments = course_assignment_keys(outline)
    if assignments:
        accepted = assignments & evidence.assignments_accepted
        awaiting = (assignments & evidence.assignments_awaiting_review) - accepted
        checklist.append(
            Requirement(
                "assignments",
                _("Practical assignments accepted"),
                Decimal(len(accepted)),
                Decimal(len(assignments)),
                note=ngettext(
                    "%(count)d awaiting review",
                    "%(count)d awaiting review",
                    len(awaiting),
                )
                % {"count": len(awaiting)}
                if awaiting
                else "",
            )
        )
    if course.min_attendance_hours:
        checklist.append(
            Requirement(
                "attendance_hours",
                _("Live-session hours attended"),
                evidence.attended_hours,
                course.min_attendance_hours,
            )
        )
    if course.min_attendance_percent:
        offered = (
            LiveSession.objects.for_course(course)
            .for_cohort(enrolment.cohort_id)
            .hours()
        )
        share = (
            (100 * evidence.attended_hours / offered).quantize(Decimal(1))
            if offered
            else Decimal(100)
        )
        checklist.append(
            Requirement(
                "attendance_percent",
                _("Share of live-session hours attended (%)"),
                share,
                Decimal(course.min_attendance_percent),
            )
        )
    return checklist


def learner_checklist(enrolment: Enrolment) -> list[Requirement]:
    """The checklist for a learner's page, computed from their records."""
    outline = course_outline(enrolment.course)
    evidence = gather_evidence(enrolment, completed_keys(enrolment))
    return completion_checklist(enrolment, outline, evidence)


def hours_earned(outline: CourseOutline, evidence: Evidence) -> Decimal:
    """A completed module earns its hours; before that, the live-session hours
    attended in it count, up to the module's hours."""
    total = Decimal(0)
    for module in outline.modules:
        if outline.module_done(module, evidence.lessons):
            total += module.hours
        else:
            total += min(module.hours, evidence.attended_by_module.get(module.key, 0))
    return total


def completed_keys(enrolment: Enrolment) -> set[uuid.UUID]:
    return set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
