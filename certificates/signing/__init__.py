"""The issuer's signature on certificates: PDFs signed as PAdES with pyHanko, and
every public key the issuer ever signed with, published under its ``kid``.

The private key and its X.509 certificate reach the site as PEM through the
settings ``LMS_SIGNING_KEY`` and ``LMS_SIGNING_CERTIFICATE`` (the demo host reads
them from the environment or from files ``create_signing_key`` writes), never
from the repository. Without them, PDFs are rendered unsigned and a system check
warns in production.
"""

from certificates.signing.keys import (
    IssuerKey,
    current_key,
    generate_pair,
    publish,
)
from certificates.signing.pdf import SignatureCheck, check_pdf_signature, sign_pdf

__all__ = [
    "IssuerKey",
    "SignatureCheck",
    "check_pdf_signature",
    "current_key",
    "generate_pair",
    "publish",
    "sign_pdf",
]
