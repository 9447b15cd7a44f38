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
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from certificates.signing.keys import IssuerKey, kid_of

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
    certificates (``published_pems``), offline. Raises ``ValueError`` for a file
    that cannot be read as a PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise ValueError(str(error)) from error
    if not signatures:
        return SignatureCheck(signed=False)
    signature = signatures[0]
    # Each published certificate parsed once: the trust roots, and by its DER
    # the pem whose kid names the signer.
    published = [
        (cert, pem)
        for pem in published_pems
        for cert in load_certs_from_pemder_data(pem.encode())
    ]
    roots = [cert for cert, _pem in published]
    pem_of = {cert.dump(): pem for cert, pem in published}
    try:
        status = _run(
            async_validate_pdf_signature(
                signature,
                ValidationContext(trust_roots=roots, allow_fetching=False),
                skip_diff=True,
            )
        )
        valid = bool(status.intact and status.valid and status.trusted)
    except (PdfError, ValueError):
        valid = False
    _start, _first_length, second_start, second_length = (
        int(value) for value in signature.byte_range
    )
    signed_end = second_start + second_length
    signed_bytes = data[:signed_end]
    signer_pem = pem_of.get(signature.signer_cert.dump()) if valid else None
    kid = kid_of(signer_pem) if signer_pem else ""
    return SignatureCheck(
        signed=True,
        valid=valid,
        changed_after_signing=bool(data[signed_end:].strip()),
        kid=kid,
        signed_sha256=hashlib.sha256(signed_bytes).hexdigest(),
    )
