"""A revoked or replaced certificate's Open Badge: its bit in the status list,
and what its download, the API and My certificates say of the one in force."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certificates.issuing import Corrections, issue_certificate, reissue, revoke
from certificates.models import Certificate
from courses.people.languages import remember_language
from courses.site import base_url
from tests.certificates.conftest import completed_enrolment
from tests.certificates.open_badge_world import (
    badge_certificate,
    download,
    revocation_bit,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(template) -> Certificate:
    return badge_certificate()


def test_revoking_flips_the_bit_at_once(
    client, certificate, django_capture_on_commit_callbacks
):
    """The revocation list has the certificate's bit clear, then set right after
    it is revoked; another certificate's bit stays clear."""
    other = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    credential = verify(client, download(client, certificate)).claims
    other_credential = verify(client, download(client, other)).claims
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.pk)
    assert revocation_bit(client, credential) == 0
    with django_capture_on_commit_callbacks(execute=True):
        revoke(certificate, "Issued by mistake.")
    assert revocation_bit(client, credential) == 1
    assert revocation_bit(client, other_credential) == 0


def test_a_replaced_certificate_is_revoked_in_the_status_list(
    client, certificate, django_capture_on_commit_callbacks
):
    """After a re-issue corrects the hours, the old credential's revocation bit
    is set and the new one's clear; the old verification page links to the new."""
    other = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    old_credential = verify(client, download(client, certificate)).claims
    other_credential = verify(client, download(client, other)).claims
    assert revocation_bit(client, old_credential) == 0
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(
            certificate, "Hours corrected", corrections=Corrections(hours=Decimal(10))
        )
    new_credential = verify(client, download(client, new)).claims
    assert new_credential["credentialStatus"]["statusListIndex"] == str(new.pk)
    assert new_credential["credentialSubject"]["result"][0]["value"] == "10"
    assert revocation_bit(client, old_credential) == 1
    assert revocation_bit(client, new_credential) == 0
    assert revocation_bit(client, other_credential) == 0
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "This certificate was replaced by a newer one." in page
    assert f'<a href="{new.get_absolute_url()}">See certificate {new.serial}</a>' in (
        page
    )


def test_a_replaced_certificates_credential_is_gone_with_the_new_one_named(
    client, certificate, course_staff
):
    """The old credential's download answers 410 with a page (and a
    successor-version link) naming the certificate in force; the API answers
    410 with its number and addresses; no token of the old one is handed out."""
    new = reissue(
        certificate, "Hours corrected", corrections=Corrections(hours=Decimal(10))
    )
    client.force_login(certificate.user)
    response = client.get(certificate.get_open_badge_url())
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert response["Link"] == (
        f'<{base_url()}{new.get_open_badge_url()}>; rel="successor-version"'
    )
    html = response.content.decode()
    assert (
        f"Certificate {certificate.serial} was replaced by certificate {new.serial};"
        f" the Open Badge of {certificate.serial} is revoked."
    ) in html
    assert f'href="{new.get_open_badge_url()}"' in html
    assert f'href="{new.get_absolute_url()}"' in html
    assert "eyJ" not in html  # no JWT
    response = client.get(f"/api/v1/certificates/{certificate.serial}/credential")
    assert response.status_code == 410
    assert response.json() == {
        "detail": f"Certificate {certificate.serial} was replaced by certificate "
        f"{new.serial}; the Open Badge of {certificate.serial} is revoked.",
        "serial": new.serial,
        "open_badge_url": base_url() + new.get_open_badge_url(),
        "verification_url": base_url() + new.get_absolute_url(),
    }
    client.force_login(course_staff(certificate.course))
    assert client.get(certificate.get_open_badge_url()).status_code == 410
    assert client.get(new.get_open_badge_url()).status_code == 200


def test_the_replaced_credential_page_speaks_the_learners_language(client, certificate):
    """A learner who reads the site in Latvian is told in Latvian which
    certificate replaced theirs."""
    new = reissue(certificate, "Name corrected")
    remember_language(certificate.user, "lv")
    client.force_login(certificate.user)
    html = client.get(certificate.get_open_badge_url()).content.decode()
    assert (
        f"Apliecība {certificate.serial} ir aizstāta ar apliecību {new.serial}; "
        f"apliecības {certificate.serial} Open Badge apliecinājums ir atsaukts."
    ) in html


def test_my_certificates_offers_only_the_current_credential(client, certificate):
    """After a re-issue, My certificates offers the new certificate's PDF and Open
    Badge, and for the old one only its verification page."""
    new = reissue(certificate, "Name corrected")
    client.force_login(certificate.user)
    html = client.get("/certificates/mine/").content.decode()
    assert new.get_open_badge_url() in html and new.get_download_url() in html
    assert certificate.get_open_badge_url() not in html
    assert certificate.get_download_url() not in html
    assert certificate.get_absolute_url() in html
    assert "Replaced by a newer certificate" in html
