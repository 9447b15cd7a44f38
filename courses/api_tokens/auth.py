"""The staff operations' authentication: a personal token (``Authorization:
Bearer …``) or the browser's session, both only for course staff.

A token needs no CSRF check: it is sent by the client on purpose, never by a
browser on its own as a cookie is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from courses.api.auth import BrowserSessionAuth
from courses.api_tokens.models import ApiToken
from courses.api_tokens.tokens import find_token
from courses.permissions import is_staff_member

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

#: How precisely a token's ``last_used_at`` is kept.
LAST_USED_EVERY = timedelta(minutes=1)
#: Methods that change nothing, which a read-only token may use.
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """A personal API token; the request then acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = find_token(token.strip())
        if found is None:
            raise HttpError(401, _("This API token is not valid."))
        # Set before any refusal, so that the refused request is logged too.
        request.api_token = found
        if found.revoked_at is not None:
            raise HttpError(401, _("This API token was revoked."))
        if found.is_expired:
            raise HttpError(401, _("This API token has expired."))
        if not found.owner.is_active:
            raise HttpError(401, _("The owner of this API token cannot sign in."))
        if request.method not in READ_METHODS and not found.may_write:
            raise HttpError(
                403, _("This API token may only read; make a token that may write.")
            )
        require_staff(found.owner)
        _touch(found)
        request.user = found.owner
        return found.owner


class StaffSessionAuth(BrowserSessionAuth):
    """The browser's session, for course staff."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            require_staff(user)
        return user


def _touch(token: ApiToken) -> None:
    # At most once a minute: a busy integration need not write the token's row
    # on every request.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def require_staff(user: AbstractBaseUser) -> None:
    # Each operation then asks for its own capability; a token acts with its
    # owner's rights and no more.
    if not is_staff_member(user):
        raise HttpError(403, _("Only course staff may use this operation."))


#: Every staff operation accepts either; the schema lists both.
STAFF_AUTH = [TokenAuth(), StaffSessionAuth()]
