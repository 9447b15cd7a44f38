"""The record as a one-page PDF summary and as a CSV file, for a head teacher or
an inspector who asks for proof of the 36 hours."""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from django.template.defaultfilters import date as format_date
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates.pd_record.record import PdRecord
from certificates.printed import number_text
from certificates.rendering.reportlab_pdf import ReportLabRenderer
from certificates.rendering.reportlab_setup import register_font
from certificates.snapshot import hours_text
from courses.dates import date_in_words
from courses.reports.exports import neutralise

CSV_TYPE = "text/csv; charset=utf-8"
#: ReportLab's padding on each side of a table cell.
CELL_PADDING = 6


def status_text(record: PdRecord) -> str:
    """The record's state in one sentence, as the page, PDF and API say it."""
    values = {
        "hours": hours_text(record.hours),
        "required": hours_text(record.required),
        "short": hours_text(record.short_by),
        # The date sits in a sentence: Latvian wants the locative.
        "date": date_in_words(record.short_on),
    }
    if record.on_track:
        return (
            _(
                "On track: %(hours)s of %(required)s hours in the last 3 years. "
                "With no new hours you would be short from %(date)s."
            )
            % values
        )
    return (
        _(
            "Short by %(short)s hours now: %(hours)s of %(required)s hours in the "
            "last 3 years."
        )
        % values
    )


def _source(entry) -> str:
    return _("This site") if entry.from_this_site else _("Added by you")


def csv_bytes(record: PdRecord) -> bytes:
    """The entries as CSV, with a BOM so that Excel reads Latvian letters."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Programme"),
            _("Provider"),
            _("Academic hours"),
            pgettext("course", "Completed on"),
            _("Source"),
            _("Counts in the last 3 years"),
        ]
    )
    for entry in record.entries:
        writer.writerow(
            [
                neutralise(entry.title),
                neutralise(entry.provider),
                hours_text(entry.hours),
                entry.completed_on.isoformat(),
                _source(entry),
                _("yes") if entry.counts else _("no"),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def _fonts() -> tuple[str, str]:
    # The certificates' own fonts, which cover the Latvian letters.
    body, heading = ReportLabRenderer.body_font, ReportLabRenderer.heading_font
    for name in (body, heading):
        register_font(name, ReportLabRenderer.fonts[name])
    return body, heading


def pdf_bytes(record: PdRecord, name: str) -> bytes:
    """A one-page A4 summary: who, the window, the state and every entry."""
    body, heading = _fonts()
    text = ParagraphStyle("text", fontName=body, fontSize=9.5, leading=12)
    title = ParagraphStyle("title", fontName=heading, fontSize=16, leading=20)
    cell = ParagraphStyle("cell", parent=text, fontSize=8.5, leading=10.5)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Professional development record"),
    )
    window = _("Last 3 years: %(start)s – %(end)s") % {
        "start": format_date(record.window_start, "DATE_FORMAT"),
        "end": format_date(record.today, "DATE_FORMAT"),
    }
    labels = (
        _("Programme"),
        _("Provider"),
        _("Hours"),
        pgettext("course", "Completed on"),
        _("Counts"),
    )
    # A header never breaks inside a word ("Stunda/s"): a column is at least as
    # wide as its header's longest word, and the programme gives up the room.
    header = ParagraphStyle("header", parent=cell, splitLongWords=0)
    widths = [70 * mm, 50 * mm, 15 * mm, 28 * mm, 17 * mm]
    for index, label in enumerate(labels):
        longest = max(stringWidth(word, body, cell.fontSize) for word in label.split())
        widths[index] = max(widths[index], longest + 2 * CELL_PADDING)
    widths[0] -= sum(widths) - 180 * mm
    language = get_language() or ""
    rows = [[Paragraph(escape(label), header) for label in labels]]
    for entry in record.entries:
        rows.append(
            [
                Paragraph(escape(entry.title), cell),
                Paragraph(escape(entry.provider), cell),
                Paragraph(number_text(hours_text(entry.hours), language[:2]), cell),
                Paragraph(format_date(entry.completed_on, "DATE_FORMAT"), cell),
                Paragraph(_("yes") if entry.counts else _("no"), cell),
            ]
        )
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor("#111111")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, HexColor("#BBBBBB")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    document.build(
        [
            Paragraph(escape(_("Professional development record")), title),
            Paragraph(escape(name), text),
            Spacer(0, 4 * mm),
            Paragraph(escape(window), text),
            Paragraph(escape(status_text(record)), text),
            Paragraph(
                escape(
                    _(
                        "Teachers complete at least 36 hours of professional "
                        "development in every 3 years (Cabinet Regulation No 569 of "
                        "2018, point 15)."
                    )
                ),
                text,
            ),
            Spacer(0, 6 * mm),
            table,
        ]
    )
    return out.getvalue()
