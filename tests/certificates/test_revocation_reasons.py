"""The public reason of a revocation: its own Latvian word, and none claimed for
revocations made before reasons could be chosen."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from certificates.issuing import issue_certificate
from certificates.issuing.changes import revoke
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment

pytestmark = pytest.mark.django_db

fix = importlib.import_module(
    "certificates.migrations.0008_revocations_without_a_stated_reason"
)


def revoked(days_ago: int, **kwargs) -> Certificate:
    certificate = issue_certificate(
        completed_enrolment(), how=Certificate.How.AUTOMATIC
    )
    certificate = revoke(certificate, "Dubultā ievade", **kwargs)
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now() - timedelta(days=days_ago)
    )
    return certificate


def latvian_page(client, certificate: Certificate) -> str:
    url = certificate.get_absolute_url()
    return client.get(url, HTTP_ACCEPT_LANGUAGE="lv").content.decode()


def test_a_withdrawn_certificate_is_not_a_learner_who_dropped_out(client, template):
    """ "Withdrawn" the enrolment and "withdrawn" the certificate are two words in
    Latvian; the public page uses the certificate's."""
    html = latvian_page(client, revoked(0))
    assert "Iemesls: Anulēta." in html
    assert "Izstājies" not in html and "Pārtraukts" not in html


def test_revocations_older_than_the_reasons_claim_none(client, template):
    """Migration 0003 gave earlier revocations "withdrawn" though nobody chose
    it; they go back to no public reason, later choices stay."""
    before = revoked(days_ago=400)
    chosen = revoked(days_ago=0)
    stated = revoked(days_ago=400, public_note="Programma netika akreditēta.")
    fix.forget_the_guessed_reason(apps, SimpleNamespace(connection=connection))
    for certificate in (before, chosen, stated):
        certificate.refresh_from_db()
    assert before.revocation_category == ""
    assert chosen.revocation_category == "withdrawn"
    assert stated.revocation_category == "withdrawn"
    html = latvian_page(client, before)
    assert "Šī apliecība tika atsaukta 2025. gada" in html
    assert "Iemesls:" not in html
