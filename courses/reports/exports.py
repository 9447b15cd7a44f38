"""Report tables as CSV and XLSX, streamed row by row.

Both formats neutralise cells a spreadsheet would read as a formula (a learner may
well be called "=HYPERLINK(…)") or could not hold (a NUL stored in a name before
names refused it). Rows arrive from generators that read the database in chunks,
and both writers hold one row at a time: the CSV is sent as it is written, the
workbook is written by XlsxWriter in its constant-memory mode (each row goes to a
temporary file as it is complete), then sent in pieces. XlsxWriter was chosen over
openpyxl's write-only mode for speed: it wrote the 20,000-row progress report in
about half the time (``bench/reports.py`` times both exports of every report).
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import StreamingHttpResponse
from django.utils import timezone

from courses.reports.rows import ReportRow, report_headings, row_cells

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The control characters an XLSX cell cannot hold (the XML 1.0 exclusions; the
#: same list as openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: Put where a character a spreadsheet cannot hold was, so that staff see the
#: stored text is damaged (and can correct it) rather than a silently shorter name.
REPLACEMENT = "\ufffd"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Bytes per piece when streaming the finished workbook.
FILE_CHUNK = 64 * 1024
#: CSV lines per piece sent: a piece per line would cost more to send than to write.
LINES_PER_PIECE = 200


@dataclass
class Table:
    """A report as a download: its headings, then its rows (lazily)."""

    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    filename: str
    title: str = "Report"


def neutralise(value: Any) -> Any:
    """Text safe in a spreadsheet cell: the control characters XLSX cannot hold
    (one would fail the whole workbook) replaced by :data:`REPLACEMENT`, and text
    a spreadsheet would evaluate prefixed with a quote so it stays text."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # rare: most text has no control character
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime, zone: tzinfo) -> datetime:
    # Spreadsheets have no time zones: write the wall-clock time in Riga (or
    # wherever TIME_ZONE says), which is what staff expect to read.
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _csv_cell(value: Any, zone: tzinfo) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


class _Line:
    """A file-like object whose write() returns what it was given."""

    def write(self, value: str) -> str:
        return value


def table_csv(
    headings: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[bytes]:
    """The CSV file in pieces: a BOM first, so Excel reads Latvian letters, then
    the headings, then the rows :data:`LINES_PER_PIECE` at a time."""
    writer = csv.writer(_Line())
    zone = timezone.get_current_timezone()
    yield "\ufeff".encode()
    yield writer.writerow([neutralise(str(h)) for h in headings]).encode()
    lines = []
    for row in rows:
        lines.append(writer.writerow([_csv_cell(v, zone) for v in row]))
        if len(lines) == LINES_PER_PIECE:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def table_xlsx(
    headings: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Report"
) -> Iterator[bytes]:
    """The workbook in pieces, one sheet called ``title``."""
    with tempfile.TemporaryFile() as file:
        workbook = xlsxwriter.Workbook(
            file,
            {
                "constant_memory": True,
                # Cells are what the rows hold: never turned into formulas, links
                # or numbers behind the report's back.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = workbook.add_worksheet(title[:31])
        zone = timezone.get_current_timezone()
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        string, number = sheet.write_string, sheet.write_number
        for column, heading in enumerate(headings):
            string(0, column, neutralise(str(heading)))
        for line, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    string(line, column, neutralise(value))
                elif isinstance(value, bool):
                    sheet.write_boolean(line, column, value)
                elif isinstance(value, (int, float, Decimal)):
                    number(line, column, value)
                elif isinstance(value, datetime):
                    sheet.write_datetime(line, column, _local(value, zone), moment)
                elif isinstance(value, date):
                    sheet.write_datetime(line, column, value, day)
                else:
                    string(line, column, neutralise(str(value)))
        workbook.close()
        file.seek(0)
        while chunk := file.read(FILE_CHUNK):
            yield chunk


def csv_chunks(rows: Iterable[ReportRow]) -> Iterator[bytes]:
    """The progress report as CSV."""
    return table_csv(report_headings(), map(row_cells(), rows))


def xlsx_chunks(rows: Iterable[ReportRow], title: str = "Progress") -> Iterator[bytes]:
    """The progress report as XLSX."""
    return table_xlsx(report_headings(), map(row_cells(), rows), title)


def table_response(table: Table, fmt: str) -> StreamingHttpResponse:
    """A download of ``table`` as ``fmt`` ("csv" or "xlsx")."""
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            table_xlsx(table.headings, table.rows, table.title),
            content_type=XLSX_TYPE,
        )
    else:
        response = StreamingHttpResponse(
            table_csv(table.headings, table.rows), content_type=CSV_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    return response


def export_response(
    rows: Iterable[ReportRow], fmt: str, filename: str, with_email: bool = True
) -> StreamingHttpResponse:
    """A download of the progress report's ``rows`` as ``fmt`` ("csv" or "xlsx"),
    with the e-mail column only if ``with_email``."""
    return table_response(
        Table(
            report_headings(with_email),
            map(row_cells(with_email), rows),
            filename,
            "Progress",
        ),
        fmt,
    )
