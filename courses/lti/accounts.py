"""Who a launch's user is here: one account per platform user."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from courses.lti.models import LtiIdentity, LtiRegistration


def _username(issuer: str, subject: str) -> str:
    """Stable and private: the platform's ids are not shown as a name."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"lti-{digest}"


@transaction.atomic
def account_for_launch(
    registration: LtiRegistration, claims: dict[str, Any]
) -> AbstractBaseUser:
    """The account of the launch's (issuer, ``sub``), created on the first launch
    from the name and e-mail the platform shares, with no usable password.

    An address another account already has is not copied: linking to an existing
    account is only for registrations whose e-mails are trusted (docs/lti.md)."""
    issuer, subject = claims["iss"], claims["sub"]
    identity = (
        LtiIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        return identity.user
    user_model = get_user_model()
    email = (claims.get("email") or "").strip()
    if email and user_model.objects.filter(email__iexact=email).exists():
        email = ""
    user = user_model.objects.create_user(
        username=_username(issuer, subject),
        email=email,
        first_name=(claims.get("given_name") or "")[:150],
        last_name=(claims.get("family_name") or "")[:150],
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    LtiIdentity.objects.create(
        issuer=issuer, subject=subject, user=user, registration=registration
    )
    return user
