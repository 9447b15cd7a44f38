"""A certificate changed after it was issued: re-issued (a new number and code that
supersede it, with the corrections staff made, previewed first) or revoked (the
row stays, with who, when and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates.codes import new_code
from certificates.delivery import deliver
from certificates.issuing.errors import IssuingError
from certificates.issuing.steps import (
    allocate_serial,
    announce,
    learner_name,
    lock_enrolment,
)
from certificates.models import Certificate
from certificates.printed import languages_of
from certificates.snapshot import reissued_snapshot
from courses.dates import print_date
from courses.integrations.events import Event

How = Certificate.How


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
        locked = lock_enrolment(certificate.enrolment_id)
        old = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=certificate.pk)
        )
        _check_may_reissue(old)
        now = timezone.now()
        prefix = old.serial.rsplit("-", 2)[0]
        serial = allocate_serial(prefix, timezone.localdate(now).year)
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
        announce(Event.CERTIFICATE_REISSUED, new)
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
        announce(Event.CERTIFICATE_REVOKED, locked)
    return locked
