"""The progress report as CSV and XLSX, streamed row by row.

Both formats neutralise cells a spreadsheet would read as a formula (a learner may
well be called "=HYPERLINK(…)") or could not hold (a NUL stored in a name before
names refused it), and both read the rows in chunks through
:func:`courses.reports.rows.report_rows`, so memory does not grow with them.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courses.reports.rows import ReportRow, report_headings

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Put where a character a spreadsheet cannot hold was, so that staff see the
#: stored text is damaged (and can correct it) rather than a silently shorter name.
REPLACEMENT = "\ufffd"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Bytes per piece when streaming the finished workbook.
FILE_CHUNK = 64 * 1024


def neutralise(value: Any) -> Any:
    """Text safe in a spreadsheet cell: the control characters XLSX cannot hold
    (openpyxl's own list; one would fail the whole workbook) replaced by
    :data:`REPLACEMENT`, and text a spreadsheet would evaluate prefixed with a
    quote so it stays text."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    # Spreadsheets have no time zones: write the wall-clock time in Riga (or
    # wherever TIME_ZONE says), which is what staff expect to read.
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, (int, float, Decimal, date)) or value is None:
        return value
    return neutralise(str(value))


class _Line:
    """A file-like object whose write() returns what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[ReportRow], with_email: bool = True) -> Iterator[bytes]:
    """The CSV file in pieces: a BOM first, so Excel reads Latvian letters."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode()
    yield writer.writerow([neutralise(h) for h in report_headings(with_email)]).encode()
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row.values(with_email)]).encode()


def xlsx_chunks(
    rows: Iterable[ReportRow], title: str = "Progress", with_email: bool = True
) -> Iterator[bytes]:
    """The workbook in pieces. openpyxl's write-only mode keeps rows on disk as
    they are appended; the zipped file is then read back in pieces."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([neutralise(h) for h in report_headings(with_email)])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row.values(with_email)])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(FILE_CHUNK):
            yield chunk


def export_response(
    rows: Iterable[ReportRow], fmt: str, filename: str, with_email: bool = True
) -> StreamingHttpResponse:
    """A download of ``rows`` as ``fmt`` ("csv" or "xlsx"), with the e-mail
    column only if ``with_email``."""
    if fmt == "xlsx":
        chunks = xlsx_chunks(rows, with_email=with_email)
        response = StreamingHttpResponse(chunks, content_type=XLSX_TYPE)
    else:
        chunks = csv_chunks(rows, with_email)
        response = StreamingHttpResponse(chunks, content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
