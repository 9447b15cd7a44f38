"""The one place that issues, re-issues and revokes certificates.

Issuing has two steps. First, inside one transaction and under a lock on the
enrolment row, everything the certificate states is frozen into a snapshot on a new
:class:`~certificates.models.Certificate` row, with a serial number taken from a
locked counter. Then, after that commit, the PDF is rendered from the snapshot alone
and stored, and last the learner is e-mailed, once: ``emailed_at`` is set in the
transaction that sends the message. A run interrupted anywhere is finished by
running it again: the enrolment already has its valid certificate, which is
returned, rendered if it has no PDF and e-mailed if nobody was told yet.

Hours printed: the enrolment's ``hours_earned`` (the hours of the modules the
learner completed, which on completion equal the course's total at that moment), so
adding a module to a course later does not inflate what a finished learner earned.
Only when nothing is recorded (an administrator's manual issue, e.g. for attendance
recorded elsewhere) is the course's total used.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image as PILImage

from certificates.codes import format_code, new_code
from certificates.models import (
    BulkIssueChunk,
    BulkIssueJob,
    Certificate,
    CertificateTemplate,
    CourseCertificateSettings,
    SerialCounter,
)
from certificates.printed import LABELS, languages_of, print_date
from courses.competences.profile import with_assessed_levels
from courses.models import Cohort, CoursePage, Enrolment, LessonProgress
from courses.people.languages import preferred_language
from courses.site import base_url

How = Certificate.How


class IssuingError(Exception):
    """Issuing refused; the message says why, for the person who asked."""


# Settings and URLs -----------------------------------------------------------


def verification_url(code: str) -> str:
    return base_url() + reverse("certificates:verify", args=[code])


# Templates and frozen images ------------------------------------------------


def template_for(course_key: Any) -> tuple[CertificateTemplate, bool]:
    """The live template a course uses (or the default) and whether completion
    issues automatically."""
    chosen = (
        CourseCertificateSettings.objects.filter(course_key=course_key)
        .select_related("template")
        .first()
    )
    if chosen is not None and chosen.template.live:
        return chosen.template, chosen.issue_automatically
    default = CertificateTemplate.objects.filter(is_default=True, live=True).first()
    if default is None:
        raise IssuingError(
            _("No certificate template: choose one for the course or mark a default.")
        )
    return default, chosen.issue_automatically if chosen else True


ASSET_MAX_PX = 480
_frozen_images: dict[tuple[int, str], str] = {}


def freeze_image(image) -> str:
    """Copy a Wagtail image into certificate storage and return the copy's name.

    The copy is named by its content, so it never changes once written: replacing
    or editing the original image later leaves issued certificates as they were.
    Images are flattened onto white (certificates are printed on white) and stored
    as JPEG, which PDF embeds as it is, without recompressing for every page.
    """
    key = (image.pk, image.file_hash or image.file.name)
    if key in _frozen_images:
        return _frozen_images[key]
    with image.open_file() as source:
        picture = PILImage.open(source)
        picture.thumbnail((ASSET_MAX_PX, ASSET_MAX_PX))
        flat = PILImage.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=90, optimize=True)
    data = buffer.getvalue()
    name = f"certificates/assets/{hashlib.sha256(data).hexdigest()}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    _frozen_images[key] = name
    return name


@dataclass
class CourseFacts:
    """What every certificate of one course shares, gathered once per course."""

    template: CertificateTemplate
    issue_automatically: bool
    courses: dict[str, CoursePage]
    competences: list[dict[str, str]]
    total_hours: Decimal
    logos: list[str]
    signatories: list[dict[str, Any]]


def frozen_design(
    template: CertificateTemplate,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The template's logos and signatories with their images frozen."""
    logos = [freeze_image(img) for img in (template.logo, template.second_logo) if img]
    signatories = [
        {
            "name": person.name,
            "position": {"lv": person.position_lv, "en": person.position_en},
            "signature": freeze_image(person.signature) if person.signature else "",
        }
        for person in template.signatories.all()
    ]
    return logos, signatories


