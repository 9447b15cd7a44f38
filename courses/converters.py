"""URL parameters: ``<id:...>`` is a database id."""

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


def as_id(value: str | None) -> int | None:
    """``value`` as a database id if it can be one (ASCII digits, within
    range), else None: for ids in query strings and posted forms."""
    if value and len(value) <= 18 and value.isascii() and value.isdigit():
        number = int(value)
        return number or None
    return None
