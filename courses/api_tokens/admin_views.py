"""Staff's API tokens in the admin (Settings → API tokens): make one (its
secret shown once), list them and revoke one. A superuser sees and revokes
everyone's, so that a leaked token can be stopped."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.menu import MenuItem

from courses.api_tokens.models import ApiToken
from courses.api_tokens.tokens import (
    create_token,
    may_have_tokens,
    revoke_token,
    tokens_seen_by,
)

#: How long a new token may work, in days.
LIFETIMES = [30, 90, 180, 365]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “University registry”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "A read-only token can list and export; only a token that may write "
            "can enrol, withdraw and issue."
        ),
    )
    days = forms.TypedChoiceField(label=_("Works for"), coerce=int, initial=90)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Worded per request, in the language of the person asking.
        self.fields["days"].choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in LIFETIMES
        ]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


class TokensMenuItem(MenuItem):
    """Shown to those who may make tokens."""

    def is_shown(self, request: HttpRequest) -> bool:
        return may_have_tokens(request.user)


def _require_token_staff(request: HttpRequest) -> None:
    if not may_have_tokens(request.user):
        raise PermissionDenied


def token_list(request: HttpRequest) -> HttpResponse:
    _require_token_staff(request)
    return TemplateResponse(
        request,
        "courses/api_tokens/index.html",
        {
            "tokens": tokens_seen_by(request.user),
            "show_owner": request.user.is_superuser,
            "now": timezone.now(),
        },
    )


def token_create(request: HttpRequest) -> HttpResponse:
    """The form; once posted, the page that shows the secret, once: it is not
    stored, so this answer must not be cached either."""
    _require_token_staff(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        token, secret = create_token(
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
            timezone.now() + timedelta(days=form.cleaned_data["days"]),
        )
        response = TemplateResponse(
            request,
            "courses/api_tokens/created.html",
            {"token": token, "secret": secret},
        )
        add_never_cache_headers(response)
        return response
    return TemplateResponse(
        request,
        "courses/api_tokens/form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """A confirmation page; posting it stops the token at once."""
    _require_token_staff(request)
    token = get_object_or_404(tokens_seen_by(request.user), pk=token_id)
    if request.method == "POST":
        revoke_token(token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("courses_api_tokens")
    return TemplateResponse(request, "courses/api_tokens/revoke.html", {"token": token})
