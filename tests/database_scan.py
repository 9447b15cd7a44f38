"""A search of every table of the test database for words that name a person:
what an erasure must leave nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from courses.privacy.traces import session_store


@dataclass
class Scan:
    """The tables searched, and each place a word was found in."""

    tables: list[str]
    #: (table, column, word)
    hits: list[tuple[str, str, str]] = field(default_factory=list)

    def tables_with_hits(self) -> set[str]:
        return {table for table, _column, _word in self.hits}

    def summary(self) -> str:
        return (
            f"scanned {len(self.tables)} tables, {len(self.hits)} hits"
            + (f" in {sorted(self.tables_with_hits())}" if self.hits else "")
            + f"; tables: {', '.join(self.tables)}"
        )


def scan_database(words: Iterable[str]) -> Scan:
    """Every value of every row of every table, searched for each word in any
    letter case: text as stored, binary columns read as UTF-8, JSON with its
    escapes ("B\\u0113rzi\\u0146a") and the session table's signed, compressed
    data decoded as the session engine reads it."""
    wanted = {}
    for word in words:
        for form in (word, json.dumps(word)[1:-1]):
            wanted[form.casefold()] = word
    sessions = session_store()
    session_table = sessions.get_model_class()._meta.db_table
    quote = connection.ops.quote_name
    scan = Scan(tables=sorted(connection.introspection.table_names()))
    with connection.cursor() as cursor:
        for table in scan.tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if table == session_table and column == "session_data":
                        value = json.dumps(sessions().decode(value), default=str)
                    text = _text(value).casefold()
                    scan.hits += [
                        (table, column, word)
                        for form, word in wanted.items()
                        if form in text
                    ]
    return scan


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)
