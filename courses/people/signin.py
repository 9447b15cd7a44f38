"""Repeated wrong passwords, on the site's sign-in page and the admin's alike,
are stopped by django-axes: it counts failures per account and per address and
locks both out for a while (settings in docs/install.md).

The site signs in by e-mail and the admin by username; an attempt is counted for
the account either names, so both forms share one count.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address, get_cool_off
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from courses.people.accounts import password_reset_path


def account_name(request: HttpRequest, credentials: dict | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the username of the account a sign-in attempt
    is for, or what was typed when no account matches."""
    credentials = credentials or {}
    data = getattr(request, "POST", {})
    typed = (
        credentials.get("username")
        or credentials.get("email")
        or data.get("login")
        or data.get("username")
        or ""
    ).strip()
    if not typed:
        return ""
    users = get_user_model()._default_manager
    field = get_user_model().USERNAME_FIELD
    user = (
        users.filter(**{f"{field}__iexact": typed}).first()
        or users.filter(email__iexact=typed).first()
    )
    return user.get_username() if user else typed.lower()


def client_address(request: HttpRequest) -> str:
    """The client's address as django-axes sees it (``RATELIMIT_IP_META_KEY``), so
    that every limit counts the same addresses."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def locked_out(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page a locked-out sign-in gets, saying how
    long to wait and offering a new password instead (HTTP 429)."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    # Rendered here: the middleware hands this back after templates are rendered.
    return render(
        request,
        "account/locked_out.html",
        {"minutes": minutes, "reset_url": password_reset_path()},
        status=429,
    )
