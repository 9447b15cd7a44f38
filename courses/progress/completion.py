"""How far one enrolment is: the checklist, the percent every page shows and the
hours a certificate states.

:func:`course_progress` is the one account of a learner's progress: the stored
summary (dashboard, API, reports) and the course page's card and checklist are
all read from it, so they cannot disagree. Which modules are complete, and the
evidence it is decided from, is the completion rule in
:mod:`courses.progress.rule`. docs/progress.md states the rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.models import Enrolment, LiveSession
from courses.progress.outline import CourseOutline, course_outline
from courses.progress.rule import (
    Evidence,
    complete_modules,
    completed_keys,
    gather_evidence,
    module_assignment_keys,
)


@dataclass
class Requirement:
    """One line of a course's completion checklist, as the learner sees it."""

    code: str
    label: str
    done: Decimal
    needed: Decimal
    #: what the learner is waiting for, e.g. "1 awaiting review"
    note: str = ""
    #: how much of it was published after the enrolment was completed; it is not
    #: asked of that enrolment (``needed`` leaves it out)
    added_after_completion: Decimal = Decimal(0)
    #: met because the enrolment completed before the course asked more of it
    #: (attendance: a higher minimum, or more sessions offered since)
    kept: bool = False

    @property
    def met(self) -> bool:
        return self.kept or self.done >= self.needed

    @property
    def share(self) -> Decimal:
        """How far along this requirement is, from 0 to 1."""
        if self.kept or not self.needed:
            return Decimal(1)
        return min(self.done, self.needed) / self.needed


#: Requirements that count items (each lesson, test or assignment weighs one); the
#: others (attendance) weigh one in all.
COUNTED_REQUIREMENTS = {"lessons", "quizzes", "assignments"}

#: Requirements done are counted to two decimals (attendance is credited in part).
HUNDREDTHS = Decimal("0.01")


def requirement_counts(checklist: list[Requirement]) -> tuple[Decimal, int]:
    """How many requirements are done, of how many: each lesson, test and
    assignment is one; each attendance requirement is one, credited in proportion
    to the hours attended. The percent is these two divided, rounded down."""
    weights = [
        (int(requirement.needed) if requirement.code in COUNTED_REQUIREMENTS else 1)
        for requirement in checklist
    ]
    done = sum(
        (
            weight * requirement.share
            for weight, requirement in zip(weights, checklist, strict=True)
        ),
        Decimal(0),
    )
    return done.quantize(HUNDREDTHS, rounding=ROUND_DOWN), sum(weights)


def completion_percent(checklist: list[Requirement]) -> int:
    """How much of the course is done, over every requirement of its checklist.

    100 only when every requirement is met: lessons all done but an assignment
    awaiting review, or attendance missing, stays below it.
    """
    done, total = requirement_counts(checklist)
    if not total:
        return 0
    percent = int(100 * done / total)
    if not all(requirement.met for requirement in checklist):
        percent = min(percent, 99)
    return percent


def completion_checklist(
    enrolment: Enrolment,
    outline: CourseOutline,
    evidence: Evidence,
    assignments_by_module: dict[uuid.UUID, set[uuid.UUID]],
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
    assignments = set().union(*assignments_by_module.values())
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


def hours_earned(
    outline: CourseOutline, evidence: Evidence, complete: set[uuid.UUID]
) -> Decimal:
    """A complete module (``complete``, :func:`complete_modules`) earns its hours;
    before that, the live-session hours attended in it count, up to the module's
    hours."""
    total = Decimal(0)
    for module in outline.modules:
        if module.key in complete:
            total += module.hours
        else:
            total += min(module.hours, evidence.attended_by_module.get(module.key, 0))
    return total


@dataclass
class CourseProgress:
    """One learner's progress in a course, as every surface states it: the course
    card and checklist in either language, the dashboard, the API and reports."""

    checklist: list[Requirement]
    #: required lessons done, of the required lessons the course has now
    lessons_done: int
    lessons_total: int
    #: :func:`requirement_counts` of the checklist; ``percent`` divides them
    requirements_done: Decimal
    requirements_total: int
    percent: int
    hours_earned: Decimal
    complete_modules: set[uuid.UUID]
    completed: bool

    @property
    def lessons_added_after_completion(self) -> int:
        return lessons_added_after_completion(
            self.completed, self.lessons_done, self.lessons_total
        )


def lessons_added_after_completion(completed: bool, done: int, total: int) -> int:
    """Required lessons published after the enrolment completed and not done
    since: a completed enrolment's lessons left to do are all such."""
    return max(total - done, 0) if completed else 0


def course_progress(
    enrolment: Enrolment, outline: CourseOutline, evidence: Evidence
) -> CourseProgress:
    """The learner's progress in the course version they enrolled through
    (``outline`` is that version's): what is done of what is asked of them.

    Completion is final. A completed enrolment keeps its hours (its certificate
    states them) and its 100 %: what was published after it completed is counted
    in ``added_after_completion`` of the checklist and in the lesson counts, not
    asked of it, so every requirement stays met.
    """
    assignments = module_assignment_keys(outline)
    checklist = completion_checklist(enrolment, outline, evidence, assignments)
    completed = enrolment.completed_at is not None
    if completed:
        for requirement in checklist:
            if requirement.met:
                continue
            requirement.note = ""
            if requirement.code in COUNTED_REQUIREMENTS:
                requirement.added_after_completion = (
                    requirement.needed - requirement.done
                )
                requirement.needed = requirement.done
            else:
                requirement.kept = True
    complete = complete_modules(outline, evidence, assignments)
    required = outline.required_keys
    done, total = requirement_counts(checklist)
    return CourseProgress(
        checklist=checklist,
        lessons_done=sum(1 for key in required if key in evidence.lessons),
        lessons_total=len(required),
        requirements_done=done,
        requirements_total=total,
        percent=100 if completed else completion_percent(checklist),
        hours_earned=(
            enrolment.hours_earned
            if completed
            else hours_earned(outline, evidence, complete)
        ),
        complete_modules=complete,
        completed=completed,
    )


def learner_progress(enrolment: Enrolment) -> CourseProgress:
    """The learner's progress, computed from their records."""
    outline = course_outline(enrolment.course)
    return course_progress(
        enrolment, outline, gather_evidence(enrolment, completed_keys(enrolment))
    )


def learner_checklist(enrolment: Enrolment) -> list[Requirement]:
    """The checklist for a learner's page, computed from their records."""
    return learner_progress(enrolment).checklist
