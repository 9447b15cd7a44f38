"""Background work of the certificates app (Django's task framework).

Every task here is safe to run again after a worker died halfway, and safe to run
twice at once: an enrolment has at most one valid certificate, a missing PDF is
rendered, and the learner's e-mail is recorded as sent in the transaction that
sends it. Nothing here relies on the queue retrying: RQ does not retry a job whose
worker was killed, so a bulk issue is split into chunks that
``manage.py issue_certificates --resume`` can enqueue again.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from certificates.bulk import plan_bulk_issue, run_bulk_chunk, stale_chunks
from certificates.delivery import deliver
from certificates.issuing import (
    IssuingError,
    RevokedError,
    issue_snapshot,
    template_for,
)
from certificates.models import BulkIssueChunk, BulkIssueJob, Certificate
from courses.models import Enrolment


@task()
def issue_for_completed_enrolment(enrolment_id: int) -> str:
    """Issue, render and e-mail the certificate of a completed enrolment; returns
    its serial, or "" when none is issued automatically (the course does not, or
    the learner's certificate was revoked)."""
    enrolment = Enrolment.objects.select_related("user", "course", "cohort").get(
        pk=enrolment_id
    )
    try:
        _template, automatic = template_for(enrolment.course_key)
    except IssuingError:
        return ""
    if not automatic:
        return ""
    try:
        certificate, _created = issue_snapshot(enrolment, how=Certificate.How.AUTOMATIC)
    except RevokedError:
        return ""
    deliver(certificate)
    return certificate.serial


@task()
def finish_certificate(certificate_id: int) -> str:
    """Render and e-mail a certificate whose issuing task died after the snapshot;
    returns its serial."""
    certificate = Certificate.objects.select_related("user").get(pk=certificate_id)
    deliver(certificate)
    return certificate.serial


@task()
def bulk_issue(job_id: int) -> int:
    """Plan a bulk issue started in the admin and enqueue one task per chunk, so
    that every worker takes a share; returns how many learners it covers."""
    job = BulkIssueJob.objects.get(pk=job_id)
    chunks = plan_bulk_issue(job)
    enqueue_chunks(chunks)
    job.refresh_from_db(fields=["total"])
    return job.total


@task()
def bulk_issue_chunk(chunk_id: int) -> int:
    """Issue one chunk of a bulk issue; returns how many it issued."""
    try:
        return run_bulk_chunk(chunk_id).issued
    except Exception as exc:
        # Marked failed, the chunk is enqueued again by --resume at once, and the
        # progress page says the job stopped rather than wait forever.
        with transaction.atomic():
            chunk = BulkIssueChunk.objects.select_for_update().get(pk=chunk_id)
            if chunk.status != BulkIssueChunk.Status.DONE:
                chunk.status = BulkIssueChunk.Status.FAILED
                chunk.errors = str(exc)
                chunk.save(update_fields=["status", "errors"])
                BulkIssueJob.objects.filter(pk=chunk.job_id).update(
                    status=BulkIssueJob.Status.FAILED, errors=str(exc)
                )
        raise


def enqueue_chunks(chunks: list[BulkIssueChunk]) -> None:
    for chunk in chunks:
        # Touched now: a chunk waiting behind a long queue is not taken for lost.
        # A chunk that finished meanwhile stays done, so it cannot count twice.
        BulkIssueChunk.objects.filter(pk=chunk.pk).exclude(
            status=BulkIssueChunk.Status.DONE
        ).update(status=BulkIssueChunk.Status.PENDING, touched_at=timezone.now())
        bulk_issue_chunk.enqueue(chunk.pk)


def resume_bulk_issues(
    stale_after: timedelta, job: BulkIssueJob | None = None
) -> list[BulkIssueChunk]:
    """Enqueue again the chunks whose work was lost (see
    :func:`~certificates.bulk.stale_chunks`); returns them.

    A chunk that turns out to be still alive merely runs twice, which issues
    nothing twice and counts once.
    """
    chunks = stale_chunks(stale_after, job)
    BulkIssueJob.objects.filter(
        pk__in={chunk.job_id for chunk in chunks},
        status=BulkIssueJob.Status.FAILED,
    ).update(status=BulkIssueJob.Status.RUNNING)
    enqueue_chunks(chunks)
    return chunks


# Certificates older than this are left for a person to look at, so that a
# learner whose address the mail server refuses is not retried for ever.
RESUME_CERTIFICATES_WITHIN = timedelta(days=7)


def resume_certificates(stale_after: timedelta) -> list[int]:
    """Enqueue :func:`finish_certificate` for the valid certificates issued more
    than ``stale_after`` ago (within a week) that still lack their PDF or their
    e-mail; returns their ids."""
    now = timezone.now()
    ids = list(
        Certificate.objects.filter(
            status=Certificate.Status.VALID,
            issued_at__lt=now - stale_after,
            issued_at__gte=now - RESUME_CERTIFICATES_WITHIN,
        )
        .filter(Q(pdf="") | Q(emailed_at__isnull=True, user__email__gt=""))
        .values_list("pk", flat=True)
    )
    for certificate_id in ids:
        finish_certificate.enqueue(certificate_id)
    return ids
