"""Certificates in the JSON API: the learner's own, and public verification."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from certificates.codes import SERIAL, is_code, normalise_code
from certificates.models import Certificate
from certificates.openbadges.credential import (
    MEDIA_TYPE,
    NoSigningKey,
    Replaced,
    replaced_message,
    sign_credential,
)
from certificates.pd_record.exports import status_text
from certificates.pd_record.record import pd_record
from certificates.verification import (
    public_facts,
    public_revocation,
    verification_url,
)
from courses.site import base_url
from courses.throttling import too_many_lookups

router = Router(tags=["certificates"])


class CertificateOut(Schema):
    serial: str
    status: str
    course_title: str
    hours: float
    issued_at: datetime
    pdf_url: str
    #: The Open Badges 3.0 credential (a VC-JWT) for digital wallets.
    open_badge_url: str
    verification_url: str


class CompetenceOut(Schema):
    framework: str
    code: str
    name: str
    name_lv: str
    level: str


class VerificationOut(Schema):
    serial: str
    status: str
    learner: str
    courses: list[str]
    programme_type: str
    hours: float
    start: date
    end: date
    competences: list[CompetenceOut]
    providers: list[str]
    registration_number: str
    approval: list[str]
    issued: date
    expires: date | None
    revoked_at: datetime | None
    revocation_category: str | None
    revocation_category_label: str | None
    revocation_note: str | None
    current_verification_url: str | None
    #: The holder's personal data was erased on request: ``learner`` is empty;
    #: everything else the certificate stated still stands.
    holder_erased: bool = False


class Message(Schema):
    detail: str


class ReplacedOut(Schema):
    """A re-issue replaced the certificate asked for; this is the one in force."""

    detail: str
    serial: str
    open_badge_url: str
    verification_url: str


class PdEntryOut(Schema):
    title: str
    provider: str
    hours: float
    completed_on: date
    #: Whether the hours count in the 3-year window ending today.
    counts: bool
    #: "site" for this site's certificates, "external" for those the teacher added.
    source: str
    serial: str
    verification_url: str


class PdRecordOut(Schema):
    today: date
    window_start: date
    hours: float
    required_hours: float
    on_track: bool
    short_by: float
    #: Today when short; else the first day the hours would be short, with no
    #: new hours.
    short_on: date
    status: str
    entries: list[PdEntryOut]


@router.get(
    "/me/certificates",
    response=list[CertificateOut],
    operation_id="certificates_api_my_certificates",
)
def my_certificates(request: HttpRequest) -> list[CertificateOut]:
    """The signed-in learner's certificates, newest first."""
    return [
        CertificateOut(
            serial=c.serial,
            status=c.public_status,
            course_title=c.course_title,
            hours=c.hours,
            issued_at=c.issued_at,
            pdf_url=base_url() + c.get_download_url(),
            open_badge_url=base_url() + c.get_open_badge_url(),
            verification_url=verification_url(c.verification_code),
        )
        for c in Certificate.objects.filter(user=request.user)
    ]


@router.get(
    "/me/professional-development",
    response=PdRecordOut,
    operation_id="certificates_api_my_professional_development",
)
def my_professional_development(request: HttpRequest) -> PdRecordOut:
    """The signed-in teacher's professional-development hours in the last 3
    years against the 36 required, with every certificate counted."""
    record = pd_record(request.user)
    return PdRecordOut(
        today=record.today,
        window_start=record.window_start,
        hours=record.hours,
        required_hours=record.required,
        on_track=record.on_track,
        short_by=record.short_by,
        short_on=record.short_on,
        status=status_text(record),
        entries=[
            PdEntryOut(
                title=entry.title,
                provider=entry.provider,
                hours=entry.hours,
                completed_on=entry.completed_on,
                counts=entry.counts,
                source="site" if entry.from_this_site else "external",
                serial=entry.serial,
                verification_url=base_url() + entry.verification_url
                if entry.from_this_site
                else entry.verification_url,
            )
            for entry in record.entries
        ],
    )


@router.get(
    "/certificates/{serial}/credential",
    response={404: Message, 410: ReplacedOut},
    operation_id="certificates_api_open_badge",
    openapi_extra={
        "responses": {
            200: {
                "description": "The Open Badges 3.0 credential as a VC-JWT",
                "content": {MEDIA_TYPE: {"schema": {"type": "string"}}},
            }
        }
    },
)
def open_badge(request: HttpRequest, serial: str):
    """One of the signed-in learner's certificates as an Open Badges 3.0
    credential (a VC-JWT), for a digital wallet."""
    # Only what a number can be is looked up (PostgreSQL refuses a NUL byte).
    certificate = (
        Certificate.objects.select_related("user")
        .filter(user=request.user, serial=serial)
        .first()
        if SERIAL.fullmatch(serial)
        else None
    )
    if certificate is None:
        raise HttpError(404, _("You have no certificate with this number."))
    try:
        token = sign_credential(certificate)
    except NoSigningKey:
        raise HttpError(404, _("This site issues no Open Badges.")) from None
    except Replaced as replaced:
        current = replaced.current
        return Status(
            410,
            ReplacedOut(
                detail=replaced_message(certificate, current),
                serial=current.serial,
                open_badge_url=base_url() + current.get_open_badge_url(),
                verification_url=verification_url(current.verification_code),
            ),
        )
    return HttpResponse(token, content_type=MEDIA_TYPE)


@router.get(
    "/certificates/verify/{code}",
    response={200: VerificationOut, 404: Message, 429: Message},
    auth=None,
    operation_id="certificates_api_verify_certificate",
)
def verify_certificate(request: HttpRequest, code: str):
    """Check a certificate by its verification code (dashes and spaces allowed)."""
    if too_many_lookups(request, "verify"):
        raise HttpError(429, _("Too many look-ups from this address; wait a minute."))
    code = normalise_code(code)
    certificate = (
        Certificate.objects.select_related("superseded_by")
        .filter(verification_code=code)
        .first()
        if is_code(code)
        else None
    )
    if certificate is None:
        raise HttpError(404, _("No certificate has this code."))
    current = None
    if certificate.status == Certificate.Status.SUPERSEDED:
        current = verification_url(certificate.current_version().verification_code)
    return VerificationOut(
        **public_facts(certificate),
        status=certificate.public_status,
        revoked_at=certificate.revoked_at,
        **public_revocation(certificate),
        current_verification_url=current,
        holder_erased=certificate.holder_erased_at is not None,
    )
