"""Our tool's RSA key: it signs what we send platforms (the client-credentials
assertion of the grade and roster services, deep-linking responses), and its
public half is published at ``/lti/jwks/`` under its ``kid``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from joserfc.jwk import RSAKey

from courses.conf import lms_setting
from courses.lti.models import LtiToolKey


@dataclass(frozen=True)
class ToolKey:
    """The private key PEM (what pylti1p3 signs with) and its public JWK."""

    private_pem: str
    public_jwk: dict[str, Any]

    @property
    def kid(self) -> str:
        return self.public_jwk["kid"]


@lru_cache(maxsize=4)
def _load(private_pem: str) -> ToolKey:
    """``ValueError`` unless the PEM is an RSA private key: LTI 1.3 signs RS256."""
    key = RSAKey.import_key(private_pem)
    if not key.is_private:
        raise ValueError("LMS_LTI_TOOL_KEY must be an RSA private key.")
    public = key.as_dict(private=False)
    # RFC 7638 thumbprint: the same key always has the same id, wherever it runs.
    public.update(kid=key.thumbprint(), alg="RS256", use="sig")
    return ToolKey(private_pem, public)


def current_tool_key() -> ToolKey | None:
    """The key the settings name (recorded as published), or None."""
    private_pem = lms_setting("LMS_LTI_TOOL_KEY")
    if not private_pem:
        return None
    if isinstance(private_pem, bytes):
        private_pem = private_pem.decode()
    key = _load(private_pem)
    LtiToolKey.objects.get_or_create(
        kid=key.kid, defaults={"public_jwk": key.public_jwk}
    )
    return key


def public_jwks() -> dict[str, list[dict[str, Any]]]:
    """Every published public key: the current one and those not yet retired."""
    current = current_tool_key()
    keys = [
        key.public_jwk
        for key in LtiToolKey.objects.filter(is_active=True)
        if current is None or key.kid != current.kid
    ]
    if current is not None:
        keys.insert(0, current.public_jwk)
    return {"keys": keys}
