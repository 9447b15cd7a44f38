"""Course titles in quotes, once: a title typed with quotes of its own („Fizika”)
is requoted in the reader's language, and one that quotes a name inside
(„Skola2030” pieeja) is not wrapped again, so nothing prints as „„…””."""

from __future__ import annotations

import re

from django.utils.translation import get_language

# Quote pairs a title may carry: Latvian „…” (and „…“), English “…” and typed "…".
QUOTE_PAIRS = (("„", "”"), ("„", "“"), ("“", "”"), ('"', '"'))
QUOTES = re.compile(r'[„“”"«»]')


def unquoted(title: str) -> str:
    """``title`` without one enclosing pair of quotes, if it has one."""
    title = title.strip()
    for opening, closing in QUOTE_PAIRS:
        if len(title) > 2 and title.startswith(opening) and title.endswith(closing):
            return title[1:-1].strip()
    return title


def quoted(title: str, language: str | None = None) -> str:
    """``title`` in the quotes of ``language`` (the active one by default):
    „…” in Latvian, “…” in English."""
    bare = unquoted(title)
    if QUOTES.search(bare):
        return bare
    language = language or get_language() or ""
    opening, closing = ("„", "”") if language.startswith("lv") else ("“", "”")
    return f"{opening}{bare}{closing}"
