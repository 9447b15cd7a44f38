"""Every certificate as an Open Badges 3.0 credential: what a wallet and a verifier
see in it, its signature against the published keys, its revocation bit, and who
may download it."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from jsonschema import Draft201909Validator, FormatChecker

from certificates.issuing import Corrections, issue_certificate, reissue, revoke
from certificates.models import Certificate, SigningKey
from certificates.signing import generate_pair
from courses.people.languages import remember_language
from courses.site import base_url
from tests.certificates.conftest import completed_enrolment
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SITE_8100 = "http://127.0.0.1:8100"
COMPETENCES = [
    {
        "framework": "DigCompEdu",
        "code": "2.1",
        "name": "Selecting digital resources",
        "name_lv": "Digitālo resursu atlase",
        "level": "B1",
    },
    {
        "framework": "EntreComp",
        "code": "1.2",
        "name": "Creativity",
        "name_lv": "Radošums",
        "level": "",
    },
]


@pytest.fixture
def certificate(template) -> Certificate:
    enrolment = completed_enrolment(
        first_name="Jolanta", last_name="Ūzuliņa", email="jolanta@example.edu"
    )
    certificate = issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
    # Competences with levels, and an expiry, as a course and template may give.
    certificate.snapshot["competences"] = COMPETENCES
    certificate.snapshot["expires"] = "2031-06-30"
    certificate.save(update_fields=["snapshot"])
    return certificate


def download(client, certificate: Certificate) -> str:
    client.force_login(certificate.user)
    response = client.get(certificate.get_open_badge_url())
    assert response.status_code == 200
    return response.content.decode()


def dereference(client, kid: str) -> KeySet:
    """The spec's verifier step: the kid is a URI; fetch it and take the key
    whose kid is its fragment."""
    url, _, thumbprint = kid.partition("#")
    response = client.get(url.removeprefix(base_url()))
    assert response.status_code == 200
    keys = [key for key in response.json()["keys"] if key["kid"] == thumbprint]
    assert len(keys) == 1
    return KeySet.import_key_set({"keys": keys})


def verify(client, token: str) -> jwt.Token:
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    keys = dereference(client, header["kid"])
    # The JWKS entry names the key by its thumbprint; the header by its URI.
    return jwt.decode(token, keys.keys[0], algorithms=[header["alg"]])


def schema_validator() -> Draft201909Validator:
    """The official 1EdTech schema (tests/certificates/fixtures/README.md), with
    the one change VC Data Model 2.0 made: ``validFrom`` is required where the
    vendored version, written for VCDM 1.1, requires ``issuanceDate``."""
    schema = json.loads(
        (FIXTURES / "ob_v3p0_achievementcredential_schema.json").read_text()
    )
    schema["required"] = [
        "validFrom" if name == "issuanceDate" else name for name in schema["required"]
    ]
    return Draft201909Validator(schema, format_checker=FormatChecker())


def bit(encoded_list: str, index: int) -> int:
    """An independent Bitstring Status List decoder: multibase "u" (base64url, no
    padding), gunzip, bit ``index`` counted from the most significant bit."""
    assert encoded_list.startswith("u")
    data = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= 131_072
    return (bits[index // 8] >> (7 - index % 8)) & 1


def revocation_bit(client, credential: dict) -> int:
    status = credential["credentialStatus"]
    response = client.get(status["statusListCredential"].removeprefix(base_url()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    status_list = verify(client, response.content.decode()).claims
    assert "BitstringStatusListCredential" in status_list["type"]
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    return bit(subject["encodedList"], int(status["statusListIndex"]))


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
