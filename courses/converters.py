"""URL parameters: ``<id:...>`` is a database id, ``<token:...>`` a secret key."""

from __future__ import annotations

from django.urls import register_converter

#: The largest key a 64-bit column holds.
MAX_ID = 2**63 - 1


class IdConverter:
    """Digits only, at most 18 of them: a number the database could hold. A
    longer one cannot name anything, so the URL does not match (404) instead of
    failing in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


class TokenConverter:
    """A secret made by ``secrets.token_urlsafe``: URL-safe base64 letters,
    digits, ``-`` and ``_``, at most 64. Anything else (a NUL byte, which
    PostgreSQL refuses in a query) cannot be one, and the URL does not match."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")


def as_id(value: str | None) -> int | None:
    """``value`` as a database id if it can be one (ASCII digits, within
    range), else None: for ids in query strings and posted forms."""
    if value and len(value) <= 18 and value.isascii() and value.isdigit():
        number = int(value)
        return number or None
    return None
