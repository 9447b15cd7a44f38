"""Making, finding and revoking staff's personal API tokens.

The token itself is Wagtail's (:class:`wagtail.models.APIToken`): a random
secret shown once, of which only an HMAC digest is stored, revocable, with the
time it was last used. What it may do here (read or write, until when) is its
:class:`~courses.api_tokens.models.ApiTokenAccess`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from wagtail.models import APIToken

from courses.api_tokens.models import ApiTokenAccess
from courses.permissions import editable_courses

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def create_token(
    owner: AbstractBaseUser, name: str, scope: str, expires_at: datetime
) -> tuple[APIToken, str]:
    """A new token of ``owner`` and its secret, which is not stored anywhere."""
    with transaction.atomic():
        token, secret = APIToken.create_token(user=owner, name=name.strip())
        ApiTokenAccess.objects.create(token=token, scope=scope, expires_at=expires_at)
    return token, secret


def find_token(secret: str) -> APIToken | None:
    """The token of ``secret`` (usable or not), with its owner and access; one
    query, none for a string that cannot be a token."""
    if not APIToken.validate_token_format(secret):
        return None
    return (
        APIToken.objects.select_related("user", "lms_access")
        .filter(key_hash__in=APIToken.candidate_key_hashes(secret))
        .first()
    )


def may_have_tokens(user: AbstractBaseUser) -> bool:
    """Staff of some course (or a superuser): the API's staff operations are
    theirs, so they may make tokens for them."""
    return user.is_authenticated and (
        user.is_superuser or editable_courses(user).exists()
    )


def tokens_seen_by(user: AbstractBaseUser) -> QuerySet[APIToken]:
    """A superuser sees everyone's tokens (to revoke a leaked one); others their own."""
    tokens = APIToken.objects.select_related("user", "lms_access").order_by(
        "-created", "-pk"
    )
    return tokens if user.is_superuser else tokens.filter(user=user)
