"""The issuer's key pair: loaded from the settings, identified by its ``kid`` (the
RFC 7638 thumbprint of its public key), and recorded in :class:`SigningKey` so
that its public half stays published after the next rotation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey, RSAKey

from certificates.models import SigningKey
from courses.conf import lms_setting


@dataclass(frozen=True)
class IssuerKey:
    """One key pair of the issuer, with its X.509 certificate."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    key_pem: bytes
    certificate_pem: bytes

    @property
    def jwk(self) -> ECKey | RSAKey:
        """The private key for JOSE signing (joserfc)."""
        if isinstance(self.private_key, ec.EllipticCurvePrivateKey):
            return ECKey.import_key(self.key_pem)
        return RSAKey.import_key(self.key_pem)

    @property
    def kid(self) -> str:
        return kid_of(self.certificate_pem)

    @property
    def algorithm(self) -> str:
        """The JOSE algorithm this key signs with."""
        return (
            "ES256"
            if isinstance(self.private_key, ec.EllipticCurvePrivateKey)
            else "RS256"
        )


def public_jwk(certificate_pem: bytes | str) -> dict:
    """The public key of an X.509 certificate as a JWK, with its ``kid``."""
    certificate = _certificate(_bytes(certificate_pem))
    public_pem = certificate.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key_class = (
        ECKey
        if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
        else RSAKey
    )
    key = key_class.import_key(public_pem)
    data = key.as_dict(private=False)
    data.update(kid=key.thumbprint(), use="sig")
    data["alg"] = "ES256" if key_class is ECKey else "RS256"
    return data


def kid_of(certificate_pem: bytes | str) -> str:
    return public_jwk(certificate_pem)["kid"]


def _bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


@lru_cache(maxsize=8)
def _certificate(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


@lru_cache(maxsize=4)
def load_pair(key_pem: bytes, certificate_pem: bytes) -> IssuerKey:
    """The key pair of two PEM texts; ``ValueError`` if they do not match."""
    private_key = serialization.load_pem_private_key(key_pem, password=None)
    if not isinstance(private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError("The signing key must be an EC (P-256) or RSA key.")
    certificate = _certificate(certificate_pem)
    if (
        certificate.public_key().public_numbers()
        != private_key.public_key().public_numbers()
    ):
        raise ValueError("The signing certificate is not for the signing key.")
    return IssuerKey(private_key, certificate, key_pem, certificate_pem)


def current_key() -> IssuerKey | None:
    """The key pair the settings name, or None when the site signs nothing."""
    key_pem = lms_setting("LMS_SIGNING_KEY")
    certificate_pem = lms_setting("LMS_SIGNING_CERTIFICATE")
    if not key_pem or not certificate_pem:
        return None
    return load_pair(_bytes(key_pem), _bytes(certificate_pem))


def publish(key: IssuerKey) -> str:
    """Record ``key``'s public certificate (once) so it is published for as long
    as certificates it signed exist; returns its ``kid``."""
    kid = key.kid
    SigningKey.objects.get_or_create(
        kid=kid, defaults={"certificate_pem": key.certificate_pem.decode()}
    )
    return kid


def generate_pair(
    common_name: str, organisation: str = "", years: int = 5
) -> tuple[bytes, bytes]:
    """A new EC P-256 key and a self-signed certificate for it, as PEM: for
    development, or for a site that publishes its keys itself (JWKS) rather than
    through a certificate authority."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate.public_bytes(serialization.Encoding.PEM),
    )
