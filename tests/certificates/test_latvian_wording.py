"""What a Latvian learner reads on the certificate pages, e-mail and PDFs: their
chosen language whatever the browser asks for, a certificate "Numurs", dates in
the locative inside sentences and a greeting right for every name."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.issuing import issue_certificate
from certificates.models import Certificate, ExternalCertificate
from certificates.pd_record.window import first_day_not_counted
from courses.dates import print_date
from courses.people.languages import remember_language
from tests.certificates.conftest import completed_enrolment, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def latvian_certificate(template, django_capture_on_commit_callbacks) -> Certificate:
    """Jānis, who chose Latvian, has a certificate; his browser asks for English
    (the ``client`` fixture)."""
    enrolment = completed_enrolment(first_name="Jānis", last_name="Bērziņš")
    remember_language(enrolment.user, "lv")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
    return certificate


def test_my_certificates_follow_the_chosen_language_not_the_browser(
    client, latvian_certificate
):
    """A Latvian learner on an English browser reads Latvian, with the
    certificate's "Numurs" (not the quiz answer's "Skaitlis")."""
    client.force_login(latvian_certificate.user)
    html = client.get("/certificates/mine/").content.decode()
    assert '<html lang="lv"' in html
    assert f"<dt>Numurs</dt><dd>{latvian_certificate.serial}</dd>" in html
    assert "Skaitlis" not in html


def test_the_switcher_works_on_my_certificates(client, latvian_certificate):
    """The language switcher on a page without a prefix changes its language and
    comes back to it; the address stays the one printed."""
    client.force_login(latvian_certificate.user)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/certificates/mine/"}
    )
    assert response["Location"] == "/certificates/mine/"
    html = client.get("/certificates/mine/").content.decode()
    assert '<html lang="en"' in html
    assert f"<dt>Number</dt><dd>{latvian_certificate.serial}</dd>" in html
    client.post("/i18n/setlang/", {"language": "lv", "next": "/certificates/mine/"})
    assert "<dt>Numurs</dt>" in client.get("/certificates/mine/").content.decode()


def test_the_verification_page_follows_a_signed_in_learner(client, latvian_certificate):
    """The public page keeps its printed address; a signed-in learner reads it in
    their language, a visitor in their browser's."""
    url = latvian_certificate.get_absolute_url()
    assert '<html lang="en"' in client.get(url).content.decode()
    client.force_login(latvian_certificate.user)
    html = client.get(url).content.decode()
    assert '<html lang="lv"' in html
    issued = print_date(timezone.localdate(latvian_certificate.issued_at), "lv")
    assert issued in html


def test_the_certificate_email_greets_every_name_correctly(latvian_certificate):
    """ "Labdien, Jānis!" would be the nominative where Latvian wants the vocative;
    the greeting leaves the name out."""
    [message] = mail.outbox
    assert message.body.startswith("Labdien!\n")
    assert "Jānis" not in message.body
    assert "Jūsu apliecība" in message.body


def test_the_pd_record_says_when_hours_fall_short_in_the_locative(client, template):
    """ "Ja jaunu stundu nebūs, 2028. gada 30. oktobrī to sāks pietrūkt" — in the
    page, its PDF and for an English reader "short from 30 October 2028"."""
    enrolment = completed_enrolment()
    user = enrolment.user
    remember_language(user, "lv")
    oldest = timezone.localdate() - timedelta(days=400)
    for hours, completed_on in ((Decimal(24), oldest), (Decimal(12), None)):
        ExternalCertificate.objects.create(
            user=user,
            title="Digitālās prasmes",
            provider="Rīgas Tehniskā universitāte",
            hours=hours,
            completed_on=completed_on or timezone.localdate() - timedelta(days=30),
        )
    drop = print_date(first_day_not_counted(oldest), "lv")
    client.force_login(user)
    html = client.get(reverse("certificates:pd_record")).content.decode()
    assert f"Ja jaunu stundu nebūs, {drop} to sāks pietrūkt." in html
    text = " ".join(
        pdf_text(client.get(reverse("certificates:pd_record_pdf")).content).split()
    )
    assert f"Ja jaunu stundu nebūs, {drop} to sāks pietrūkt." in text
