"""The Open Badge's signature against the issuer's published keys, the issuer's
public profile, and who may download the credential."""

from __future__ import annotations

import base64
import json

import pytest
from joserfc.errors import BadSignatureError

from certificates.models import Certificate, SigningKey
from certificates.signing import generate_pair
from courses.site import base_url
from tests.certificates.open_badge_world import (
    badge_certificate,
    download,
    verify,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(template) -> Certificate:
    return badge_certificate()


def test_a_changed_credential_fails_verification(client, certificate):
    """One changed claim (another learner's name) breaks the signature."""
    header, payload, signature = download(client, certificate).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    with pytest.raises(BadSignatureError):
        verify(client, f"{header}.{forged.decode()}.{signature}")


def test_an_old_credential_still_verifies_after_key_rotation(
    client, certificate, settings
):
    """After the issuer's key is replaced, a credential signed with the old key
    verifies against the JWKS, which keeps the old key beside the new one."""
    old = download(client, certificate)
    settings.LMS_SIGNING_KEY, settings.LMS_SIGNING_CERTIFICATE = generate_pair(
        "Test issuer 2027", "Test University"
    )
    new = download(client, certificate)
    kids = [
        json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "=="))["kid"]
        for t in (old, new)
    ]
    assert kids[0] != kids[1]
    assert len(client.get("/credentials/jwks.json").json()["keys"]) == 2
    assert verify(client, old).claims["jti"] == verify(client, new).claims["jti"]


def test_issuer_profile_and_keys_are_public(client, certificate):
    """Anyone reads the issuer's profile and its keys, with kid, alg and use."""
    download(client, certificate)
    client.logout()
    profile = client.get("/credentials/issuer.json").json()
    assert profile["id"] == base_url() + "/credentials/issuer.json"
    assert profile["type"] == ["Profile"]
    (key,) = client.get("/credentials/jwks.json").json()["keys"]
    assert (key["kid"], key["alg"], key["use"]) == (
        SigningKey.objects.get().kid,
        "ES256",
        "sig",
    )
    assert "d" not in key


def test_owner_and_course_staff_download_others_get_404(
    client, certificate, course_staff
):
    """The learner and staff of the course download it; another learner and an
    anonymous visitor get 404."""
    url = certificate.get_open_badge_url()
    assert client.get(url).status_code == 404
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(course_staff(certificate.course))
    assert client.get(url).status_code == 200
    client.force_login(certificate.user)
    response = client.get(url)
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{certificate.serial}.jwt"'
    )


def test_the_api_gives_the_credential_to_its_owner_only(client, certificate):
    """The API lists the credential's URL and returns the credential to the
    learner it belongs to; anyone else gets 404."""
    url = f"/api/v1/certificates/{certificate.serial}/credential"
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(certificate.user)
    (listed,) = client.get("/api/v1/me/certificates").json()
    assert listed["open_badge_url"] == (
        base_url() + f"/certificates/{certificate.pk}/open-badge/"
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert (
        verify(client, response.content.decode()).claims["credentialSubject"][
            "identifier"
        ][0]["identityHash"]
        == "Jolanta Ūzuliņa"
    )


def test_pages_offer_and_explain_the_open_badge(client, certificate):
    """My certificates links the Open Badge; the verification page says where the
    issuer's keys and revocation list are."""
    client.force_login(certificate.user)
    html = client.get("/certificates/mine/").content.decode()
    assert "Open Badge (for digital wallets)" in html
    assert certificate.get_open_badge_url() in html
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert 'href="/credentials/jwks.json"' in page
    assert 'href="/credentials/status/revocation"' in page
