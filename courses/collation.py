"""Latvian alphabetical order (CLDR's Latvian collation) without a collation
library: č ģ ķ ļ ņ š ž are letters of their own, after c g k l n s z; ā ē ī ū
sort with a e i u, and only break a tie after them ("Ābele" after "Abele", before
"Abels"). Python's own ``sorted`` puts every letter with a diacritic after z
("Ādaži" last) and PostgreSQL's order depends on the server's locale, so lists a
person reads in Latvian are sorted with :func:`latvian_key`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

#: The Latvian alphabet, with the foreign letters where Latin puts them.
ALPHABET = "abcčdefgģhijkķlļmnņoprsštuvzž"
FOREIGN = {"q": "p", "w": "v", "x": "v", "y": "v"}
_RANK = {letter: 2 * (index + 1) for index, letter in enumerate(ALPHABET)}
# A foreign letter sorts just after the Latvian one before it.
_RANK.update({letter: _RANK[after] + 1 for letter, after in FOREIGN.items()})
#: Letters with a long mark sort as their plain letter at first.
LONG = {"ā": "a", "ē": "e", "ī": "i", "ū": "u", "ō": "o", "ŗ": "r"}


def _primary(char: str) -> tuple[int, int]:
    if char in LONG:
        return (1, _RANK[LONG[char]])
    if char in _RANK:
        return (1, _RANK[char])
    if char.isalpha():
        # Another language's letter (ö, é): as its base letter.
        base = unicodedata.normalize("NFD", char)[0]
        if base in _RANK:
            return (1, _RANK[base])
        return (2, ord(char))
    # Spaces, digits and punctuation before letters, in code point order.
    return (0, ord(char))


def latvian_key(text: str) -> tuple:
    """A sort key that puts ``text`` in Latvian alphabetical order."""
    folded = text.casefold()
    return (
        tuple(_primary(char) for char in folded),
        tuple(char in LONG for char in folded),
        text,
    )


def sorted_latvian(items: Iterable[T], key=str) -> list[T]:
    """``items`` in Latvian order of ``key(item)``."""
    return sorted(items, key=lambda item: latvian_key(key(item)))
