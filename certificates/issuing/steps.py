"""The steps issuing, re-issuing and revoking share: the learner's printed name, the
next serial number, the lock on the enrolment and the announcement to integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from certificates.models import Certificate, SerialCounter
from certificates.models.certificate import format_serial
from courses.integrations.events import emit
from courses.models import Enrolment


def learner_name(user: AbstractBaseUser) -> str:
    """The learner's name as a certificate prints it."""
    return user.get_full_name().strip() or user.get_username()


def allocate_serial(prefix: str, year: int) -> str:
    """The next number of the series; the counter row stays locked until commit."""
    counter, _created = SerialCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_serial(prefix, year, counter.last_number)


def lock_enrolment(enrolment_id: int) -> Enrolment:
    """The enrolment, locked until commit, so that one certificate at a time is
    issued or re-issued for it."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "course", "cohort")
        .get(pk=enrolment_id)
    )


def announce(event: str, certificate: Certificate) -> None:
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
