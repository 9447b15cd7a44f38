"""PAdES signatures on certificate PDFs (pyHanko): signing a rendered PDF, and
checking an uploaded one against the keys the issuer published."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from certificates.signing.keys import IssuerKey, kid_of
from certificates.untrusted_pdf import Limits, read_in_child
from courses.conf import lms_setting

FIELD_NAME = "IssuerSignature"
T = TypeVar("T")


@lru_cache(maxsize=4)
def _signer(key_pem: bytes, certificate_pem: bytes) -> signers.SimpleSigner:
    certificate = next(iter(load_certs_from_pemder_data(certificate_pem)))
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )


@lru_cache(maxsize=4)
def _reserve(certificate_pem: bytes) -> int:
    """Room for the CMS signature, in hexadecimal digits as the PDF holds it:
    the embedded certificate, the signed attributes and the signature value,
    with a margin (an RSA signature is larger than an EC one)."""
    der = next(iter(load_certs_from_pemder_data(certificate_pem))).dump()
    return 4 * len(der) + 2048


def sign_pdf(data: bytes, key: IssuerKey, *, signer_name: str = "") -> bytes:
    """``data`` (a PDF) signed by ``key`` as a PAdES baseline signature, appended
    as an incremental update so the rendered bytes stay as they were."""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer_name or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    signing = signers.async_sign_pdf(
        writer,
        metadata,
        signer=_signer(key.key_pem, key.certificate_pem),
        # Room for the signature, known in advance: otherwise pyHanko makes a
        # dummy signature first to measure it, which costs 40% more.
        bytes_reserved=_reserve(key.certificate_pem),
    )
    return _run(signing).getvalue()


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutine to the end, also where this thread already runs an
    event loop (an async view, a browser test): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class SignatureCheck:
    """What the signature of an uploaded PDF says."""

    #: The file carries a signature at all.
    signed: bool
    #: The signed bytes are unchanged and the signature is ours (a published key).
    valid: bool = False
    #: Bytes were added after the signed revision (an edit, another signature).
    changed_after_signing: bool = False
    #: The ``kid`` of the key that signed, when it is one of ours.
    kid: str = ""
    #: SHA-256 of the bytes as they were signed (the file we issued, if ours).
    signed_sha256: str = ""


def check_pdf_signature(data: bytes, published_pems: list[str]) -> SignatureCheck:
    """Validate the first signature of ``data`` against the issuer's published
    certificates (``published_pems``), offline, in a child process with the time
    and memory ``LMS_PDF_CHECK_SECONDS`` and ``LMS_PDF_CHECK_MEMORY_BYTES`` allow
    (:mod:`certificates.untrusted_pdf`). Raises ``ValueError``
    (:class:`~certificates.untrusted_pdf.UnreadablePdf`) for a file that cannot be
    read as a PDF within them."""
    read = read_in_child(
        data,
        published_pems,
        Limits(
            seconds=lms_setting("LMS_PDF_CHECK_SECONDS"),
            memory_bytes=lms_setting("LMS_PDF_CHECK_MEMORY_BYTES"),
        ),
    )
    if not read["signed"]:
        return SignatureCheck(signed=False)
    signer, signed_end = read["signer"], read["signed_end"]
    return SignatureCheck(
        signed=True,
        valid=read["valid"],
        changed_after_signing=signed_end is not None
        and bool(data[signed_end:].strip()),
        kid=kid_of(published_pems[signer]) if signer is not None else "",
        signed_sha256=(
            hashlib.sha256(data[:signed_end]).hexdigest()
            if signed_end is not None
            else ""
        ),
    )
