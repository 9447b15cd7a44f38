"""Bulk issuing: every completed learner of a course (or cohort) who has no valid
certificate gets one, except those whose certificate was revoked (counted apart). A job is split into chunks that any task worker may take;
run in one process (the management command), the same chunks run one by one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from certificates.delivery import deliver
from certificates.issuing import (
    CourseFacts,
    IssuingError,
    RevokedError,
    course_facts,
    issue_snapshot,
)
from certificates.models import (
    BulkIssueChunk,
    BulkIssueJob,
    Certificate,
)
from courses.models import Cohort, CoursePage, Enrolment

How = Certificate.How


def enrolments_to_certify(course: CoursePage, cohort: Cohort | None = None):
    enrolments = Enrolment.objects.filter(
        course_key=course.translation_key, status=Enrolment.Status.COMPLETED
    )
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments.order_by("pk")


def start_bulk_issue(
    course: CoursePage, cohort: Cohort | None, actor: AbstractBaseUser | None
) -> BulkIssueJob:
    return BulkIssueJob.objects.create(
        course=course,
        cohort=cohort,
        created_by=actor,
        total=enrolments_to_certify(course, cohort).count(),
    )


def _bulk_issue_one(
    enrolment: Enrolment, job: BulkIssueJob, facts: CourseFacts
) -> tuple[Certificate, bool]:
    """Issue and deliver one learner's certificate for a bulk job; returns the
    certificate and whether it is new. Raises :class:`IssuingError`."""
    certificate, created = issue_snapshot(
        enrolment, how=How.BULK, actor=job.created_by, facts=facts
    )
    deliver(certificate)
    return certificate, created


BULK_CHUNK_SIZE = 50


def plan_bulk_issue(job: BulkIssueJob) -> list[BulkIssueChunk]:
    """Split the job's learners into chunks of :data:`BULK_CHUNK_SIZE`, each to be
    issued by one task (:func:`run_bulk_chunk`); returns the chunks to enqueue.

    Planning a job twice (its task ran again) returns the chunks already planned.
    """
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update().get(pk=job.pk)
        if job.chunks.exists():
            return list(job.chunks.exclude(status=BulkIssueChunk.Status.DONE))
        ids = list(
            enrolments_to_certify(job.course, job.cohort).values_list("pk", flat=True)
        )
        job.total = len(ids)
        job.status = BulkIssueJob.Status.RUNNING
        if not ids:
            job.status = BulkIssueJob.Status.FINISHED
            job.finished_at = timezone.now()
        job.save(update_fields=["total", "status", "finished_at"])
        return BulkIssueChunk.objects.bulk_create(
            BulkIssueChunk(
                job=job,
                number=number,
                enrolment_ids=ids[start : start + BULK_CHUNK_SIZE],
            )
            for number, start in enumerate(range(0, len(ids), BULK_CHUNK_SIZE), 1)
        )


def run_bulk_chunk(chunk_id: int) -> BulkIssueChunk:
    """Issue, render and e-mail the certificates of one chunk; safe to run again
    or twice at once (the counts are added to the job once)."""
    chunk = BulkIssueChunk.objects.select_related(
        "job__course", "job__cohort", "job__created_by"
    ).get(pk=chunk_id)
    if chunk.status == BulkIssueChunk.Status.DONE:
        return chunk
    job = chunk.job
    alive = BulkIssueChunk.objects.filter(pk=chunk.pk)
    alive.update(
        status=BulkIssueChunk.Status.RUNNING,
        attempts=F("attempts") + 1,
        touched_at=timezone.now(),
    )
    facts = course_facts(job.course)
    issued = skipped = revoked = failed = 0
    errors: list[str] = []
    for enrolment_id in chunk.enrolment_ids:
        enrolment = Enrolment.objects.select_related("user", "course", "cohort").get(
            pk=enrolment_id
        )
        try:
            certificate, created = _bulk_issue_one(enrolment, job, facts)
        except RevokedError:
            revoked += 1
        except IssuingError as exc:
            failed += 1
            errors.append(f"{enrolment.user}: {exc}")
        else:
            # A certificate made by an earlier, killed run of this chunk counts as
            # issued by the job, not as one the learner already had.
            if created or (
                certificate.issued_how == How.BULK
                and certificate.issued_at >= job.created_at
            ):
                issued += 1
            else:
                skipped += 1
        # The sign of life that --resume looks at before enqueuing a chunk again.
        alive.update(touched_at=timezone.now())
    with transaction.atomic():
        # The job's row first, then the chunk's: the order every chunk locks in.
        locked_job = BulkIssueJob.objects.select_for_update().get(pk=job.pk)
        chunk = BulkIssueChunk.objects.select_for_update().get(pk=chunk.pk)
        if chunk.status == BulkIssueChunk.Status.DONE:
            return chunk  # a twin run finished first and counted
        now = timezone.now()
        chunk.status = BulkIssueChunk.Status.DONE
        chunk.finished_at = chunk.touched_at = now
        chunk.issued, chunk.skipped, chunk.failed = issued, skipped, failed
        chunk.revoked = revoked
        chunk.errors = "\n".join(errors)
        chunk.save()
        locked_job.issued += issued
        locked_job.skipped += skipped
        locked_job.revoked += revoked
        locked_job.failed += failed
        locked_job.errors = "\n".join(filter(None, [locked_job.errors, *errors]))
        if not locked_job.chunks.exclude(status=BulkIssueChunk.Status.DONE).exists():
            locked_job.status = BulkIssueJob.Status.FINISHED
            locked_job.finished_at = now
        locked_job.save()
    return chunk


def stale_chunks(
    stale_after: timedelta, job: BulkIssueJob | None = None
) -> list[BulkIssueChunk]:
    """Unfinished chunks whose work was lost: failed ones; running ones silent for
    ``stale_after`` (their worker died); and waiting ones of a job none of whose
    chunks showed life for ``stale_after`` (the queue was lost, or never filled)."""
    cutoff = timezone.now() - stale_after
    jobs = BulkIssueJob.objects.exclude(status=BulkIssueJob.Status.FINISHED)
    if job is not None:
        jobs = jobs.filter(pk=job.pk)
    silent_jobs = jobs.annotate(last_sign=Max("chunks__touched_at")).filter(
        last_sign__lt=cutoff
    )
    Status = BulkIssueChunk.Status
    return list(
        BulkIssueChunk.objects.filter(job__in=jobs)
        .filter(
            Q(status=Status.FAILED)
            | Q(status=Status.RUNNING, touched_at__lt=cutoff)
            | Q(status=Status.PENDING, job__in=silent_jobs)
        )
        .order_by("job", "number")
    )


def run_bulk_issue(
    job: BulkIssueJob, progress: Callable[[BulkIssueJob], None] | None = None
) -> BulkIssueJob:
    """Issue a whole job in this process, chunk by chunk: the same work, counted
    the same way, as the task workers do. ``progress`` is told of the job after
    each chunk. Running it again issues nothing new."""
    for chunk in plan_bulk_issue(job):
        run_bulk_chunk(chunk.pk)
        if progress is not None:
            job.refresh_from_db()
            progress(job)
    job.refresh_from_db()
    return job
