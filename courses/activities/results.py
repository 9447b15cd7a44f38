"""What a package reported, judged by the server, and its one way into progress.

A package's runtime sends statuses and scores; :func:`record_activity_result`
keeps them on the learner's attempt, decides by the activity's rule whether it is
met (re-computing the score, never taking the package's pass mark on trust), and
on the first success completes the lessons that the activity completes — through
:mod:`courses.progress.recording`, exactly as a passed quiz does, so that the
checklist, modules, certificates, the competence profile, webhooks and xAPI all
follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from courses.activities.models import Activity, ActivityAttempt
from courses.integrations.events import Event, emit, enrolment_data
from courses.models import Enrolment, LessonPage, LessonProgress
from courses.progress.recording import (
    ProgressError,
    record_lesson_completed,
)

COMPLETED = "completed"
INCOMPLETE = "incomplete"
PASSED = "passed"
FAILED = "failed"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ActivityResult:
    """One report from a package, in the terms of SCORM 2004 (1.2 and H5P are
    translated into them). ``None`` leaves the stored value as it is."""

    completion: str | None = None
    success: str | None = None
    #: The score as a percentage, already within 0–100.
    score: Decimal | None = None
    location: str | None = None
    suspend_data: str | None = None
    total_time: timedelta | None = None
    #: The package asked to come back to this attempt (``cmi.exit = suspend``).
    suspended: bool = False
    data: dict | None = None


@dataclass(frozen=True)
class Outcome:
    met: bool
    lesson_done: bool


def rule_met(activity: Activity, attempt: ActivityAttempt) -> bool:
    """Whether ``attempt`` meets the activity's rule, by the server's own reading."""
    if activity.rule == Activity.Rule.COMPLETED:
        return attempt.completion == COMPLETED
    if activity.rule == Activity.Rule.PASSED:
        if attempt.success != PASSED:
            return False
        # A pass mark the author set holds even when the package passes for less.
        return activity.min_score is None or (
            attempt.score is not None and attempt.score >= activity.min_score
        )
    return (
        activity.min_score is not None
        and attempt.score is not None
        and attempt.score >= activity.min_score
    )


def activity_lessons(activity: Activity, enrolment: Enrolment) -> QuerySet[LessonPage]:
    """Live lessons of the learner's course completed by ``activity``."""
    return (
        LessonPage.objects.live()
        .descendant_of(enrolment.course)
        .filter(activity=activity, completion_rule=LessonPage.CompletionRule.ACTIVITY)
        .order_by("path")
    )


def record_activity_result(
    enrolment: Enrolment, attempt: ActivityAttempt, result: ActivityResult
) -> Outcome:
    """Keep ``result`` on ``attempt`` and let progress follow; safe to repeat.

    A met rule stays met: a later report of the same attempt (a package that
    resets its status) does not take a completed lesson back.
    """
    activity = attempt.activity
    now = timezone.now()
    with transaction.atomic():
        locked = ActivityAttempt.objects.select_for_update().get(pk=attempt.pk)
        was_met = locked.met
        was_finished = locked.finished_at is not None
        for name in ("completion", "success", "score", "location", "suspend_data"):
            value = getattr(result, name)
            if value is not None:
                setattr(locked, name, value)
        if result.total_time is not None and result.total_time > locked.total_time:
            locked.total_time = result.total_time
        if result.data:
            # A commit sends the whole data model: the latest replaces the last.
            locked.data = result.data
        locked.met = was_met or rule_met(activity, locked)
        if not was_finished and locked.completion == COMPLETED and not result.suspended:
            locked.finished_at = now
        locked.save()
        if (locked.met and not was_met) or (locked.finished_at and not was_finished):
            emit(
                Event.ACTIVITY_RESULT,
                {
                    **enrolment_data(enrolment),
                    "attempt": locked.pk,
                    "activity": activity.pk,
                    "activity_title": activity.title,
                    "number": locked.number,
                    "completion": locked.completion,
                    "success": locked.success,
                    "score": locked.score,
                    "met": locked.met,
                    "reported_at": now,
                },
                key=f"activity.result:{locked.pk}:{int(locked.met)}",
            )
        Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)
    for name in ("completion", "success", "score", "met", "finished_at"):
        setattr(attempt, name, getattr(locked, name))
    lesson_done = False
    if locked.met:
        # Packages commit every few seconds: once its lessons are done, a report
        # costs no recount.
        done = set(
            LessonProgress.objects.filter(
                enrolment=enrolment, completed_at__isnull=False
            ).values_list("lesson_key", flat=True)
        )
        for lesson in activity_lessons(activity, enrolment):
            if lesson.translation_key in done:
                lesson_done = True
                continue
            try:
                record_lesson_completed(
                    enrolment, lesson, LessonProgress.Source.ACTIVITY
                )
            except ProgressError:
                # The result stands; the lesson can still be completed later
                # (e.g. once the module before it is done).
                continue
            lesson_done = True
    return Outcome(met=locked.met, lesson_done=lesson_done)