def course_facts(course: CoursePage) -> CourseFacts:
    template, automatic = template_for(course.translation_key)
    courses = {
        page.locale.language_code: page
        for page in CoursePage.objects.filter(
            translation_key=course.translation_key
        ).select_related("locale")
    }
    competences = [
        {
            "framework": link.competence.framework.code,
            "code": link.competence.code,
            "name": link.competence.name,
            "name_lv": link.competence.name_lv,
            "level": link.target_level.code if link.target_level else "",
        }
        for link in course.get_competences()
    ]
    logos, signatories = frozen_design(template)
    return CourseFacts(
        template=template,
        issue_automatically=automatic,
        courses=courses,
        competences=competences,
        total_hours=course.total_hours,
        logos=logos,
        signatories=signatories,
    )


# The snapshot ----------------------------------------------------------------


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled; anything else is left as typed."""
    try:
        return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError):
        return text


def hours_text(hours: Decimal) -> str:
    return f"{hours:.1f}".removesuffix(".0")


def build_snapshot(
    *,
    template: CertificateTemplate,
    learner: str,
    courses: dict[str, CoursePage],
    fallback_course: CoursePage,
    programme_type: str,
    hours: Decimal,
    start: date,
    end: date,
    competences: list[dict[str, str]],
    logos: list[str],
    signatories: list[dict[str, Any]],
    serial: str,
    code: str,
    issued: date,
    expires: date | None,
) -> dict[str, Any]:
    """Everything printed on a certificate, as plain JSON data."""
    languages = languages_of(template.language)
    period = f"{print_date(start.isoformat())}–{print_date(end.isoformat())}"
    texts = {}
    for lang in languages:
        course = courses.get(lang, fallback_course)
        labels = LABELS[lang]
        competence_text = "; ".join(
            " ".join(
                part
                for part in (
                    c["framework"],
                    c["code"],
                    (c["name_lv"] or c["name"]) if lang == "lv" else c["name"],
                    f"({c['level']})" if c["level"] else "",
                )
                if part
            )
            for c in competences
        )
        values = {
            "learner": learner,
            "course": course.title,
            "hours": hours_text(hours),
            "period": period,
            "competences": competence_text,
            "serial": serial,
            "issued": print_date(issued.isoformat(), lang),
        }
        approval = getattr(template, f"approval_line_{lang}")
        if not approval and course.approval_body:
            approval = labels["approval"].format(
                body=course.approval_body,
                number=course.approval_number or "—",
                date=print_date(course.approval_date.isoformat(), lang)
                if course.approval_date
                else "—",
            )
        texts[lang] = {
            "title": fill(getattr(template, f"title_{lang}"), values),
            "body": fill(getattr(template, f"body_{lang}"), values),
            "course": course.title,
            "provider": getattr(template, f"provider_name_{lang}")
            or course.provider_name,
            "approval": approval,
            "funding": getattr(template, f"funding_line_{lang}") or course.funding_line,
        }
    return {
        "language": template.language,
        "orientation": template.orientation,
        "learner": learner,
        "programme_type": programme_type,
        "hours": hours_text(hours),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "competences": competences,
        "registration_number": template.provider_registration_number
        or fallback_course.provider_registration_number,
        "texts": texts,
        "colours": {
            "primary": template.primary_colour,
            "accent": template.accent_colour,
        },
        "logos": logos,
        "signatories": signatories,
        "serial": serial,
        "code": format_code(code),
        "verification_url": verification_url(code),
        "short_url": base_url().split("://", 1)[-1]
        + reverse("certificates:verify_form"),
        "issued": issued.isoformat(),
        "expires": expires.isoformat() if expires else None,
    }


def _expiry(template: CertificateTemplate, issued: date) -> date | None:
    if not template.validity_years:
        return None
    year = issued.year + template.validity_years
    try:
        return issued.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return issued.replace(year=year, day=28)


def _allocate_serial(prefix: str, year: int) -> str:
    """The next number of the series; the counter row stays locked until commit."""
    counter, _created = SerialCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def _first_activity(enrolment: Enrolment) -> datetime:
    first = LessonProgress.objects.filter(enrolment=enrolment).aggregate(
        first=Min("first_viewed_at")
    )["first"]
    return min(first, enrolment.enrolled_at) if first else enrolment.enrolled_at


def _snapshot_certificate(
    enrolment: Enrolment,
    *,
    how: str,
    reason: str,
    actor: AbstractBaseUser | None,
    facts: CourseFacts,
    supersedes: Certificate | None = None,
) -> Certificate:
    """Create the certificate row; call inside the transaction holding the lock."""
    template = facts.template
    now = timezone.now()
    issued = timezone.localdate(now)
    hours = enrolment.hours_earned or facts.total_hours
    serial = _allocate_serial(template.serial_prefix, issued.year)
    code = new_code()
    user = enrolment.user
    learner = user.get_full_name().strip() or user.get_username()
    end = (
        timezone.localdate(enrolment.completed_at) if enrolment.completed_at else issued
    )
    expires = _expiry(template, issued)
    snapshot = build_snapshot(
        template=template,
        learner=learner,
        courses=facts.courses,
        fallback_course=enrolment.course,
        programme_type=enrolment.course.programme_type,
        hours=hours,
        start=timezone.localdate(_first_activity(enrolment)),
        end=end,
        competences=with_assessed_levels(facts.competences, enrolment),
        logos=facts.logos,
        signatories=facts.signatories,
        serial=serial,
        code=code,
        issued=issued,
        expires=expires,
    )
    first_language = languages_of(template.language)[0]
    return Certificate.objects.create(
        serial=serial,
        verification_code=code,
        enrolment=enrolment,
        user=user,
        course=enrolment.course,
        course_key=enrolment.course_key,
        cohort=enrolment.cohort,
        template=template,
        template_revision_id=template.live_revision_id or template.latest_revision_id,
        language=template.language,
        learner_name=learner,
        course_title=snapshot["texts"][first_language]["course"],
        hours=hours,
        snapshot=snapshot,
        issued_at=now,
        expires_on=expires,
        issued_how=how,
        issue_reason=reason,
        issued_by=actor,
        supersedes=supersedes,
    )


def _lock_enrolment(enrolment_id: int) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "course", "cohort")
        .get(pk=enrolment_id)
    )


def _check_may_issue(enrolment: Enrolment, how: str, reason: str) -> None:
    if how not in (How.AUTOMATIC, How.MANUAL, How.BULK):
        raise IssuingError(_("Unknown way of issuing: %(how)s.") % {"how": how})
    if how == How.MANUAL and not reason.strip():
        raise IssuingError(_("Give a reason for issuing a certificate manually."))
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise IssuingError(_("The learner has withdrawn from this course."))
    # Only an administrator, giving a reason, may certify a course not completed.
    if enrolment.status != Enrolment.Status.COMPLETED and how != How.MANUAL:
        raise IssuingError(_("The learner has not completed this course."))


def issue_snapshot(
    enrolment: Enrolment,
    *,
    how: str,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    facts: CourseFacts | None = None,
) -> tuple[Certificate, bool]:
    """Freeze a certificate for ``enrolment`` unless it has a valid one already.

    Returns the certificate and whether it is new. Does not render the PDF.
    """
    _check_may_issue(enrolment, how, reason)
    facts = facts or course_facts(enrolment.course)
    with transaction.atomic():
        locked = _lock_enrolment(enrolment.pk)
        existing = Certificate.objects.filter(
            enrolment=locked, status=Certificate.Status.VALID
        ).first()
        if existing is not None:
            return existing, False
        _check_may_issue(locked, how, reason)
        certificate = _snapshot_certificate(
            locked, how=how, reason=reason.strip(), actor=actor, facts=facts
        )
    return certificate, True


def issue_certificate(
    enrolment: Enrolment,
    *,
    how: str,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
) -> Certificate:
    """Issue (or return the existing valid) certificate of ``enrolment``, with its PDF,
    and e-mail the learner unless that was done.

    ``how`` is one of :class:`Certificate.How`; a manual issue needs a ``reason``
    and may certify an enrolment not yet completed. Raises :class:`IssuingError`.
    """
    certificate, _created = issue_snapshot(
        enrolment, how=how, reason=reason, actor=actor
    )
    return deliver(certificate)


def reissue(
    certificate: Certificate, reason: str, actor: AbstractBaseUser | None = None
) -> Certificate:
    """A new certificate from today's data (e.g. a corrected name) that supersedes
    ``certificate``; the old one stays on record as superseded."""
    if not reason.strip():
        raise IssuingError(_("Give a reason for re-issuing."))
    facts = course_facts(certificate.enrolment.course)
    with transaction.atomic():
        locked = _lock_enrolment(certificate.enrolment_id)
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise IssuingError(_("Only a valid certificate can be re-issued."))
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = _snapshot_certificate(
            locked,
            how=How.REISSUE,
            reason=reason.strip(),
            actor=actor,
            facts=facts,
            supersedes=old,
        )
    certificate.status = Certificate.Status.SUPERSEDED
    return deliver(new)


def revoke(
    certificate: Certificate, reason: str, actor: AbstractBaseUser | None = None
) -> Certificate:
    """Mark ``certificate`` revoked, recording who, when and why; the row stays."""
    if not reason.strip():
        raise IssuingError(_("Give a reason for revoking."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise IssuingError(
                _(
                    "Certificate %(serial)s is not valid (%(status)s): nothing to revoke."
                )
                % {"serial": locked.serial, "status": locked.get_status_display()}
            )
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason.strip()
        locked.save(
            update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"]
        )
    return locked


# The PDF ---------------------------------------------------------------------


def ensure_pdf(certificate: Certificate) -> Certificate:
    """Render and store the PDF if the certificate has none yet.

    Rendering runs outside any lock; should two workers render the same certificate,
    the first to store wins and the other's file is removed.
    """
    if certificate.pdf:
        return certificate
    from certificates.rendering import get_renderer

    pdf = get_renderer().render(certificate)
    name = default_storage.save(
        certificate.pdf.field.generate_filename(certificate, "certificate.pdf"),
        ContentFile(pdf),
    )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf:
            default_storage.delete(name)
        else:
            locked.pdf.name = name
            locked.rendered_at = timezone.now()
            locked.save(update_fields=["pdf", "rendered_at"])
    certificate.pdf.name = locked.pdf.name
    certificate.rendered_at = locked.rendered_at
    return certificate


def deliver(certificate: Certificate) -> Certificate:
    """The steps after the snapshot, each done at most once however often this runs:
    render and store the PDF, then e-mail the learner."""
    ensure_pdf(certificate)
    notify_once(certificate)
    return certificate


def notify_once(certificate: Certificate) -> bool:
    """E-mail the learner about their valid certificate unless it was done already;
    returns whether a message was sent.

    The message is sent inside the transaction that records ``emailed_at``, under a
    lock on the certificate: a failed send rolls back and is tried on the next run,
    and two runs at once cannot both send. Only a process killed after the mail
    server accepted the message and before the commit (a few milliseconds) can lead
    to a second message; the alternative, committing first, would lose it instead.
    """
    if certificate.emailed_at is not None or not certificate.user.email:
        return False
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=certificate.pk)
        )
        if locked.emailed_at is not None or locked.status != Certificate.Status.VALID:
            return False
        notify_learner(locked)
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])
    certificate.emailed_at = locked.emailed_at
    return True


def notify_learner(certificate: Certificate) -> None:
    """E-mail the learner a link to their certificates, in the language they chose
    on the site, else the certificate's first language."""
    user = certificate.user
    if not user.email:
        return
    printed = languages_of(certificate.language)
    language = preferred_language(user, default=printed[0])
    texts = certificate.snapshot["texts"]
    with translation.override(language):
        context = {
            "certificate": certificate,
            "course": texts.get(language, texts[printed[0]])["course"],
            "mine_url": base_url() + reverse("certificates:mine"),
            "verification_url": certificate.snapshot["verification_url"],
        }
        subject = render_to_string(
            "certificates/emails/issued_subject.txt", context
        ).strip()
        body = render_to_string("certificates/emails/issued_body.txt", context)
    send_mail(subject, body, None, [user.email])


