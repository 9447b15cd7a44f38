"""The issuer's key pair as two PEM files in a directory, as the demo host reads
them (``SIGNING_DIR``): created once, and replaced by a rotation that keeps the
old public certificate published."""

from __future__ import annotations

import os
from pathlib import Path

from certificates.signing.keys import generate_pair, kid_of, load_pair, publish

KEY_FILE = "issuer-key.pem"
CERTIFICATE_FILE = "issuer-certificate.pem"


def _write(directory: Path, key_pem: bytes, certificate_pem: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / KEY_FILE
    # The private key is readable by its owner only.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key_pem)
    (directory / CERTIFICATE_FILE).write_bytes(certificate_pem)


def existing_pair(directory: Path) -> tuple[bytes, bytes] | None:
    key_path, certificate_path = directory / KEY_FILE, directory / CERTIFICATE_FILE
    if key_path.is_file() and certificate_path.is_file():
        return key_path.read_bytes(), certificate_path.read_bytes()
    return None


def create(directory: Path, name: str, organisation: str) -> str:
    """Write a new self-signed pair into ``directory``; returns its ``kid``."""
    key_pem, certificate_pem = generate_pair(name, organisation)
    _write(directory, key_pem, certificate_pem)
    return kid_of(certificate_pem)


def rotate(directory: Path, name: str, organisation: str) -> tuple[str, str]:
    """Replace the pair in ``directory`` by a new one. The old public certificate
    is published (and kept in ``retired/``) so that what it signed stays
    verifiable; the old private key is removed. Returns (old kid, new kid)."""
    old = existing_pair(directory)
    if old is None:
        raise FileNotFoundError(directory / KEY_FILE)
    old_key = load_pair(*old)
    old_kid = publish(old_key)
    retired = directory / "retired"
    retired.mkdir(exist_ok=True)
    (retired / f"{old_kid}.pem").write_bytes(old[1])
    new_kid = create(directory, name, organisation)
    publish(load_pair(*existing_pair(directory)))
    return old_kid, new_kid
