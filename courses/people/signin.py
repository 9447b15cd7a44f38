"""Repeated wrong passwords, on the site's sign-in page and the admin's alike,
are stopped by django-axes: it counts failures per account and per client address
and locks either out for a while (settings in docs/install.md).

The site signs in by e-mail and the admin by username; an attempt is counted for
the account either names, so both forms share one count.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from courses.conf import lms_setting
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


class SignInAttempts(AxesDatabaseHandler):
    """``AXES_HANDLER``: axes' database handler with two changes.

    An address has a limit of its own, ``LMS_ADDRESS_FAILURE_LIMIT`` (100), far
    above an account's ``AXES_FAILURE_LIMIT`` (10). Thirty teachers of one school
    share its one address, and each may mistype; an address that tries many
    accounts (one common password against each) is stopped at 100 all the same,
    while no account takes more than 10 guesses, from however many addresses.

    A right password clears what the account got wrong *from this address* (the
    owner's own typos) and nothing else. axes' own reset clears everything the
    address got wrong, for every account, so a guesser who knows any one password
    could sign in with it between guesses and never be stopped; and it clears the
    account's failures from everywhere, so the owner's sign-in would hand a
    guesser elsewhere ten more.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The nearest the attempt is to a lock, in the account limit's units: the
        address's count is scaled so that ``LMS_ADDRESS_FAILURE_LIMIT`` failures
        reach ``AXES_FAILURE_LIMIT``, which axes compares every count with."""
        limit = get_failure_limit(request, credentials)
        address_limit = lms_setting("LMS_ADDRESS_FAILURE_LIMIT")
        counts = [0]
        for parameter, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = (
                attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            )
            if parameter == "ip_address":
                failures = failures * limit // address_limit
            counts.append(failures)
        return max(counts)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a right password: forget the account's failures from this
        address only."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


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
