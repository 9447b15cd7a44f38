"""A teacher's professional-development record: every entry with its hours and
the figures against the 36 hours the regulation asks for.

Which of this site's certificates count: valid ones, expired ones too (the
hours were done; expiry is about the credential, not the learning), but not
revoked ones (withdrawn) nor superseded ones (their re-issue counts instead, so
the hours are not counted twice).

The date a site certificate counts from is the last day of the period it
states (``snapshot["period"]["end"]``, when the course was completed), not its
issue date: the regulation counts when the development took place, and a
certificate issued or re-issued months later must not move the hours into a
later window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import get_language

from certificates.models import Certificate, ExternalCertificate
from certificates.pd_record import window


@dataclass(frozen=True)
class Entry:
    """One certificate in the record, from this site or added by the teacher."""

    title: str
    provider: str
    hours: Decimal
    completed_on: date
    #: Whether its hours count on the record's day.
    counts: bool
    #: The teacher's own entry (deletable), ``None`` for this site's certificates.
    external: ExternalCertificate | None = None
    serial: str = ""
    verification_url: str = ""

    @property
    def from_this_site(self) -> bool:
        return self.external is None


@dataclass(frozen=True)
class PdRecord:
    today: date
    window_start: date
    entries: list[Entry]
    #: Hours that count on ``today``.
    hours: Decimal
    required: Decimal
    #: When the hours are short: today. When not: the first day they would be,
    #: with no new hours.
    short_on: date

    @property
    def on_track(self) -> bool:
        return self.hours >= self.required

    @property
    def short_by(self) -> Decimal:
        return max(self.required - self.hours, Decimal(0))


def site_entries(user: AbstractBaseUser, today: date) -> list[Entry]:
    """The learner's certificates from this site that count toward the record."""
    language = "lv" if (get_language() or "").startswith("lv") else "en"
    other = "en" if language == "lv" else "lv"
    certificates = (
        Certificate.objects.filter(user=user, status=Certificate.Status.VALID)
        .annotate(
            completed=KT("snapshot__period__end"),
            provider=KT(f"snapshot__texts__{language}__provider"),
            provider_other=KT(f"snapshot__texts__{other}__provider"),
        )
        .only("serial", "verification_code", "course_title", "hours", "user_id")
    )
    entries = []
    for certificate in certificates:
        completed_on = date.fromisoformat(certificate.completed)
        entries.append(
            Entry(
                title=certificate.course_title,
                # A certificate printed in one language states its provider once.
                provider=certificate.provider or certificate.provider_other or "",
                hours=certificate.hours,
                completed_on=completed_on,
                counts=window.counts_on(completed_on, today),
                serial=certificate.serial,
                verification_url=certificate.get_absolute_url(),
            )
        )
    return entries


def external_entries(user: AbstractBaseUser, today: date) -> list[Entry]:
    return [
        Entry(
            title=external.title,
            provider=external.provider,
            hours=external.hours,
            completed_on=external.completed_on,
            counts=window.counts_on(external.completed_on, today),
            external=external,
            verification_url=external.verification_url,
        )
        for external in ExternalCertificate.objects.filter(user=user)
    ]


def pd_record(user: AbstractBaseUser, today: date | None = None) -> PdRecord:
    """The record of ``user`` on ``today`` (the local date by default), in two
    queries: the site's certificates and the teacher's own."""
    today = today or timezone.localdate()
    entries = sorted(
        site_entries(user, today) + external_entries(user, today),
        key=lambda entry: entry.completed_on,
        reverse=True,
    )
    dated_hours = [(entry.completed_on, entry.hours) for entry in entries]
    return PdRecord(
        today=today,
        window_start=window.window_start(today),
        entries=entries,
        hours=window.counted_hours(dated_hours, today),
        required=window.REQUIRED_HOURS,
        short_on=window.shortfall_date(dated_hours, today),
    )
