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

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates.codes import new_code
from certificates.delivery import deliver
from certificates.models import (
    Certificate,
    CertificateTemplate,
    CourseCertificateSettings,
    SerialCounter,
)
from certificates.models.certificate import format_serial
from certificates.printed import languages_of
from certificates.snapshot import (
    build_snapshot,
    expiry_date,
    frozen_design,
    reissued_snapshot,
)
from courses.competences.profile import with_assessed_levels
from courses.dates import print_date
from courses.integrations.events import Event, emit
from courses.models import CoursePage, Enrolment, LessonProgress
from courses.privacy.erasure import is_erased

How = Certificate.How


class IssuingError(Exception):
    """Issuing refused; the message says why, for the person who asked."""


class RevokedError(IssuingError):
    """The learner's certificate for the course was revoked: only staff, by an
    explicit re-issue or a manual issue, give them another."""


def learner_name(user: AbstractBaseUser) -> str:
    """The learner's name as a certificate prints it."""
    return user.get_full_name().strip() or user.get_username()


# The snapshot ----------------------------------------------------------------


def _allocate_serial(prefix: str, year: int) -> str:
    """The next number of the series; the counter row stays locked until commit."""
    counter, _created = SerialCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_serial(prefix, year, counter.last_number)


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
    learner = learner_name(user)
    end = (
        timezone.localdate(enrolment.completed_at) if enrolment.completed_at else issued
    )
    expires = expiry_date(template, issued)
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
    # An erased person's account is inactive; only then is the log asked.
    if not enrolment.user.is_active and is_erased(enrolment.user):
        raise IssuingError(
            _("This person's data was erased on request; nothing is issued to them.")
        )
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
        # Revoked means revoked: completing again or a bulk issue must not quietly
        # undo a decision staff took on purpose.
        if how != How.MANUAL and was_revoked(locked):
            raise RevokedError(
                _(
                    "The learner's certificate for this course was revoked; "
                    "only staff can re-issue it."
                )
            )
        certificate = _snapshot_certificate(
            locked, how=how, reason=reason.strip(), actor=actor, facts=facts
        )
        _announce(Event.CERTIFICATE_ISSUED, certificate)
    return certificate, True


def _announce(event: str, certificate: Certificate) -> None:
    """Tell integrations (webhooks) about a certificate, inside the transaction
    that issued, re-issued or revoked it."""
    emit(
        event,
        {
            "certificate": certificate.pk,
            "serial": certificate.serial,
            "enrolment": certificate.enrolment_id,
            "user": certificate.user_id,
            "course": certificate.course_id,
            "course_key": certificate.course_key,
            "status": certificate.status,
            "issued_at": certificate.issued_at,
            "revoked_at": certificate.revoked_at,
            "supersedes": certificate.supersedes_id,
        },
        key=f"{event}:{certificate.pk}",
    )


def was_revoked(enrolment: Enrolment) -> bool:
    """Whether the learner's certificate for the enrolment's course was revoked."""
    return Certificate.objects.filter(
        user_id=enrolment.user_id,
        course_key=enrolment.course_key,
        status=Certificate.Status.REVOKED,
    ).exists()


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


@dataclass(frozen=True)
class Corrections:
    """What staff correct when re-issuing; what is left empty stays as it was."""

    #: Language code → the course title to print in that language.
    course_titles: dict[str, str] = field(default_factory=dict)
    hours: Decimal | None = None


def _reissued(
    old: Certificate,
    *,
    serial: str,
    code: str,
    issued: datetime,
    corrections: Corrections,
) -> dict[str, Any]:
    return reissued_snapshot(
        old.snapshot,
        learner=learner_name(old.user),
        serial=serial,
        code=code,
        issued=timezone.localdate(issued),
        course_titles={
            lang: title.strip()
            for lang, title in corrections.course_titles.items()
            if title and title.strip()
        },
        hours=corrections.hours,
    )


def _check_may_reissue(old: Certificate) -> None:
    if old.holder_erased_at is not None:
        raise IssuingError(
            _("This person's data was erased on request; nothing is issued to them.")
        )
    if old.status == Certificate.Status.SUPERSEDED:
        raise IssuingError(
            _("Certificate %(serial)s was already replaced by another one.")
            % {"serial": old.serial}
        )
    if old.status == Certificate.Status.REVOKED:
        if Certificate.objects.filter(supersedes=old).exists():
            raise IssuingError(
                _("Certificate %(serial)s was already re-issued.")
                % {"serial": old.serial}
            )
        if Certificate.objects.filter(
            enrolment_id=old.enrolment_id, status=Certificate.Status.VALID
        ).exists():
            raise IssuingError(
                _("The learner has a valid certificate for this course already.")
            )


