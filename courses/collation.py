"""Latvian alphabetical order (CLDR's Latvian collation), in Python and in the
database alike: č ģ ķ ļ ņ š ž are letters of their own, after c g k l n s z;
ā ē ī ū sort with a e i u, and only break a tie after them ("Ābele" after
"Abele", before "Abels"); y sorts as i. Python's own ``sorted`` puts every letter
with a diacritic after z ("Ādaži" last), and a database's order depends on its
locale, so lists a person reads are sorted in Latvian order in both languages of
the site: the names in them are Latvian, and an English reader finds "Ābele"
under A too. (English readers lose nothing: CLDR's English order differs only
in placing č š ž among c s z.)

Short lists built in Python are sorted with :func:`latvian_key`. Lists the
database pages through (reports, admin listings) are ordered by the database
with :class:`Latvian`: PostgreSQL with its ICU collation for Latvian
(:data:`COLLATION`), SQLite with a collation of the same name that
:func:`register_sqlite_collation` gives each connection, which compares by
:func:`latvian_key`; the tests compare the two on PostgreSQL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from django.db.models import F, OrderBy
from django.db.models.functions import Collate

T = TypeVar("T")

#: The Latvian alphabet, with the foreign letters q w x where Latin puts them.
ALPHABET = "abcčdefgģhijkķlļmnņopqrsštuvwxzž"
_RANK = {letter: index + 1 for index, letter in enumerate(ALPHABET)}
#: Letters that sort as another at first and only break a tie after it (CLDR:
#: the long vowels, the old orthography's ō and ŗ, and y as a kind of i).
VARIANTS = {"ā": "a", "ē": "e", "ī": "i", "ū": "u", "ō": "o", "ŗ": "r", "y": "i"}
# A tie between variants: a plain letter, then one with another language's
# accent (é, ö), then a long one (ā), then y; as ICU orders them.
_LONG, _Y = 0x10000, 0x10001

#: PostgreSQL's ICU collation for Latvian; SQLite connections get one of the
#: same name from :func:`register_sqlite_collation`.
COLLATION = "lv-x-icu"
COLLATING_VENDORS = frozenset({"postgresql", "sqlite"})


def _weights(char: str) -> tuple[tuple[int, int], int]:
    """(primary, secondary) weight of a lowercase character."""
    if char in VARIANTS:
        return (1, _RANK[VARIANTS[char]]), (_Y if char == "y" else _LONG)
    if char in _RANK:
        return (1, _RANK[char]), 0
    if char.isalpha():
        # Another language's letter (ö, é): as its base letter, then its accent.
        base, *marks = unicodedata.normalize("NFD", char)
        if base in _RANK:
            return (1, _RANK[base]), ord(marks[0]) if marks else 0
        return (2, ord(char)), 0
    # Spaces, digits and punctuation before letters, in code point order.
    return (0, ord(char)), 0


def latvian_key(text: str) -> str:
    """A sort key that puts ``text`` in Latvian alphabetical order: letters
    first, then accents, then lower case before upper, as ICU compares.

    One string rather than a tuple of tuples, because SQLite's collation
    compares keys once per pair of rows and strings compare many times faster:
    each letter's (group, rank) as two characters, then the accents, the cases
    and the text itself, each part ended by a NUL so a shorter part sorts first.
    """
    text = unicodedata.normalize("NFC", text)
    weights = [_weights(char) for char in text.casefold()]
    primary = "".join(
        chr(group + 1) + chr(rank) for (group, rank), _secondary in weights
    )
    secondary = "".join(chr(accent + 1) for _primary, accent in weights)
    tertiary = "".join(chr(1 + char.isupper()) for char in text)
    return "\0".join((primary, secondary, tertiary, text))


def sorted_latvian(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """``items`` in Latvian order of ``key(item)``."""
    return sorted(items, key=lambda item: latvian_key(key(item)))


class Latvian(Collate):
    """A text column or expression compared in Latvian order by the database.

    On a database that cannot (neither PostgreSQL nor SQLite) it is compared as
    the database compares it.
    """

    def __init__(self, expression: Any) -> None:
        super().__init__(
            F(expression) if isinstance(expression, str) else expression, COLLATION
        )

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in COLLATING_VENDORS:
            return compiler.compile(self.get_source_expressions()[0])
        return super().as_sql(compiler, connection, **extra_context)


def in_latvian_order(*fields: str) -> list[OrderBy]:
    """``order_by()`` arguments that sort by the text ``fields`` in Latvian
    order; a field named with a leading "-" descending."""
    return [
        Latvian(field.removeprefix("-")).desc()
        if field.startswith("-")
        else Latvian(field).asc()
        for field in fields
    ]


# SQLite ---------------------------------------------------------------------

# Sorting a report calls the collation for every comparison: a name's key is
# made once, and at most this many are kept per process.
_cached_key = lru_cache(maxsize=50_000)(latvian_key)


def _compare(left: str, right: str) -> int:
    left_key, right_key = _cached_key(left), _cached_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the Latvian collation (a receiver of
    ``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)
