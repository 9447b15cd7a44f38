"""Making, finding and revoking staff's personal API tokens.

The secret is 256 random bits from :mod:`secrets`; the database keeps only its
SHA-256 digest (a fast hash is enough for a random secret this long: there is
nothing to guess from), so a copy of the database gives nobody access.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from courses.api_tokens.models import ApiToken
from courses.permissions import MANAGE_API_TOKENS, holds

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

#: Tells a leaked secret apart in logs and secret scanners.
SECRET_START = "lms_"
#: What :func:`create_token` makes: the start and 43 URL-safe characters.
SECRET_FORMAT = re.compile(r"lms_[A-Za-z0-9_-]{43}")
PREFIX_LENGTH = len(SECRET_START) + 6


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    owner: AbstractBaseUser, name: str, scope: str, expires_at: datetime
) -> tuple[ApiToken, str]:
    """A new token of ``owner`` and its secret, which is not stored anywhere."""
    secret = SECRET_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip(),
        scope=scope,
        expires_at=expires_at,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest(secret),
    )
    return token, secret


def find_token(secret: str) -> ApiToken | None:
    """The token of ``secret`` (usable or not), with its owner; one query, none
    for a string that cannot be a token."""
    if not SECRET_FORMAT.fullmatch(secret):
        return None
    return (
        ApiToken.objects.select_related("owner").filter(digest=digest(secret)).first()
    )


def revoke_token(token: ApiToken) -> ApiToken:
    """Stop ``token`` working at once; its log stays."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def may_have_tokens(user: AbstractBaseUser) -> bool:
    """Those who may make personal API tokens (the programme's administrators)."""
    return holds(user, MANAGE_API_TOKENS)


def tokens_seen_by(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """A superuser sees everyone's tokens (to revoke a leaked one); others their own."""
    tokens = ApiToken.objects.select_related("owner")
    return tokens if user.is_superuser else tokens.filter(owner=user)