# Bulk ------------------------------------------------------------------------


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
    enrolment_id: int, job: BulkIssueJob, facts: CourseFacts
) -> tuple[Certificate | None, bool, str]:
    """Issue and deliver one learner's certificate for a bulk job; returns the
    certificate (``None`` on failure), whether it is new, and the error line."""
    enrolment = Enrolment.objects.select_related("user", "course", "cohort").get(
        pk=enrolment_id
    )
    try:
        certificate, created = issue_snapshot(
            enrolment, how=How.BULK, actor=job.created_by, facts=facts
        )
        deliver(certificate)
    except IssuingError as exc:
        return None, False, f"{enrolment.user}: {exc}"
    return certificate, created, ""


def run_bulk_issue(
    job: BulkIssueJob, progress: Callable[[BulkIssueJob], None] | None = None
) -> BulkIssueJob:
    """Issue the certificates of every completed learner of the job's course (or
    cohort) who has none; the job row is updated as it goes, for progress bars.

    Running it again issues nothing new.
    """
    facts = course_facts(job.course)
    ids = list(
        enrolments_to_certify(job.course, job.cohort).values_list("pk", flat=True)
    )
    job.total = len(ids)
    job.status = BulkIssueJob.Status.RUNNING
    job.save(update_fields=["total", "status"])
    errors: list[str] = []
    for number, enrolment_id in enumerate(ids, start=1):
        certificate, created, error = _bulk_issue_one(enrolment_id, job, facts)
        if certificate is None:
            job.failed += 1
            errors.append(error)
        elif created:
            job.issued += 1
        else:
            job.skipped += 1
        if number % 20 == 0 or number == len(ids):
            job.errors = "\n".join(errors)
            job.save(update_fields=["issued", "skipped", "failed", "errors"])
            if progress is not None:
                progress(job)
    job.status = BulkIssueJob.Status.FINISHED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


