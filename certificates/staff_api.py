"""Certificates in the staff operations of the JSON API: list a course's
certificates; issue, re-issue and revoke one (through :mod:`certificates.issuing`,
the one place that does); start a bulk issue and follow it. Staff of a course
only (:mod:`courses.permissions`); another course's records are a 404."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from certificates.bulk import start_bulk_issue
from certificates.codes import SERIAL
from certificates.delivery import deliver
from certificates.issuing import (
    Corrections,
    IssuingError,
    issue_snapshot,
    reissue,
    revoke,
)
from certificates.models import BulkIssueJob, Certificate
from certificates.permissions import (
    ISSUE_CERTIFICATE,
    REVOKE_CERTIFICATE,
    certificate_courses,
)
from certificates.tasks import bulk_issue
from certificates.verification import verification_url
from courses.api.cursor import DEFAULT_LIMIT, MAX_LIMIT, page_after
from courses.api.schemas import Id, Message
from courses.api_tokens.requests import IDEMPOTENT_WRITE, staff_router
from courses.models import Cohort, Enrolment
from courses.permissions import courses_for

router = staff_router(tags=["staff"])


class StaffCertificateOut(Schema):
    serial: str
    status: str
    enrolment_id: int
    learner_name: str
    email: str
    course_title: str
    hours: float
    issued_at: datetime
    issued_how: str
    revoked_at: datetime | None
    #: The certificate that replaced this one, when it was re-issued.
    superseded_by: str | None = None
    verification_url: str


class CertificatePage(Schema):
    items: list[StaffCertificateOut]
    next_cursor: str | None


class IssueIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class ReissueIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    #: Language code → the course title to print instead.
    course_titles: dict[str, str] = {}
    hours: Decimal | None = Field(None, ge=0, le=9999, decimal_places=1)


class RevokeIn(Schema):
    #: For staff only.
    reason: str = Field(min_length=1, max_length=500)
    #: What the public verification page says.
    category: Literal["error", "replaced", "withdrawn"] = "withdrawn"
    public_note: str = Field("", max_length=300)


class BulkIn(Schema):
    #: Only this cohort's completed learners; without it, the whole course's.
    cohort: Id | None = None


class BulkJobOut(Schema):
    id: int
    course_id: int
    cohort_id: int | None
    status: str
    total: int
    done: int
    issued: int
    skipped: int
    revoked: int
    failed: int
    percent: int
    finished: bool
    created_at: datetime
    finished_at: datetime | None


def certificate_out(certificate: Certificate) -> StaffCertificateOut:
    return StaffCertificateOut(
        serial=certificate.serial,
        status=certificate.status,
        enrolment_id=certificate.enrolment_id,
        learner_name=certificate.learner_name,
        email=certificate.user.email,
        course_title=certificate.course_title,
        hours=certificate.hours,
        issued_at=certificate.issued_at,
        issued_how=certificate.issued_how,
        revoked_at=certificate.revoked_at,
        verification_url=verification_url(certificate.verification_code),
    )


def job_out(job: BulkIssueJob) -> BulkJobOut:
    return BulkJobOut(
        id=job.pk,
        course_id=job.course_id,
        cohort_id=job.cohort_id,
        status=job.status,
        total=job.total,
        done=job.done,
        issued=job.issued,
        skipped=job.skipped,
        revoked=job.revoked,
        failed=job.failed,
        percent=job.percent,
        finished=job.status
        in (BulkIssueJob.Status.FINISHED, BulkIssueJob.Status.FAILED),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _staff_certificate(request: HttpRequest, serial: str) -> Certificate:
    """The certificate, if the caller may revoke and re-issue it."""
    # Only what a number can be is looked up (PostgreSQL refuses a NUL byte).
    if not SERIAL.fullmatch(serial):
        raise HttpError(404, _("No certificate of your courses has this number."))
    keys = courses_for(request.user, REVOKE_CERTIFICATE).values("translation_key")
    certificate = (
        Certificate.objects.filter(course_key__in=keys)
        .select_related("user")
        .filter(serial=serial)
        .first()
    )
    if certificate is None:
        raise HttpError(404, _("No certificate of your courses has this number."))
    return certificate


@router.get(
    "/staff/courses/{course_id}/certificates",
    response={200: CertificatePage, 400: Message, 404: Message},
    operation_id="staff_api_list_certificates",
)
def list_certificates(
    request: HttpRequest,
    course_id: Id,
    status: Literal["valid", "revoked", "superseded"] | None = None,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """The course's certificates (every language version), in the order
    issued, a page at a time."""
    course = get_object_or_404(certificate_courses(request.user), pk=course_id)
    certificates = Certificate.objects.filter(
        course_key=course.translation_key
    ).select_related("user")
    if status is not None:
        certificates = certificates.filter(status=status)
    items, next_cursor = page_after(certificates, cursor, limit)
    successors = dict(
        Certificate.objects.filter(supersedes__in=items).values_list(
            "supersedes_id", "serial"
        )
    )
    page = []
    for certificate in items:
        out = certificate_out(certificate)
        out.superseded_by = successors.get(certificate.pk)
        page.append(out)
    return CertificatePage(items=page, next_cursor=next_cursor)


@router.post(
    "/staff/enrolments/{enrolment_id}/certificate",
    response={
        200: StaffCertificateOut,
        201: StaffCertificateOut,
        400: Message,
        404: Message,
    },
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_issue_certificate",
)
def issue(request: HttpRequest, enrolment_id: Id, payload: IssueIn):
    """Issue the learner's certificate by hand, with a reason (it may certify a
    course not completed, as in the admin); 200 with the valid certificate the
    learner already has."""
    enrolment = get_object_or_404(
        Enrolment.objects.filter(
            course_key__in=courses_for(request.user, ISSUE_CERTIFICATE).values(
                "translation_key"
            )
        ).select_related("user", "course", "cohort"),
        pk=enrolment_id,
    )
    try:
        certificate, created = issue_snapshot(
            enrolment,
            how=Certificate.How.MANUAL,
            reason=payload.reason,
            actor=request.user,
        )
    except IssuingError as exc:
        raise HttpError(400, str(exc)) from None
    certificate = deliver(certificate)
    return Status(201 if created else 200, certificate_out(certificate))


@router.post(
    "/staff/certificates/{serial}/reissue",
    response={201: StaffCertificateOut, 400: Message, 404: Message},
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_reissue_certificate",
)
def reissue_certificate(request: HttpRequest, serial: str, payload: ReissueIn):
    """A new certificate with a new number that replaces this one, with the
    corrections given (course titles, hours); the rest as it stated."""
    old = _staff_certificate(request, serial)
    try:
        new = reissue(
            old,
            payload.reason,
            actor=request.user,
            corrections=Corrections(
                course_titles=payload.course_titles, hours=payload.hours
            ),
        )
    except IssuingError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, certificate_out(new))


@router.post(
    "/staff/certificates/{serial}/revoke",
    response={200: StaffCertificateOut, 400: Message, 404: Message},
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_revoke_certificate",
)
def revoke_certificate(request: HttpRequest, serial: str, payload: RevokeIn):
    """Revoke a valid certificate; its verification page says so from now on."""
    certificate = _staff_certificate(request, serial)
    try:
        revoked = revoke(
            certificate,
            payload.reason,
            actor=request.user,
            category=payload.category,
            public_note=payload.public_note,
        )
    except IssuingError as exc:
        raise HttpError(400, str(exc)) from None
    revoked.user = certificate.user
    return Status(200, certificate_out(revoked))


@router.post(
    "/staff/courses/{course_id}/bulk-issues",
    response={202: BulkJobOut, 400: Message, 404: Message},
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_start_bulk_issue",
)
def start_bulk(request: HttpRequest, course_id: Id, payload: BulkIn | None = None):
    """Issue the certificates of every completed learner of the course (or
    cohort) who has none, in the background; poll the job for its progress."""
    course = get_object_or_404(
        courses_for(request.user, ISSUE_CERTIFICATE), pk=course_id
    )
    cohort = None
    if payload is not None and payload.cohort is not None:
        cohort = Cohort.objects.filter(
            pk=payload.cohort, course__translation_key=course.translation_key
        ).first()
        if cohort is None:
            raise HttpError(400, _("This course has no such cohort."))
    job = start_bulk_issue(course, cohort, request.user)
    transaction.on_commit(lambda: bulk_issue.enqueue(job.pk))
    return Status(202, job_out(job))


@router.get(
    "/staff/bulk-issues/{job_id}",
    response={200: BulkJobOut, 404: Message},
    operation_id="staff_api_bulk_issue",
)
def bulk_job(request: HttpRequest, job_id: Id):
    """How far a bulk issue has got."""
    job = get_object_or_404(
        BulkIssueJob.objects.filter(
            course__translation_key__in=courses_for(
                request.user, ISSUE_CERTIFICATE
            ).values("translation_key")
        ),
        pk=job_id,
    )
    return Status(200, job_out(job))
