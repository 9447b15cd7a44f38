"""Calls our tool makes to a platform's services (grades, roster): each needs a
bearer token from the platform's token URL, asked for with a JWT signed by the
tool key (the LTI Security Framework's client-credentials grant)."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
from django.core.cache import cache

from courses.lti.keys import current_tool_key
from courses.lti.models import LtiRegistration

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
MEMBERSHIP_SCOPE = (
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: How long our client-credentials assertion is valid: the token request is
#: made right away, so minutes are plenty.
ASSERTION_SECONDS = 5 * 60


def _token_cache_key(registration: LtiRegistration, scope: str) -> str:
    return f"lti:token:{registration.pk}:{scope}"


def access_token(
    client: httpx.Client, registration: LtiRegistration, scope: str = SCORE_SCOPE
) -> str:
    """A bearer token for ``scope`` (space-separated scopes), from the platform's
    token URL (LTI Security Framework: client credentials with a JWT assertion
    signed by the tool key), cached until shortly before it expires."""
    cache_key = _token_cache_key(registration, scope)
    token = cache.get(cache_key)
    if token:
        return token
    key = current_tool_key()
    if key is None:
        raise RuntimeError("LMS_LTI_TOOL_KEY is not set.")
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.auth_token_url,
            "iat": now,
            "exp": now + ASSERTION_SECONDS,
            "jti": uuid.uuid4().hex,
        },
        key.private_pem,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    response = client.post(
        registration.auth_token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        },
    )
    response.raise_for_status()
    body = response.json()
    token = body["access_token"]
    lifetime = int(body.get("expires_in") or 3600)
    cache.set(cache_key, token, max(lifetime - 60, 1))
    return token


def forget_token(registration: LtiRegistration, scope: str) -> None:
    """Drop a token the platform refused (revoked early): the next call asks
    for a new one."""
    cache.delete(_token_cache_key(registration, scope))