# Bulk in chunks, for several workers ------------------------------------------

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
    issued = skipped = failed = 0
    errors: list[str] = []
    for enrolment_id in chunk.enrolment_ids:
        certificate, created, error = _bulk_issue_one(enrolment_id, job, facts)
        if certificate is None:
            failed += 1
            errors.append(error)
        # A certificate made by an earlier, killed run of this chunk counts as
        # issued by the job, not as one the learner already had.
        elif created or (
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
        chunk.errors = "\n".join(errors)
        chunk.save()
        locked_job.issued += issued
        locked_job.skipped += skipped
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


# Admin preview ---------------------------------------------------------------


def sample_certificate(template: CertificateTemplate) -> Certificate:
    """An unsaved certificate of ``template`` with sample data, for previews."""
    course = CoursePage(
        title="Kompetenču pieeja STEM speciālistiem",
        programme_type=CoursePage.ProgrammeType.A,
        provider_name="Daugavpils Universitāte",
        provider_registration_number="3341000218",
        approval_body="Daugavpils valstspilsētas pašvaldības Izglītības pārvalde",
        approval_number="DIP-2026/14",
        approval_date=date(2026, 1, 15),
    )
    code = new_code()
    today = timezone.localdate()
    logos, signatories = frozen_design(template)
    snapshot = build_snapshot(
        template=template,
        learner="Jolanta Ūzuliņa",
        courses={},
        fallback_course=course,
        programme_type="A",
        hours=Decimal(60),
        start=date(today.year, 1, 12),
        end=today,
        competences=[
            {
                "framework": "DigCompEdu",
                "code": "2.1",
                "name": "Selecting digital resources",
                "name_lv": "Digitālo resursu atlase",
                "level": "B1",
            }
        ],
        logos=logos,
        signatories=signatories,
        serial=f"{template.serial_prefix}-{today.year}-000000",
        code=code,
        issued=today,
        expires=_expiry(template, today),
    )
    return Certificate(
        serial=snapshot["serial"],
        verification_code=code,
        language=template.language,
        learner_name=snapshot["learner"],
        snapshot=snapshot,
    )
