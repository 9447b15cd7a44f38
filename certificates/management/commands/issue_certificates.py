import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.bulk import run_bulk_issue, start_bulk_issue
from certificates.issuing import IssuingError
from certificates.models import BulkIssueJob
from courses.models import Cohort, CoursePage

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Issue the certificates of every learner who completed a course (or one of "
        "its cohorts) and has none yet, here or (--background) by the task workers; "
        "or (--resume) enqueue again the parts of background bulk issues whose "
        "worker died. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, help="course page id")
        parser.add_argument("--cohort", type=int, help="cohort id (optional)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="enqueue the work in chunks for the task workers and return",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="enqueue again the work of bulk issues and certificates that a dead "
            "worker left unfinished; safe to run from cron",
        )
        parser.add_argument("--job", type=int, help="with --resume: only this job")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=300,
            metavar="SECONDS",
            help="with --resume: a running chunk silent this long is taken for "
            "lost (default 300)",
        )

    def handle(self, *args, course: int | None, cohort: int | None, **options) -> None:
        if options["resume"]:
            self.resume(options["job"], timedelta(seconds=options["stale_after"]))
            return
        if course is None:
            raise CommandError("Give --course (or --resume).")
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
        if options["background"]:
            from certificates.tasks import bulk_issue

            bulk_issue.enqueue(job.pk)
            self.stdout.write(f"Bulk issue {job.pk} enqueued for {job.total} learners.")
            return
        try:
            run_bulk_issue(job, progress=self.show_progress)
        except IssuingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.issued} issued, {job.skipped} already had one, "
                f"{job.revoked} revoked, not re-issued, "
                f"{job.failed} failed, of {job.total}."
            )
        )
        if job.errors:
            self.stderr.write(job.errors)

    def resume(self, job_id: int | None, stale_after: timedelta) -> None:
        from certificates.tasks import resume_bulk_issues, resume_certificates

        job = None
        if job_id is not None:
            job = BulkIssueJob.objects.filter(pk=job_id).first()
            if job is None:
                raise CommandError(f"No bulk issue with id {job_id}.")
        chunks = resume_bulk_issues(stale_after, job)
        learners = sum(len(chunk.enrolment_ids) for chunk in chunks)
        jobs = sorted({chunk.job_id for chunk in chunks})
        self.stdout.write(
            f"{len(chunks)} chunks ({learners} learners) of bulk issues "
            f"{', '.join(map(str, jobs)) or '—'} enqueued again."
        )
        if job is None:
            unfinished = resume_certificates(stale_after)
            self.stdout.write(
                f"{len(unfinished)} certificates without their PDF or e-mail "
                "enqueued to be finished."
            )

    def show_progress(self, job: BulkIssueJob) -> None:
        filled = BAR_WIDTH * job.done // job.total if job.total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # A carriage return redraws the bar in a terminal; logs get one line each.
        end = "\r" if sys.stdout.isatty() else "\n"
        self.stdout.write(f"[{bar}] {job.done}/{job.total}", ending=end)
