"""Reading a CSV file of learners: its encoding, delimiter and header (English or
Latvian column names), with a clear message for a file that cannot be read.
Nothing here touches the database."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 2 * 1024 * 1024


MAX_ROWS = 5_000


#: Accepted header names per column, compared after :func:`_header_key`.
COLUMN_NAMES = {
    "email": {"email", "e-mail", "e-pasts", "epasts"},
    "first_name": {"first name", "firstname", "given name", "vārds"},
    "last_name": {"last name", "lastname", "surname", "family name", "uzvārds"},
    "cohort": {"cohort", "grupa", "kohorta"},
}


#: Excel in Latvia saves CSV with semicolons; elsewhere commas are usual.
DELIMITERS = ",;\t"


class CsvEnrolmentError(Exception):
    """The file as a whole cannot be used; the message says why, for staff."""


@dataclass
class CsvLine:
    """One non-blank data row of the file, as read, before any checks."""

    line: int
    email: str
    first_name: str = ""
    last_name: str = ""
    cohort: str = ""
    extra_values: bool = False


def read_csv(file: bytes | IO[bytes] | IO[str]) -> list[CsvLine]:
    """Read an uploaded CSV file into its data rows.

    Accepts bytes, a binary file (such as an upload) or a text file. Raises
    :class:`CsvEnrolmentError` for a file that is too large, not UTF-8, has no
    e-mail column, has no rows or has too many.
    """
    text = _decode(file)
    first_line = next((line for line in text.splitlines() if line.strip()), None)
    if first_line is None:
        raise CsvEnrolmentError(_("The file is empty."))
    delimiter = max(DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    width = 0
    lines: list[CsvLine] = []
    last_line = 0
    try:
        for cells in reader:
            # A quoted value may span lines; report the line where the row starts.
            line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if columns is None:
                columns, width = _columns(cells), len(cells)
                continue
            if len(lines) == MAX_ROWS:
                raise CsvEnrolmentError(
                    _(
                        "The file has more than %(max)s rows. Split it into smaller files."
                    )
                    % {"max": number_format(MAX_ROWS, force_grouping=True)}
                )
            lines.append(_line(line, cells, columns, width))
    except csv.Error as error:
        raise CsvEnrolmentError(
            _("Line %(line)s could not be read: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    if not lines:
        raise CsvEnrolmentError(_("The file has no learners below the header row."))
    return lines


def _decode(file: bytes | IO[bytes] | IO[str]) -> str:
    not_utf8 = CsvEnrolmentError(
        _(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma "
            "delimited)”."
        )
    )
    too_large = CsvEnrolmentError(
        _("The file is larger than %(size)s MB.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024)}
    )
    # An upload says its size: one refused while it arrived has only its first
    # bytes (courses.uploads), which must not pass for the whole file.
    if (getattr(file, "size", None) or 0) > MAX_FILE_BYTES:
        raise too_large
    if isinstance(file, bytes | bytearray):
        data: bytes | str = bytes(file)
    else:
        if getattr(file, "seekable", lambda: False)():
            file.seek(0)
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except UnicodeDecodeError:
            raise not_utf8 from None
    size = len(data.encode()) if isinstance(data, str) else len(data)
    if size > MAX_FILE_BYTES:
        raise too_large
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise not_utf8 from None
    # Excel writes a byte-order mark; macOS may write decomposed letters (a + ̄).
    return unicodedata.normalize("NFC", data.removeprefix("\ufeff"))


def _header_key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().casefold())


def _columns(header: list[str]) -> dict[str, int]:
    """Map our column names to their positions; unknown columns are ignored."""
    aliases = {
        alias: column for column, names in COLUMN_NAMES.items() for alias in names
    }
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        column = aliases.get(_header_key(name))
        if column is None:
            continue
        if column in columns:
            raise CsvEnrolmentError(
                _("The column “%(name)s” appears twice in the header row.")
                % {"name": name}
            )
        columns[column] = position
    if "email" not in columns:
        raise CsvEnrolmentError(
            _(
                "The file has no e-mail column. The first row must name the columns, "
                "for example: email; first name; last name; cohort (or: e-pasts; "
                "vārds; uzvārds; grupa)."
            )
        )
    return columns


def _line(line: int, cells: list[str], columns: dict[str, int], width: int) -> CsvLine:
    def value(column: str) -> str:
        position = columns.get(column)
        return cells[position] if position is not None and position < len(cells) else ""

    return CsvLine(
        line=line,
        email=value("email"),
        first_name=value("first_name"),
        last_name=value("last_name"),
        cohort=value("cohort"),
        # Excel pads rows with empty cells, which are harmless; a value past the
        # last column usually means an unquoted comma split a name.
        extra_values=any(cells[width:]),
    )
