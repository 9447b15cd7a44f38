"""What a teacher types and receives on the account pages, as the tests use it:
the sign-up form's data and the links in the site's e-mails."""

from __future__ import annotations

import re

from django.test import Client

from courses.site import base_url

PASSWORD = "Daugavpils-skola-2026"
SIGNUP = {
    "first_name": "Jolanta",
    "last_name": "Ūzuliņa",
    "email": "jolanta.uzulina@skola.lv",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def sign_up(client: Client, lang: str = "lv", **data) -> object:
    return client.post(f"/{lang}/accounts/signup/", {**SIGNUP, **data})


def link_path(message, pattern: str) -> str:
    """The path of the e-mail's link matching ``pattern``, which must be at the
    site's address."""
    match = re.search(re.escape(base_url()) + f"({pattern})", message.body)
    assert match, message.body
    return match.group(1)


def confirmation_link(message) -> str:
    return link_path(message, r"/\S+/accounts/confirm-email/\S+/")
