"""How a delivery is signed: Stripe's scheme, which receivers' libraries know.

``X-LMS-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
The time inside the signed text lets a receiver refuse an old delivery replayed;
docs/integrations.md shows a receiver checking it."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-LMS-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-LMS-Signature`` value of ``body`` sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
