"""Every model of the certificates app (Django finds them here)."""

from certificates.models.bulk import BulkIssueChunk, BulkIssueJob
from certificates.models.certificate import Certificate, SerialCounter
from certificates.models.pd_record import ExternalCertificate
from certificates.models.signing import SigningKey
from certificates.models.templates import (
    CertificateSignatory,
    CertificateTemplate,
    CourseCertificateSettings,
)

__all__ = [
    "BulkIssueChunk",
    "BulkIssueJob",
    "Certificate",
    "CertificateSignatory",
    "CertificateTemplate",
    "CourseCertificateSettings",
    "ExternalCertificate",
    "SerialCounter",
    "SigningKey",
]
