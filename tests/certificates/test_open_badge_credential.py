"""Every certificate as an Open Badges 3.0 credential: what a wallet and a verifier
see in it, and the addresses it names."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from certificates.models import Certificate, SigningKey
from courses.site import base_url
from tests.certificates.open_badge_world import (
    SITE_8100,
    badge_certificate,
    download,
    schema_validator,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(template) -> Certificate:
    return badge_certificate()


def test_the_credential_is_a_valid_open_badge(client, certificate):
    """The downloaded credential passes the Open Badges 3.0 AchievementCredential
    schema."""
    claims = verify(client, download(client, certificate)).claims
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in schema_validator().iter_errors(claims)
    ]
    assert errors == []
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]


def test_every_address_in_the_credential_is_the_configured_one(
    client, certificate, settings
):
    """With the site at http://127.0.0.1:8100, the credential's id, issuer, key
    (JWKS) and status list, the status list's own ids and the issuer profile all
    use that address."""
    settings.WAGTAILADMIN_BASE_URL = SITE_8100
    verified = verify(client, download(client, certificate))
    claims = verified.claims
    assert claims["id"] == f"{SITE_8100}/verify/{certificate.verification_code}/"
    assert claims["issuer"]["id"] == f"{SITE_8100}/credentials/issuer.json"
    assert verified.header["kid"].startswith(f"{SITE_8100}/credentials/jwks.json#")
    status = claims["credentialStatus"]
    assert status["statusListCredential"] == (
        f"{SITE_8100}/credentials/status/revocation"
    )
    assert status["id"] == f"{SITE_8100}/credentials/status/revocation#{certificate.pk}"
    status_list = verify(
        client, client.get("/credentials/status/revocation").content.decode()
    ).claims
    assert status_list["id"] == f"{SITE_8100}/credentials/status/revocation"
    assert status_list["issuer"] == f"{SITE_8100}/credentials/issuer.json"
    profile = client.get("/credentials/issuer.json").json()
    assert (profile["id"], profile["url"]) == (
        f"{SITE_8100}/credentials/issuer.json",
        f"{SITE_8100}/",
    )


def test_the_schema_check_can_fail(client, certificate):
    """A credential without its subject's achievement is refused by the schema."""
    claims = verify(client, download(client, certificate)).claims
    del claims["credentialSubject"]["achievement"]["criteria"]
    assert list(schema_validator().iter_errors(claims))


def test_the_credential_states_what_the_certificate_states(client, certificate):
    """Course, hours, competences with levels, the name as printed and the dates;
    the JWT claims match the credential; the e-mail appears only hashed."""
    token = download(client, certificate)
    verified = verify(client, token)
    header, claims = verified.header, verified.claims
    assert header["alg"] == "ES256"
    assert header["typ"] == "JWT"
    assert set(header) == {"alg", "kid", "typ"}
    assert header["kid"] == (
        base_url() + "/credentials/jwks.json#" + SigningKey.objects.get().kid
    )
    assert (
        claims["iss"]
        == claims["issuer"]["id"]
        == (base_url() + "/credentials/issuer.json")
    )
    assert (
        claims["jti"]
        == claims["id"]
        == (base_url() + f"/verify/{certificate.verification_code}/")
    )
    subject = claims["credentialSubject"]
    assert claims["sub"] == subject["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert claims["validUntil"] == "2031-06-30T21:00:00Z"  # end of the day in Riga
    assert claims["exp"] == int(datetime(2031, 6, 30, 21, tzinfo=UTC).timestamp())

    achievement = subject["achievement"]
    course = certificate.snapshot["texts"]["lv"]["course"]
    assert course in achievement["name"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert "12 academic hours" in achievement["criteria"]["narrative"]
    assert "(12 akadēmiskās stundas)" in achievement["criteria"]["narrative"]
    (hours,) = achievement["resultDescription"]
    assert subject["result"] == [
        {"type": ["Result"], "resultDescription": hours["id"], "value": "12"}
    ]
    assert [
        (a["targetFramework"], a["targetCode"], a.get("targetDescription"))
        for a in achievement["alignment"]
    ] == [("DigCompEdu", "2.1", "Līmenis B1"), ("EntreComp", "1.2", None)]
    assert achievement["alignment"][0]["targetName"] == "2.1 Digitālo resursu atlase"

    name, email = subject["identifier"]
    assert (name["identityType"], name["identityHash"]) == ("name", "Jolanta Ūzuliņa")
    assert email["identityType"] == "emailAddress"
    assert email["identityHash"].startswith("sha256$")
    payload = base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
    assert "jolanta@example.edu" not in payload
