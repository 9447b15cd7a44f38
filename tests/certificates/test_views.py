"""What learners, staff and the public see: downloads, my certificates, verification."""

from __future__ import annotations

import pytest

from certificates.codes import format_code
from certificates.issuing import issue_certificate, reissue, revoke
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment, pdf_text
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(template) -> Certificate:
    enrolment = completed_enrolment(
        first_name="Jolanta", last_name="Ūzuliņa", email="jolanta@example.edu"
    )
    return issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)


def test_owner_downloads_the_pdf(client, certificate):
    """The learner downloads their own certificate as a PDF."""
    client.force_login(certificate.user)
    response = client.get(certificate.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Jolanta Ūzuliņa" in pdf_text(b"".join(response.streaming_content))


def test_other_learner_and_anonymous_cannot_download(client, certificate):
    """Another learner and an anonymous visitor get a 404, not the PDF."""
    assert client.get(certificate.get_download_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(certificate.get_download_url()).status_code == 404


def test_certificate_staff_may_download(client, certificate, course_staff):
    """Staff who issue the course's certificates download them."""
    client.force_login(course_staff(certificate.course))
    assert client.get(certificate.get_download_url()).status_code == 200


def test_my_certificates_lists_them_with_links(client, certificate):
    """My certificates shows the course, number, hours and the download link."""
    client.force_login(certificate.user)
    html = client.get("/certificates/mine/").content.decode()
    assert certificate.serial in html
    assert certificate.course_title in html
    assert certificate.get_download_url() in html


def test_my_certificates_needs_sign_in(client):
    """Anonymous visitors are sent to sign in."""
    response = client.get("/certificates/mine/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_verification_page_shows_the_certificate_and_no_email(client, certificate):
    """Anyone sees name, course, hours and competences, and never the e-mail."""
    response = client.get(f"/verify/{certificate.verification_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in html
    assert "Jolanta Ūzuliņa" in html
    assert certificate.course_title in html
    assert ">12<" in html
    assert "jolanta@example.edu" not in html
    assert "@" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_typed_code_is_normalised(client, certificate):
    """Lower case, dashes, spaces and O/I/L typed for 0/1 still find it."""
    typed = format_code(certificate.verification_code).lower()
    typed = typed.replace("0", "o").replace("1", "l")
    response = client.get("/verify/", {"code": f" {typed} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.verification_code}/"


def test_unknown_code_is_not_found(client, template):
    """An unknown code gets a plain 404."""
    assert client.get("/verify/AAAAABBBBBCCCCCDDDDD/").status_code == 404
    response = client.get("/api/v1/certificates/verify/AAAAABBBBBCCCCCDDDDD")
    assert response.status_code == 404
    assert response.json() == {"detail": "No certificate has this code."}


def test_revoked_shows_on_page_and_json(client, certificate):
    """A revoked certificate says so, with the date, on the page and in JSON."""
    revoke(certificate, "Issued by mistake", actor=None)
    certificate.refresh_from_db()
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "This certificate was revoked on" in html
    assert "Issued by mistake" not in html
    data = client.get(f"/api/v1/certificates/verify/{certificate.display_code}").json()
    assert data["status"] == "revoked"
    assert data["revoked_at"]


def test_superseded_links_to_the_current_one(client, certificate):
    """A superseded certificate points to its replacement, on the page and in JSON."""
    new = reissue(certificate, "Name corrected", actor=None)
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "replaced by a newer one" in html
    assert new.get_absolute_url() in html
    data = client.get(
        f"/api/v1/certificates/verify/{certificate.verification_code}"
    ).json()
    assert data["status"] == "superseded"
    assert data["current_verification_url"].endswith(new.get_absolute_url())
    assert client.get(new.get_absolute_url()).status_code == 200


def test_json_verification_is_public_and_has_no_email(client, certificate):
    """The JSON check needs no sign-in and holds only what the certificate shows."""
    response = client.get(
        f"/api/v1/certificates/verify/{certificate.verification_code}"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "valid"
    assert data["learner"] == "Jolanta Ūzuliņa"
    assert data["hours"] == 12
    assert data["serial"] == certificate.serial
    assert "jolanta@example.edu" not in response.content.decode()


def test_my_certificates_api(client, certificate):
    """The API lists the learner's certificates with PDF and verification URLs."""
    assert client.get("/api/v1/me/certificates").status_code == 401
    client.force_login(certificate.user)
    [item] = client.get("/api/v1/me/certificates").json()
    assert item["serial"] == certificate.serial
    assert item["status"] == "valid"
    assert item["pdf_url"].endswith(certificate.get_download_url())
    assert item["verification_url"].endswith(certificate.get_absolute_url())
    assert item["issued_at"]
    client.force_login(make_user())
    assert client.get("/api/v1/me/certificates").json() == []


def revoked_on(certificate: Certificate, when) -> Certificate:
    revoke(
        certificate,
        "Learner's employer asked; see ticket 4411",
        actor=None,
        category=Certificate.RevocationCategory.ISSUED_IN_ERROR,
        public_note="A corrected certificate was issued to the learner.",
    )
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=when)
    certificate.refresh_from_db()
    return certificate


def test_revoked_page_and_json_show_the_public_reason_only(client, certificate):
    """The public sees the revocation's category and note, never the staff reason."""
    from datetime import UTC, datetime

    revoked_on(certificate, datetime(2026, 12, 3, 12, tzinfo=UTC))
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "This certificate was revoked on 3 December 2026." in html
    assert "Reason: Issued in error." in html
    assert "A corrected certificate was issued to the learner." in html
    assert "4411" not in html
    response = client.get(f"/api/v1/certificates/verify/{certificate.display_code}")
    data = response.json()
    assert data["revocation_category"] == "error"
    assert data["revocation_category_label"] == "Issued in error"
    assert (
        data["revocation_note"] == "A corrected certificate was issued to the learner."
    )
    assert "4411" not in response.content.decode()


def test_latvian_page_writes_dates_in_the_locative(certificate):
    """In Latvian the page says "atsaukta 2026. gada 3. decembrī", not "decembris".

    The period stays a range of dates in the nominative ("3. decembris – …").
    """
    from datetime import UTC, datetime

    from django.test import Client

    revoked_on(certificate, datetime(2026, 12, 3, 12, tzinfo=UTC))
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="lv")
        .get(certificate.get_absolute_url())
        .content.decode()
    )
    assert "atsaukta 2026. gada 3. decembrī." in html
    assert "Iemesls: Izsniegta kļūdaini." in html
    assert "atsaukta 2026. gada 3. decembris" not in html


def test_valid_page_writes_issue_and_expiry_dates_in_words(client, certificate):
    """The issue and expiry dates read "3 December 2026" in English."""
    from datetime import date

    facts = certificate.snapshot
    facts["issued"], facts["expires"] = "2026-12-03", "2031-04-01"
    Certificate.objects.filter(pk=certificate.pk).update(
        snapshot=facts, expires_on=date(2031, 4, 1)
    )
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "<dd>3 December 2026</dd>" in html
    assert "<dd>1 April 2031</dd>" in html


def test_a_pdf_missing_from_storage_is_said_not_a_server_error(
    client, certificate, caplog
):
    """When the stored PDF has gone, the owner is sent back to My certificates with
    a message naming the certificate, and the loss is logged once."""
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(certificate.user)
    response = client.get(certificate.get_download_url(), follow=True)
    assert response.redirect_chain == [("/certificates/mine/", 302)]
    html = response.content.decode()
    assert f"The file of certificate {certificate.serial} cannot be found" in html
    assert [r.levelname for r in caplog.records if "missing" in r.getMessage()] == [
        "ERROR"
    ]
