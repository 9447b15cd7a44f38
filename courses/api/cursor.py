"""Cursor pagination for the API's long lists: a page is the records after the
last one the client saw, by id, so records added meanwhile neither repeat nor
shift a page as offsets would."""

from __future__ import annotations

import base64
import binascii

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from courses.converters import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor of :func:`encode_cursor` stands for; a 400 for any other."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        label, _sep, number = text.partition(":")
        pk = int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pk = -1
        label = ""
    if label != "after" or not 0 <= pk <= MAX_ID:
        raise HttpError(400, _("This cursor is not valid; start from the first page."))
    return pk


def page_after(
    records: QuerySet, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of ``records`` in id order and the cursor of the next, if any
    (one query: a record more than the page is read to know)."""
    if cursor:
        records = records.filter(pk__gt=decode_cursor(cursor))
    items = list(records.order_by("pk")[: limit + 1])
    if len(items) > limit:
        return items[:limit], encode_cursor(items[limit - 1].pk)
    return items, None
