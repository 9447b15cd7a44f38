"""What courses needs of the host site's accounts: links into its account pages
for the e-mails courses sends, and confirming an address it knows to be good.

The host site owns its accounts. With django-allauth installed, its password
pages are used (and choosing a password from the e-mailed link confirms the
address); otherwise Django's own ``password_reset_confirm`` and ``password_reset``
URL names, which ``django.contrib.auth.urls`` provides.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from courses.conf import lms_setting


def _allauth() -> bool:
    return apps.is_installed("allauth.account")


def set_password_path(user: AbstractBaseUser) -> str:
    """A one-time link for ``user`` to choose a password, valid for
    ``PASSWORD_RESET_TIMEOUT``."""
    if _allauth():
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        return reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    from django.contrib.auth.tokens import default_token_generator

    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def password_reset_path() -> str:
    """Where a learner asks for a new password link."""
    return reverse("account_reset_password" if _allauth() else "password_reset")


def login_path() -> str:
    return resolve_url(settings.LOGIN_URL)


def _path_or_empty(*names: str) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def logout_path() -> str:
    """Where the sign-out form posts: allauth's, else Django's ``logout``."""
    return _path_or_empty("account_logout", "logout")


def signup_path() -> str:
    """The sign-up page, when the site has one and ``LMS_SELF_REGISTRATION`` is
    on; else ``""``."""
    if not lms_setting("LMS_SELF_REGISTRATION"):
        return ""
    return _path_or_empty("account_signup")


def confirm_email(user: AbstractBaseUser) -> None:
    """Record ``user``'s e-mail address as confirmed (with allauth; otherwise
    there is nothing to record), e.g. for demo accounts or after the learner chose
    a password from an e-mailed link."""
    if not _allauth() or not user.email:
        return
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=user.email.lower(),
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def email_confirmed(user: AbstractBaseUser) -> bool:
    """Whether ``user`` has confirmed an e-mail address (always, without allauth,
    or with ``LMS_REQUIRE_CONFIRMED_EMAIL`` off: the host site then vouches for
    its accounts)."""
    if not _allauth() or not lms_setting("LMS_REQUIRE_CONFIRMED_EMAIL"):
        return True
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def the_person_with_email(email: str) -> AbstractBaseUser:
    """The one account with this e-mail address, in any letter case, for a
    data-protection command. Raises ``LookupError`` with a message to show when
    there is none or more than one: acting on one of several would hand a
    person someone else's data."""
    User = get_user_model()
    people = list(
        User._default_manager.filter(
            **{f"{User.get_email_field_name()}__iexact": email.strip()}
        )[:2]
    )
    if not people:
        raise LookupError(
            _("There is no account with the e-mail address %(email)s.")
            % {"email": email}
        )
    if len(people) > 1:
        raise LookupError(
            _("More than one account has the e-mail address %(email)s.")
            % {"email": email}
        )
    return people[0]
