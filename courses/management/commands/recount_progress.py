"""Recount every enrolment's stored progress (or one course's): its summary and
the per-module rows the reports read, e.g. after an upgrade that stores a new
figure or after restoring a backup (docs/progress.md).

manage.py recount_progress [--course 12 | --course-key UUID]

Safe while learners work: each enrolment is recounted under the row lock that
recording its progress takes.
"""

from __future__ import annotations

import argparse
import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import CoursePage, Enrolment
from courses.tasks import refresh_course_summaries


class Command(BaseCommand):
    help = "Recount the stored progress of every enrolment, or one course's."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--course",
            help="Page id of a course (either language version).",
        )
        which.add_argument(
            "--course-key",
            type=_course_key,
            help="The translation key of a course.",
        )

    def handle(
        self,
        *args,
        course: str | None = None,
        course_key: uuid.UUID | None = None,
        **options,
    ) -> None:
        if course is not None:
            if not str(course).isdigit():
                raise CommandError(f"--course must be a page id, not {course!r}.")
            page = CoursePage.objects.filter(pk=course).first()
            if page is None:
                raise CommandError(f"There is no course with id {course}.")
            course_key = page.translation_key
        keys = (
            Enrolment.objects.order_by().values_list("course_key", flat=True).distinct()
        )
        if course_key:
            keys = keys.filter(course_key=course_key)
            if not keys and course is None:
                raise CommandError(f"No enrolments in a course with key {course_key}.")
        # In this process, not queued: the administrator waits for the count.
        total = sum(refresh_course_summaries.call(str(key)) for key in keys)
        self.stdout.write(f"{total} enrolments recounted.")


def _course_key(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a course's translation key."
        ) from None
