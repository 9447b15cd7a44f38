"""Rebuild the per-module progress summaries the reports read, from the lesson
progress, e.g. after restoring a backup or loading progress by hand.

manage.py recount_progress [--course 12]

Safe while learners work: each chunk of enrolments is recounted under the same
row locks that recording their progress takes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import CoursePage, Enrolment
from courses.progress.summaries import recount_module_summaries


class Command(BaseCommand):
    help = "Recount every enrolment's per-module progress summaries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--course",
            help="Page id of a course (either language version); all when omitted.",
        )

    def handle(self, *args, course: str | None, **options) -> None:
        enrolments = None
        if course is not None:
            if not str(course).isdigit():
                raise CommandError(f"--course must be a page id, not {course!r}.")
            page = CoursePage.objects.filter(pk=course).first()
            if page is None:
                raise CommandError(f"There is no course with id {course}.")
            enrolments = Enrolment.objects.filter(
                course_key=page.translation_key
            ).values_list("pk", flat=True)
        count = recount_module_summaries(enrolments)
        self.stdout.write(self.style.SUCCESS(f"{count} enrolments recounted."))
