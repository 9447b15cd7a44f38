"""Verifying a certificate: its public address and what the public page may show."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from certificates.models import (
    Certificate,
)
from courses.site import base_url


def verification_url(code: str) -> str:
    return base_url() + reverse("certificates:verify", args=[code])


def public_facts(certificate: Certificate) -> dict:
    """What verification shows: only what the certificate itself states."""
    data = certificate.snapshot
    texts = data["texts"]
    return {
        "serial": certificate.serial,
        "learner": data["learner"],
        "courses": [t["course"] for t in texts.values()],
        "programme_type": data["programme_type"],
        "hours": data["hours"],
        "start": date.fromisoformat(data["period"]["start"]),
        "end": date.fromisoformat(data["period"]["end"]),
        "competences": data["competences"],
        "providers": list(dict.fromkeys(t["provider"] for t in texts.values())),
        "registration_number": data["registration_number"],
        "approval": [t["approval"] for t in texts.values() if t["approval"]],
        "issued": date.fromisoformat(data["issued"]),
        "expires": date.fromisoformat(data["expires"]) if data["expires"] else None,
    }
