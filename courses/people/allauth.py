"""Teachers' own accounts with django-allauth (optional): a sign-up form asking for
the names a certificate prints, an adapter that closes sign-up when
``LMS_SELF_REGISTRATION`` is off, and the themed account pages in
``templates/account/``. A site using allauth points ``ACCOUNT_ADAPTER`` and
``ACCOUNT_SIGNUP_FORM_CLASS`` here (docs/install.md)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from django import forms
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from courses.client_address import client_address
from courses.conf import lms_setting
from courses.people.accounts import confirm_email
from courses.people.models import LearnerProfile
from courses.people.municipalities import CHOICES_IN_ORDER
from courses.people.names import clean_name
from courses.site import base_url


class SignupForm(forms.Form):
    """The names a teacher's certificate will print; allauth adds e-mail and
    password."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        help_text=_("As it should appear on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    municipality = forms.ChoiceField(
        label=_("Municipality of your school"),
        choices=[("", _("Not given")), *CHOICES_IN_ORDER],
        required=False,
        help_text=_("Optional. Used only for the programme's figures by municipality."),
    )

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"])

    def signup(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        # allauth has already copied first_name and last_name onto the user.
        if self.cleaned_data.get("municipality"):
            LearnerProfile.objects.update_or_create(
                user=user,
                defaults={"municipality": self.cleaned_data["municipality"]},
            )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Closed when ``LMS_SELF_REGISTRATION`` is false (accounts come from CSV
        imports or single sign-on)."""
        return lms_setting("LMS_SELF_REGISTRATION")

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's limits on sign-ups and password resets count:
        the one every other limit counts, behind proxies too."""
        return client_address(request) or super().get_client_ip(request)

    def respond_email_verification_sent(
        self, request: HttpRequest, user: AbstractBaseUser | None
    ) -> HttpResponseBase:
        """The answer "check your e-mail" to a sign-up, which takes as long
        whether or not the address has an account.

        Without a user, nobody was signed up: the address has an account (with
        ``ACCOUNT_PREVENT_ENUMERATION`` allauth mails its owner and answers as
        for a new one) or a bot filled in the honeypot. Hashing a new account's
        password is most of a sign-up's time (0.58 s of it, against 0.02 s for
        the whole known-address answer, in ``bench/signup_timing.py``), so the
        submitted password is hashed here too, with the same hasher, and thrown
        away; otherwise the time of the answer would tell who has an account.
        What is left is the new account's rows (about 4 %).
        """
        if user is None:
            make_password(request.POST.get("password1", ""))
        return super().respond_email_verification_sent(request, user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every link in allauth's e-mails (``activate_url``, ``password_reset_url``,
        ``signup_url``) at the site's one address, as the plugin's own e-mails.

        allauth builds them from the host the request came by; this is the one
        hook all its e-mails pass through.
        """
        context = {
            name: _at_site_address(value)
            if name.endswith("_url") and isinstance(value, str) and value
            else value
            for name, value in context.items()
        }
        super().send_mail(template_prefix, email, context)


def _at_site_address(url: str) -> str:
    """``url``'s path, query and fragment under :func:`courses.site.base_url`."""
    parts = urlsplit(url)
    return base_url() + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@receiver(password_reset)
def reset_link_proves_the_address(
    sender, request: HttpRequest, user: AbstractBaseUser, **kwargs
) -> None:
    """Choosing a password from an e-mailed link proves the address, so a learner
    enrolled from a CSV file is not asked to confirm it again; and it is the way
    back for an account locked out by wrong passwords."""
    confirm_email(user)
    if apps.is_installed("axes"):
        from axes.utils import reset as reset_attempts

        reset_attempts(username=user.get_username())
