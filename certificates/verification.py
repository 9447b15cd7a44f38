"""Verifying a certificate: its public address and what the public page may show."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from certificates.models import (
    Certificate,
)
from certificates.printed import texts_in_order
from courses.site import base_url


def verification_url(code: str) -> str:
    return base_url() + reverse("certificates:verify", args=[code])


def public_facts(certificate: Certificate) -> dict:
    """What verification shows: only what the certificate itself states."""
    data = certificate.snapshot
    texts = texts_in_order(data)
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


def public_revocation(certificate: Certificate) -> dict[str, str | None]:
    """Why a revoked certificate was revoked, as the public may read it: the
    category and the public note, never the reason staff recorded."""
    if certificate.status != Certificate.Status.REVOKED:
        return {
            "revocation_category": None,
            "revocation_category_label": None,
            "revocation_note": None,
        }
    return {
        "revocation_category": certificate.revocation_category or None,
        "revocation_category_label": str(certificate.get_revocation_category_display())
        or None,
        "revocation_note": certificate.revocation_public_note or None,
    }
