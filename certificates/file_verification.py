"""Verifying an uploaded PDF: is it exactly a file we issued, is its signature
ours and intact, and what is that certificate's status now."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from certificates.models import Certificate, SigningKey
from certificates.signing import SignatureCheck, check_pdf_signature

#: Certificates are far smaller; anything larger is not one of ours.
MAX_BYTES = 10 * 1024 * 1024


class Verdict(enum.StrEnum):
    #: Byte for byte the file we issued.
    ISSUED = "issued"
    #: Our signed file with something added after signing (an edit, a form fill).
    CHANGED_AFTER_ISSUE = "changed"
    #: It carries a signature, but the signed bytes were altered or it is not ours.
    BROKEN_SIGNATURE = "broken"
    #: No file we issued.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FileCheck:
    verdict: Verdict
    #: The certificate the file is (or was, before a change), if any.
    certificate: Certificate | None = None
    signature: SignatureCheck | None = None


def check_file(data: bytes) -> FileCheck:
    """What ``data`` is. Raises ``ValueError`` when it is not a PDF at all, and
    ``UnreadablePdf`` (:mod:`certificates.untrusted_pdf`, a ``ValueError``) when
    it cannot be read within the time and memory a file may take."""
    if not data.startswith(b"%PDF-"):
        raise ValueError("not a PDF")
    published = list(SigningKey.objects.values_list("certificate_pem", flat=True))
    signature = check_pdf_signature(data, published)
    by_hash = Certificate.objects.select_related("superseded_by")
    certificate = by_hash.filter(pdf_sha256=hashlib.sha256(data).hexdigest()).first()
    if certificate is not None:
        return FileCheck(Verdict.ISSUED, certificate, signature)
    if signature.signed and signature.valid:
        original = by_hash.filter(pdf_sha256=signature.signed_sha256).first()
        if original is not None and signature.changed_after_signing:
            return FileCheck(Verdict.CHANGED_AFTER_ISSUE, original, signature)
    if signature.signed and not signature.valid:
        return FileCheck(Verdict.BROKEN_SIGNATURE, None, signature)
    return FileCheck(Verdict.UNKNOWN, None, signature)
