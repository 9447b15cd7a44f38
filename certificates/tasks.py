"""Background work of the certificates app (Django's task framework)."""

from django_tasks import task

from certificates.issuing import (
    IssuingError,
    ensure_pdf,
    issue_snapshot,
    run_bulk_issue,
    template_for,
)
from certificates.models import BulkIssueJob, Certificate
from courses.models import Enrolment


@task()
def issue_for_completed_enrolment(enrolment_id: int) -> str:
    """Issue and render the certificate of a completed enrolment; returns its serial.

    Safe to run again, e.g. after a worker died halfway: an enrolment has at most one
    valid certificate, and a missing PDF is rendered.
    """
    enrolment = Enrolment.objects.select_related("user", "course", "cohort").get(
        pk=enrolment_id
    )
    try:
        _template, automatic = template_for(enrolment.course_key)
    except IssuingError:
        return ""
    if not automatic:
        return ""
    certificate, _created = issue_snapshot(enrolment, how=Certificate.How.AUTOMATIC)
    ensure_pdf(certificate)
    return certificate.serial


@task()
def bulk_issue(job_id: int) -> int:
    """Run a bulk issue started in the admin; returns how many were issued."""
    job = BulkIssueJob.objects.select_related("course", "cohort", "created_by").get(
        pk=job_id
    )
    try:
        run_bulk_issue(job)
    except Exception as exc:
        # The progress page must say it stopped rather than wait forever.
        BulkIssueJob.objects.filter(pk=job_id).update(
            status=BulkIssueJob.Status.FAILED, errors=str(exc)
        )
        raise
    return job.issued
