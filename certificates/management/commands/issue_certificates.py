import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.issuing import IssuingError, run_bulk_issue, start_bulk_issue
from certificates.models import BulkIssueJob
from courses.models import Cohort, CoursePage

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Issue the certificates of every learner who completed a course (or one of "
        "its cohorts) and has none yet. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, required=True, help="course page id")
        parser.add_argument("--cohort", type=int, help="cohort id (optional)")

    def handle(self, *args, course: int, cohort: int | None, **options) -> None:
        page = CoursePage.objects.filter(pk=course).first()
        if page is None:
            raise CommandError(f"No course with id {course}.")
        group = None
        if cohort is not None:
            group = Cohort.objects.filter(
                pk=cohort, course__translation_key=page.translation_key
            ).first()
            if group is None:
                raise CommandError(f"No cohort with id {cohort} in “{page.title}”.")
        job = start_bulk_issue(page, group, actor=None)
        try:
            run_bulk_issue(job, progress=self.show_progress)
        except IssuingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.issued} issued, {job.skipped} already had one, "
                f"{job.failed} failed, of {job.total}."
            )
        )
        if job.errors:
            self.stderr.write(job.errors)

    def show_progress(self, job: BulkIssueJob) -> None:
        filled = BAR_WIDTH * job.done // job.total if job.total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # A carriage return redraws the bar in a terminal; logs get one line each.
        end = "\r" if sys.stdout.isatty() else "\n"
        self.stdout.write(f"[{bar}] {job.done}/{job.total}", ending=end)
