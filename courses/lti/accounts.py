"""Who a launch's user is here: one account per platform user."""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from courses.lti.models import LtiIdentity, LtiRegistration


def _username(issuer: str, subject: str) -> str:
    """Stable and private: the platform's ids are not shown as a name."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"lti-{digest}"


def trusted_account(issuer: str, email: str) -> AbstractBaseUser | None:
    """The existing account a trusted platform's address signs in to, or None.

    Only when exactly one account has the address (as its e-mail or among its
    allauth addresses) and has confirmed it (allauth ``EmailAddress`` verified,
    primary or not): without allauth nothing records a confirmation, so nothing
    is linked. Never an account that may enter the admin (a superuser, or
    anyone given admin access): a platform's word about an address must not
    hand out staff rights here. Never an inactive account, nor one another user
    of the same platform already signs in to."""
    if not email or not apps.is_installed("allauth.account"):
        return None
    from allauth.account.models import EmailAddress

    user_model = get_user_model()
    holders = set(
        user_model._default_manager.filter(
            **{f"{user_model.get_email_field_name()}__iexact": email}
        ).values_list("pk", flat=True)
    ) | set(
        EmailAddress.objects.filter(email__iexact=email).values_list(
            "user_id", flat=True
        )
    )
    if len(holders) != 1:
        return None
    (pk,) = holders
    if not EmailAddress.objects.filter(
        user_id=pk, email__iexact=email, verified=True
    ).exists():
        return None
    user = user_model._default_manager.get(pk=pk)
    if (
        not user.is_active
        or user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        or LtiIdentity.objects.filter(user=user, issuer=issuer).exists()
    ):
        return None
    return user


def _known(claims: dict[str, Any]) -> LtiIdentity | None:
    return (
        LtiIdentity.objects.select_related("user")
        .filter(issuer=claims["iss"], subject=claims["sub"])
        .first()
    )


def account_for_launch(
    registration: LtiRegistration, claims: dict[str, Any]
) -> AbstractBaseUser:
    """The account of the launch's platform user (:func:`identity_for_launch`)."""
    return identity_for_launch(registration, claims).user


def identity_for_launch(
    registration: LtiRegistration, claims: dict[str, Any]
) -> LtiIdentity:
    """:func:`first_identity` once per platform user: two first launches at the
    same moment (a double click) meet on the identity's unique key, and the
    second signs in to the account the first made."""
    try:
        with transaction.atomic():
            return first_identity(registration, claims)
    except IntegrityError:
        identity = _known(claims)
        if identity is None:
            raise
        return identity


def first_identity(
    registration: LtiRegistration, claims: dict[str, Any]
) -> LtiIdentity:
    """The launch's (issuer, ``sub``) and its account. On the first launch: the
    existing account with the address, when the registration trusts the
    platform's e-mails (:func:`trusted_account`); otherwise a new account from
    the name and e-mail the platform shares, with no usable password.

    A new account does not copy an address another account already has: two
    accounts with one address would make it ambiguous whose it is."""
    identity = _known(claims)
    if identity is not None:
        return identity
    issuer, subject = claims["iss"], claims["sub"]
    user_model = get_user_model()
    email = (claims.get("email") or "").strip()
    user = trusted_account(issuer, email) if registration.trust_emails else None
    if user is None:
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
    return LtiIdentity.objects.create(
        issuer=issuer, subject=subject, user=user, registration=registration
    )
