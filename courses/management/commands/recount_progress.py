"""Recount every enrolment's stored progress summary (or one course's), e.g. after
an upgrade that stores a new figure (docs/progress.md)."""

from __future__ import annotations

import argparse
import uuid

from django.core.management.base import BaseCommand, CommandError

from courses.models import Enrolment
from courses.tasks import refresh_course_summaries


class Command(BaseCommand):
    help = "Recount the stored progress summary of every enrolment, or one course's."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--course-key",
            type=_course_key,
            help="Only the enrolments of the course with this translation key.",
        )

    def handle(self, *args, course_key: uuid.UUID | None = None, **options) -> None:
        keys = Enrolment.objects.values_list("course_key", flat=True).distinct()
        if course_key:
            keys = keys.filter(course_key=course_key)
            if not keys:
                raise CommandError(f"No enrolments in a course with key {course_key}.")
        # In this process, not queued: the administrator waits for the count.
        total = sum(refresh_course_summaries.call(str(key)) for key in keys)
        self.stdout.write(f"Recounted {total} enrolments.")


def _course_key(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a course's translation key."
        ) from None