@dataclass(frozen=True)
class Change:
    """One line of a re-issue's preview."""

    label: str
    current: str
    new: str

    @property
    def changed(self) -> bool:
        return self.current != self.new


def reissue_preview(
    certificate: Certificate, corrections: Corrections | None = None
) -> list[Change]:
    """What a re-issue of ``certificate`` would print, beside what it prints now,
    for staff to confirm; made by the same function as the re-issue itself."""
    corrections = corrections or Corrections()
    now = timezone.now()
    new = _reissued(
        certificate,
        serial=certificate.serial,
        code=certificate.verification_code,
        issued=now,
        corrections=corrections,
    )
    old = certificate.snapshot
    languages = languages_of(old["language"])
    changes = [Change(pgettext("person", "Name"), old["learner"], new["learner"])]
    for lang in languages:
        label = _("Course")
        if len(languages) > 1:
            label = f"{label} ({lang})"
        changes.append(
            Change(
                str(label), old["texts"][lang]["course"], new["texts"][lang]["course"]
            )
        )
    changes += [
        Change(_("Academic hours"), old["hours"], new["hours"]),
        Change(
            _("Issued on"),
            print_date(old["issued"]),
            print_date(new["issued"]),
        ),
        Change(
            pgettext("certificate", "Number"),
            certificate.serial,
            _("a new number"),
        ),
    ]
    return changes


def reissue(
    certificate: Certificate,
    reason: str,
    actor: AbstractBaseUser | None = None,
    corrections: Corrections | None = None,
) -> Certificate:
    """A new certificate, with a new number and code, that supersedes
    ``certificate``.

    It states what the old one stated (course, hours, competences, dates, issuer,
    language, wording and expiry), with the learner's name as their account has
    it now and the ``corrections`` staff made; the course as it is today plays no
    part. A valid certificate becomes superseded; a revoked one stays revoked,
    and re-issuing it is how staff give that learner a certificate again.
    """
    if not reason.strip():
        raise IssuingError(_("Give a reason for re-issuing."))
    corrections = corrections or Corrections()
    with transaction.atomic():
        locked = _lock_enrolment(certificate.enrolment_id)
        old = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=certificate.pk)
        )
        _check_may_reissue(old)
        now = timezone.now()
        prefix = old.serial.rsplit("-", 2)[0]
        serial = _allocate_serial(prefix, timezone.localdate(now).year)
        code = new_code()
        snapshot = _reissued(
            old, serial=serial, code=code, issued=now, corrections=corrections
        )
        if old.status == Certificate.Status.VALID:
            old.status = Certificate.Status.SUPERSEDED
            old.save(update_fields=["status"])
        first_language = languages_of(snapshot["language"])[0]
        new = Certificate.objects.create(
            serial=serial,
            verification_code=code,
            enrolment=locked,
            user=old.user,
            course=old.course,
            course_key=old.course_key,
            cohort=old.cohort,
            template=old.template,
            template_revision_id=old.template_revision_id,
            language=old.language,
            learner_name=snapshot["learner"],
            course_title=snapshot["texts"][first_language]["course"],
            hours=Decimal(snapshot["hours"]),
            snapshot=snapshot,
            issued_at=now,
            expires_on=old.expires_on,
            issued_how=How.REISSUE,
            issue_reason=reason.strip(),
            issued_by=actor,
            supersedes=old,
        )
        _announce(Event.CERTIFICATE_REISSUED, new)
    certificate.status = old.status
    return deliver(new)


def revoke(
    certificate: Certificate,
    reason: str,
    actor: AbstractBaseUser | None = None,
    *,
    category: str = Certificate.RevocationCategory.WITHDRAWN,
    public_note: str = "",
) -> Certificate:
    """Mark ``certificate`` revoked, recording who, when and why; the row stays.

    ``reason`` is for staff; ``category`` and ``public_note`` are what the public
    verification page says.
    """
    if not reason.strip():
        raise IssuingError(_("Give a reason for revoking."))
    if category not in Certificate.RevocationCategory.values:
        raise IssuingError(
            _("Unknown public reason for revoking: %(category)s.")
            % {"category": category}
        )
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
        locked.revocation_category = category
        locked.revocation_public_note = public_note.strip()
        locked.save(
            update_fields=[
                "status",
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "revocation_category",
                "revocation_public_note",
            ]
        )
        _announce(Event.CERTIFICATE_REVOKED, locked)
    return locked


# The PDF ---------------------------------------------------------------------


# Bulk ------------------------------------------------------------------------


# Bulk in chunks, for several workers ------------------------------------------


# Admin preview ---------------------------------------------------------------


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
