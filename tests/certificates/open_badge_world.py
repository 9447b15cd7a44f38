"""The world of the Open Badges tests: a certificate with competences and an
expiry, and an independent verifier — the credential downloaded, its signature
checked against the published keys, the 1EdTech schema, the revocation bit."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from joserfc import jwt
from joserfc.jwk import KeySet
from jsonschema import Draft201909Validator, FormatChecker

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.site import base_url
from tests.certificates.conftest import completed_enrolment

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


def badge_certificate() -> Certificate:
    """Jolanta's certificate, with competences at levels and an expiry (the
    ``certificate`` fixture of each Open Badge test file; it needs ``template``)."""
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
