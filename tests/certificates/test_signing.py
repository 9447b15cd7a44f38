"""Signed certificate PDFs: PAdES signatures that validate against the issuer's
published certificate, and that one changed byte breaks."""

from __future__ import annotations

import hashlib
import io

import pytest
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates.issuing import issue_certificate
from certificates.models import Certificate, SigningKey
from certificates.signing import check_pdf_signature
from tests.certificates.conftest import completed_enrolment, pdf_text

pytestmark = pytest.mark.django_db


def validate(data: bytes, certificate_pem: str):
    """pyHanko's own verdict, with the issuer's certificate as the trust root."""
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    roots = list(load_certs_from_pemder_data(certificate_pem.encode()))
    return validate_pdf_signature(
        signature, ValidationContext(trust_roots=roots, allow_fetching=False)
    )


@pytest.fixture
def signed(template):
    certificate = issue_certificate(
        completed_enrolment(first_name="Anna", last_name="Liepa"),
        how=Certificate.How.AUTOMATIC,
    )
    return certificate, certificate.pdf.open("rb").read()


def test_a_rendered_certificate_is_signed_by_the_issuer(signed, issuer_pair):
    certificate, data = signed
    status = validate(data, issuer_pair[1])
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.signer_reported_dt is not None
    # Still the certificate the learner earned.
    assert "Anna Liepa" in pdf_text(data)
    key = SigningKey.objects.get()
    assert certificate.signing_kid == key.kid
    assert key.certificate_pem == issuer_pair[1]
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_one_changed_byte_breaks_the_signature(signed, issuer_pair):
    _, data = signed
    # A byte of the page content (inside the signed range), e.g. in the name.
    position = data.index(b"stream") + 40
    changed = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
    status = validate(changed, issuer_pair[1])
    assert status.intact is False
    check = check_pdf_signature(changed, [issuer_pair[1]])
    assert (check.signed, check.valid) == (True, False)


def test_another_issuers_key_is_not_trusted(signed):
    from certificates.signing import generate_pair

    _, data = signed
    _, stranger = generate_pair("Someone else")
    status = validate(data, stranger.decode())
    assert status.intact and not status.trusted
    assert check_pdf_signature(data, [stranger.decode()]).valid is False


def test_without_a_key_certificates_are_rendered_unsigned(template, settings):
    settings.LMS_SIGNING_KEY = settings.LMS_SIGNING_CERTIFICATE = None
    certificate = issue_certificate(
        completed_enrolment(), how=Certificate.How.AUTOMATIC
    )
    data = certificate.pdf.open("rb").read()
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    assert certificate.signing_kid == ""


def test_rotation_keeps_old_certificates_verifiable(signed, tmp_path, settings):
    """After a rotation the new key signs, and both public certificates are
    published, so the PDF signed before the rotation still verifies."""
    from django.core.management import call_command

    _, before = signed
    directory = tmp_path / "signing"
    call_command("create_signing_key", dir=str(directory), name="Issuer")
    first = (directory / "issuer-certificate.pem").read_text()
    call_command("rotate_signing_key", dir=str(directory), name="Issuer")
    second = (directory / "issuer-certificate.pem").read_text()
    assert first != second
    assert (directory / "issuer-key.pem").stat().st_mode & 0o077 == 0
    settings.LMS_SIGNING_KEY = (directory / "issuer-key.pem").read_text()
    settings.LMS_SIGNING_CERTIFICATE = second
    after = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    published = list(SigningKey.objects.values_list("certificate_pem", flat=True))
    assert {first, second} <= set(published)
    check_after = check_pdf_signature(after.pdf.open("rb").read(), published)
    check_before = check_pdf_signature(before, published)
    assert check_after.valid and check_before.valid
    assert check_after.kid != check_before.kid


def test_a_production_site_without_a_key_is_warned(settings):
    from certificates.checks import check_signing_key

    settings.DEBUG = False
    settings.LMS_SIGNING_KEY = settings.LMS_SIGNING_CERTIFICATE = None
    assert [message.id for message in check_signing_key()] == ["certificates.W003"]
    settings.LMS_SIGNING_KEY = "not a key"
    settings.LMS_SIGNING_CERTIFICATE = "not a certificate"
    assert [message.id for message in check_signing_key()] == ["certificates.E004"]


def test_an_rsa_key_from_a_certificate_authority_signs_too(template, settings):
    """Universities often hold RSA keys: a 3072-bit pair signs and validates."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "University CA-issued")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    settings.LMS_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    settings.LMS_SIGNING_CERTIFICATE = certificate.public_bytes(
        serialization.Encoding.PEM
    ).decode()
    issued = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    status = validate(issued.pdf.open("rb").read(), settings.LMS_SIGNING_CERTIFICATE)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)


def test_a_new_key_is_named_after_the_site_by_default(tmp_path):
    """``make demo`` creates the key without ``--name``: the issuer is the site's
    name (a translatable setting), written into the certificate as text."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    from django.core.management import call_command

    directory = tmp_path / "signing"
    call_command("create_signing_key", dir=str(directory))
    certificate = x509.load_pem_x509_certificate(
        (directory / "issuer-certificate.pem").read_bytes()
    )
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert names[0].value == "STEM teacher courses"
