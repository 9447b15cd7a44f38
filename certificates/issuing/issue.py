"""Issuing a certificate (automatically on completion, by hand, or in bulk).

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

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.codes import new_code
from certificates.delivery import deliver
from certificates.issuing.course_facts import CourseFacts, course_facts
from certificates.issuing.errors import IssuingError, RevokedError
from certificates.issuing.steps import (
    allocate_serial,
    announce,
    learner_name,
    lock_enrolment,
)
from certificates.models import Certificate
from certificates.printed import languages_of
from certificates.snapshot import build_snapshot, expiry_date
from courses.competences.profile import with_assessed_levels
from courses.integrations.events import Event
from courses.models import Enrolment, LessonProgress
from courses.privacy.erasure import is_erased

How = Certificate.How


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
    serial = allocate_serial(template.serial_prefix, issued.year)
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
        locked = lock_enrolment(enrolment.pk)
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
        announce(Event.CERTIFICATE_ISSUED, certificate)
    return certificate, True


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
