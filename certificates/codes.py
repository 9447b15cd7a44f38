"""Certificate numbers and verification codes. Verification codes: random, at least 80 bits, easy to read out and type.

Twenty characters of Crockford's base32 (100 bits), printed in groups of five.
Crockford's alphabet leaves out I, L, O and U, so a code read aloud or typed from
paper is forgiving: O is read as zero, I and L as one.
"""

from __future__ import annotations

import re
import secrets

#: What a certificate number as printed can be (``DU-2026-000123``): anything
#: else is not looked up (PostgreSQL refuses a NUL byte, for one).
SERIAL = re.compile(r"[A-Za-z0-9-]{1,40}")

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
GROUP = 5
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A typed code in its stored form: capitals, no spaces or dashes, O→0, I/L→1."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    return cleaned.translate(_CONFUSABLES)


def is_code(text: str) -> bool:
    """Whether ``text`` (normalised) could be a code at all: letters of the
    alphabet only, and not longer than a code. Anything else is answered "no such
    certificate" without looking."""
    return 0 < len(text) <= CODE_LENGTH and all(ch in ALPHABET for ch in text)


def format_code(code: str) -> str:
    """``XXXXX-XXXXX-XXXXX-XXXXX``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
