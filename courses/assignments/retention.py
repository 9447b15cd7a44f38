"""Submitted files are kept for a limited time: deleted ``LMS_SUBMISSION_RETENTION_
DAYS`` after the course ended for the learner, staff having been told at least
``LMS_RETENTION_NOTICE_DAYS`` before.

A course ends for a learner when their cohort ends (its end date), or, without
a cohort end date, when they completed the course. Only the file goes: the
submission, its text, its review and the hours it earned stay.

``manage.py apply_retention`` does both steps; run it daily (cron, a systemd
timer, or the platform's scheduler).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.conf import lms_setting
from courses.models import AssignmentSubmission
from courses.people.languages import staff_language
from courses.permissions import course_staff

logger = logging.getLogger(__name__)


def retention_days() -> int | None:
    return lms_setting("LMS_SUBMISSION_RETENTION_DAYS")


def notice_days() -> int:
    return lms_setting("LMS_RETENTION_NOTICE_DAYS")


def _ended_by(day: date) -> Q:
    """Submissions whose course had ended for the learner on ``day``."""
    return Q(enrolment__cohort__ends_on__lte=day) | Q(
        enrolment__cohort__ends_on__isnull=True,
        enrolment__completed_at__date__lte=day,
    )


def _with_file() -> QuerySet[AssignmentSubmission]:
    return AssignmentSubmission.objects.exclude(file="")


def ended_on(submission: AssignmentSubmission) -> date | None:
    enrolment = submission.enrolment
    if enrolment.cohort is not None and enrolment.cohort.ends_on:
        return enrolment.cohort.ends_on
    if enrolment.completed_at:
        return timezone.localdate(enrolment.completed_at)
    return None


def to_announce(today: date) -> QuerySet[AssignmentSubmission]:
    """Files whose deletion falls within the notice period and of which staff
    have not been told."""
    days = retention_days()
    if days is None:
        return AssignmentSubmission.objects.none()
    return _with_file().filter(
        _ended_by(today + timedelta(days=notice_days() - days)),
        file_deletion_announced_at__isnull=True,
    )


def to_delete(today: date) -> QuerySet[AssignmentSubmission]:
    """Files past their retention period whose deletion staff were told of at
    least the notice period ago."""
    days = retention_days()
    if days is None:
        return AssignmentSubmission.objects.none()
    return _with_file().filter(
        _ended_by(today - timedelta(days=days)),
        file_deletion_announced_at__date__lte=today - timedelta(days=notice_days()),
    )


@dataclass
class CohortDeletion:
    """One line of the notice: how many files of a cohort go on which day."""

    cohort: str
    files: int
    on: date


def announce(today: date | None = None) -> int:
    """E-mail each course's staff which submitted files will be deleted and
    when; returns the number of files announced. Each file is announced once."""
    today = today or timezone.localdate()
    earliest = today + timedelta(days=notice_days())
    by_course: dict[int, list[AssignmentSubmission]] = defaultdict(list)
    for submission in to_announce(today).select_related(
        "enrolment__cohort", "enrolment__course"
    ):
        by_course[submission.enrolment.course_id].append(submission)
    announced = 0
    for submissions in by_course.values():
        course = submissions[0].enrolment.course
        lines: dict[tuple[str, date], int] = defaultdict(int)
        for submission in submissions:
            ended = ended_on(submission) or today
            on = max(ended + timedelta(days=retention_days()), earliest)
            cohort = submission.enrolment.cohort
            lines[cohort.name if cohort else "", on] += 1
        deletions = [
            CohortDeletion(cohort, files, on)
            for (cohort, on), files in sorted(lines.items(), key=lambda i: i[0][1])
        ]
        _notify_staff(course, deletions)
        AssignmentSubmission.objects.filter(
            pk__in=[submission.pk for submission in submissions]
        ).update(file_deletion_announced_at=timezone.now())
        announced += len(submissions)
    return announced


def _notify_staff(course, deletions: list[CohortDeletion]) -> None:
    connection = mail.get_connection()
    for person in course_staff(course).exclude(email=""):
        with translation.override(staff_language(person)):
            context = {"course": course, "deletions": deletions, "person": person}
            message = mail.EmailMessage(
                render_to_string(
                    "courses/emails/retention_subject.txt", context
                ).strip(),
                render_to_string("courses/emails/retention_body.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
                connection=connection,
            )
        try:
            message.send()
        except OSError:
            logger.exception("Retention notice to user %s failed", person.pk)


def delete_expired(today: date | None = None) -> int:
    """Delete the files past their retention period; returns how many."""
    today = today or timezone.localdate()
    deleted = 0
    for submission in to_delete(today).only("pk", "file").iterator(chunk_size=200):
        # The file first: should the row's update then fail, the next run finds
        # the row again and deleting a missing file is harmless; the other way
        # round, a failure would leave a file no row leads to.
        submission.file.storage.delete(submission.file.name)
        AssignmentSubmission.objects.filter(pk=submission.pk).update(
            file="", file_deleted_at=timezone.now()
        )
        deleted += 1
    return deleted
