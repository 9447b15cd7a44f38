"""The e-learning results of one course: for each learner, their best attempt at
each SCORM or H5P activity the course's live lessons play, the attempts made and
whether the author's rule was met. Reports read what
:func:`courses.activities.results.record_activity_result` kept; they never write.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from django.db.models import FilteredRelation, Q
from django.utils.translation import pgettext_lazy

from courses.activities.models import progress_reported
from courses.activities.results import COMPLETED, FAILED, INCOMPLETE, PASSED
from courses.models import LessonPage
from courses.reports.rows import LearnerRow, learners

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from courses.models import Enrolment
    from courses.reports.matrix import CourseStructure


@dataclass(frozen=True)
class ReportActivity:
    """An activity as a column of the report."""

    pk: int
    title: str


def course_activities(structure: CourseStructure) -> list[ReportActivity]:
    """The activities linked from the course's live lessons in any of its language
    versions, each once, in the order of the lessons that first link them: one
    query."""
    position = {key: n for n, key in enumerate(structure.outline.lesson_keys)}
    if not position:
        return []
    lessons = (
        LessonPage.objects.live()
        .filter(translation_key__in=position, activity__isnull=False)
        .values_list("translation_key", "path", "activity_id", "activity__title")
    )
    activities: dict[int, ReportActivity] = {}
    for _key, _path, pk, title in sorted(
        lessons, key=lambda lesson: (position[lesson[0]], lesson[1])
    ):
        activities.setdefault(pk, ReportActivity(pk, title))
    return list(activities.values())


class Status:
    """How far a learner's attempt got, in the terms staff read."""

    PASSED = "passed"
    COMPLETED = "completed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"
    #: Launched, but the package has reported no status yet.
    STARTED = "started"
    NOT_STARTED = "not_started"

    labels = {
        PASSED: pgettext_lazy("activity status", "Passed"),
        COMPLETED: pgettext_lazy("activity status", "Completed"),
        FAILED: pgettext_lazy("activity status", "Failed"),
        INCOMPLETE: pgettext_lazy("activity status", "Incomplete"),
        STARTED: pgettext_lazy("activity status", "Started"),
        NOT_STARTED: pgettext_lazy("activity status", "Not started"),
    }
    #: Which of two attempts with the same score got further.
    rank = {PASSED: 4, COMPLETED: 3, FAILED: 2, INCOMPLETE: 1, STARTED: 0}


def attempt_status(completion: str, success: str) -> str:
    """An attempt's one status: the package's verdict when it gave one, else how
    far the learner got."""
    if success in (PASSED, FAILED):
        return success
    if completion in (COMPLETED, INCOMPLETE):
        return completion
    return Status.STARTED


@dataclass(frozen=True)
class ActivityCell:
    """A learner's record in one activity: the best attempt's score and status,
    how many attempts they made, and whether any met the author's rule."""

    status: str = Status.NOT_STARTED
    score: Decimal | None = None
    attempts: int = 0
    met: bool = False

    @property
    def label(self) -> str:
        return str(Status.labels[self.status])


NOT_STARTED = ActivityCell()


def best_cell(attempts: list[tuple]) -> ActivityCell:
    """The cell of ``(number, completion, success, score, met)`` attempts: the
    best is one that met the rule, then the highest score, then the furthest
    status, then the latest."""

    def merit(attempt: tuple) -> tuple:
        number, completion, success, score, met = attempt
        status = attempt_status(completion, success)
        return (met, score is not None, score or 0, Status.rank[status], number)

    _number, completion, success, score, met = max(attempts, key=merit)
    # Attempts the package reported progress in, as the learner's lesson counts
    # them; a launch alone counts only while it is all there is ("started").
    reported = sum(
        1
        for _n, completion_, success_, score_, _met in attempts
        if progress_reported(completion_, success_, score_)
    )
    return ActivityCell(
        attempt_status(completion, success), score, reported or len(attempts), met
    )


@dataclass
class ActivityRow(LearnerRow):
    #: One cell per activity, in the report's order.
    cells: list[ActivityCell] = field(default_factory=list)
    #: The time spent in all of the course's packages; None before any attempt.
    time_spent: timedelta | None = None

    @property
    def minutes_spent(self) -> int | None:
        """Whole minutes, as a package's own clock counts them."""
        if self.time_spent is None:
            return None
        return int(self.time_spent.total_seconds() // 60)


#: An enrolment's attempt at one of the report's activities, joined to its row.
ATTEMPT_VALUES = (
    "course_attempts__activity_id",
    "course_attempts__number",
    "course_attempts__completion",
    "course_attempts__success",
    "course_attempts__score",
    "course_attempts__met",
    "course_attempts__total_time",
)


def activity_rows(
    activities: list[ReportActivity],
    enrolments: QuerySet[Enrolment],
    with_email: bool = True,
) -> Iterator[ActivityRow]:
    """The learners of ``enrolments`` in its order, each with a cell per activity:
    one query, a record per learner and attempt (its attempts at the report's
    activities joined, none for a learner who made none), streamed in chunks and
    folded into a row per learner; e-mail addresses only if ``with_email``."""
    if not activities:
        for pk, learner, email, cohort in learners(enrolments, with_email):
            yield ActivityRow(pk, learner, email, cohort)
        return
    ordering = list(enrolments.query.order_by)
    if ordering[-1:] != ["pk"]:
        ordering.append("pk")  # a learner's records stay together
    records = learners(
        enrolments.annotate(
            course_attempts=FilteredRelation(
                "activity_attempts",
                condition=Q(
                    activity_attempts__activity_id__in=[a.pk for a in activities]
                ),
            )
        ).order_by(*ordering),
        with_email,
        extra=ATTEMPT_VALUES,
    )
    for _pk, group in groupby(records, key=itemgetter(0)):
        records_of = list(group)
        pk, learner, email, cohort = records_of[0][:4]
        by_activity: dict[int, list[tuple]] = {}
        time_spent = None
        for record in records_of:
            activity_id, *attempt, total_time = record[4:]
            if activity_id is None:
                continue
            by_activity.setdefault(activity_id, []).append(tuple(attempt))
            time_spent = (time_spent or timedelta()) + total_time
        yield ActivityRow(
            pk,
            learner,
            email,
            cohort,
            cells=[
                best_cell(by_activity[a.pk]) if a.pk in by_activity else NOT_STARTED
                for a in activities
            ],
            time_spent=time_spent,
        )


def activity_page(
    activities: list[ReportActivity],
    page: QuerySet[Enrolment],
    with_email: bool = True,
) -> list[ActivityRow]:
    """A page of the report, given the page's enrolments (in any order): one
    query whatever the page, the course or the number of attempts."""
    return list(activity_rows(activities, page.order_by("pk"), with_email))
