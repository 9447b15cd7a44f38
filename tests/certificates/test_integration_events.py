"""Certificates tell webhook receivers when they are issued, re-issued or revoked."""

from __future__ import annotations

import pytest

from certificates.issuing import issue_certificate, reissue, revoke
from certificates.models import Certificate
from courses.integrations.delivery import fan_out
from courses.integrations.models import Event, WebhookDelivery, WebhookEndpoint
from tests.certificates.conftest import completed_enrolment

pytestmark = pytest.mark.django_db


def test_certificate_events_are_told_once_each(template):
    """Issuing, re-issuing and revoking are one delivery each; issuing again (the
    valid certificate exists) tells nothing."""
    WebhookEndpoint.objects.create(
        name="HR",
        url="https://hr.example.lv/lms",
        events=[event for event in Event.values if event.startswith("certificate.")],
    )
    enrolment = completed_enrolment()
    certificate = issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
    issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
    new = reissue(certificate, "Name corrected")
    revoke(new, "Issued by mistake")
    fan_out()
    rows = list(WebhookDelivery.objects.order_by("pk").values_list("event", "payload"))
    assert [event for event, _ in rows] == [
        "certificate.issued",
        "certificate.reissued",
        "certificate.revoked",
    ]
    assert rows[0][1]["data"]["serial"] == certificate.serial
    assert rows[1][1]["data"]["supersedes"] == certificate.pk
    assert rows[2][1]["data"]["status"] == "revoked"
