"""What the certificate prints: hours that agree with their number in both
languages, a title quoted once, one date for a one-day course, and every string
inside the gold frame."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from certificates.printed import hours_phrase, period_text
from certificates.rendering.reportlab_pdf import ReportLabRenderer
from certificates.snapshot import build_snapshot, frozen_design
from courses.models import CoursePage
from courses.quoting import quoted
from tests.certificates.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hours", "latvian", "genitive", "english"),
    [
        ("1", "1 akadēmiskā stunda", "1 akadēmiskās stundas", "1 academic hour"),
        ("21", "21 akadēmiskā stunda", "21 akadēmiskās stundas", "21 academic hours"),
        (
            "101",
            "101 akadēmiskā stunda",
            "101 akadēmiskās stundas",
            "101 academic hours",
        ),
        ("11", "11 akadēmiskās stundas", "11 akadēmisko stundu", "11 academic hours"),
        ("36", "36 akadēmiskās stundas", "36 akadēmisko stundu", "36 academic hours"),
        (
            "12.5",
            "12,5 akadēmiskās stundas",
            "12,5 akadēmiskās stundas",
            "12.5 academic hours",
        ),
    ],
)
def test_hours_agree_with_their_number(hours, latvian, genitive, english):
    """Latvian numbers ending in 1 (not 11) take the singular, a fraction the
    genitive singular and the decimal comma; English 1 takes "hour"."""
    assert hours_phrase(hours, "lv") == latvian
    assert hours_phrase(hours, "lv", "genitive") == genitive
    assert hours_phrase(hours, "en") == english


def test_a_title_is_quoted_once():
    assert quoted("Fizika", "lv") == "„Fizika”"
    assert quoted("„Fizika”", "lv") == "„Fizika”"
    assert quoted('"Fizika"', "en") == "“Fizika”"
    assert quoted("„Skola2030” pieeja", "lv") == "„Skola2030” pieeja"


def test_a_one_day_period_is_one_date():
    assert period_text("2026-12-07", "2026-12-07") == "07.12.2026"
    assert period_text("2026-12-01", "2026-12-07") == "01.12.2026–07.12.2026"


def snapshot(template, title: str, hours: str, short_url: str = "") -> dict:
    course = CoursePage(
        title=title,
        programme_type=CoursePage.ProgrammeType.A,
        provider_name="Daugavpils Universitāte",
        provider_registration_number="3341000218",
    )
    logos, signatories = frozen_design(template)
    day = date(2026, 12, 7)
    data = build_snapshot(
        template=template,
        learner="Jolanta Ūzuliņa",
        courses={},
        fallback_course=course,
        programme_type="A",
        hours=Decimal(hours),
        start=day,
        end=day,
        competences=[],
        logos=logos,
        signatories=signatories,
        serial="DU-2026-00021",
        code="ABCD2345EFGH",
        issued=day,
        expires=date(2031, 12, 7),
    )
    if short_url:
        data["short_url"] = short_url
    return data


def test_the_certificate_prints_hours_title_and_period_right(template):
    """ "Apjoms: 21 akadēmiskā stunda", "21 akadēmiskās stundas apjomā", the
    title in one pair of quotes and one date for a one-day course."""
    data = snapshot(template, "„Eksperimenti fizikā”", "21")
    text = pdf_text(ReportLabRenderer().render_page(data))
    flat = " ".join(text.split())
    assert "Apjoms: 21 akadēmiskā stunda / Volume: 21 academic hours" in flat
    assert "programmu „Eksperimenti fizikā” 21 akadēmiskās stundas apjomā" in flat
    assert "“Eksperimenti fizikā”" in flat
    assert "„„" not in flat and "””" not in flat
    assert "Laikposms: 07.12.2026 /" in flat
    assert "07.12.2026–07.12.2026" not in flat
    half = " ".join(
        pdf_text(
            ReportLabRenderer().render_page(snapshot(template, "Fizika", "12.5"))
        ).split()
    )
    assert "Apjoms: 12,5 akadēmiskās stundas / Volume: 12.5 academic hours" in half


FONTS = {"DejaVuSans": "CertSans", "DejaVuSerif-Bold": "CertSerif-Bold"}


def text_boxes(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """Each string drawn on the page with its left and right edge, measured
    with the font it was drawn in, and its baseline."""
    boxes = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or font is None:
            return
        name = FONTS[str(font["/BaseFont"]).split("+")[-1]]
        left = tm[4] * cm[0] + cm[4]
        scale = (tm[0] * cm[0]) or 1
        right = left + stringWidth(text, name, size) * scale
        boxes.append((text, left, right, tm[5] * cm[3] + cm[5]))

    [page] = PdfReader(io.BytesIO(pdf)).pages
    page.extract_text(visitor_text=visit)
    return boxes


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_nothing_crosses_the_gold_frame(template, orientation):
    """Every string, the bilingual "Verify this certificate" under the QR code
    and a long verification address among them, stays inside the inner frame
    line (drawn 5 pt inside the outer one)."""
    template.orientation = orientation
    renderer = ReportLabRenderer()
    data = snapshot(
        template,
        "Kompetenču pieeja STEM speciālistiem",
        "36",
        short_url="kursi.daugavpils-universitate.example.lv/certificates/verify/",
    )
    pdf = renderer.render_page(data)
    frame_left = renderer.margin / 2 + 5
    frame_right = renderer.width - frame_left
    boxes = text_boxes(pdf)
    assert any("Verify this certificate" in box[0] for box in boxes)
    outside = [
        (text, round(left), round(right))
        for text, left, right, _y in boxes
        if left < frame_left or right > frame_right
    ]
    assert outside == []
    # Nor does any string run into the QR code (the dates beside it).
    qr_left = renderer.width - renderer.margin - renderer.qr_size - 2 * mm
    qr_bottom = renderer.margin + 12 * mm
    over_qr = [
        text
        for text, left, right, y in boxes
        if right > qr_left
        and left < qr_left + renderer.qr_size
        and qr_bottom <= y <= qr_bottom + renderer.qr_size
    ]
    assert over_qr == []


def test_the_pd_summary_keeps_its_column_headers_whole():
    """ "Stundas" and "Ieskaitās" are not broken into "Stunda/s", "Ieskaitā/s";
    an entry's 12,5 hours take the decimal comma."""
    from django.utils import translation

    from certificates.pd_record.exports import pdf_bytes
    from certificates.pd_record.record import Entry, PdRecord

    entry = Entry(
        title="Eksperimenti fizikā",
        provider="Daugavpils Universitāte",
        hours=Decimal("12.5"),
        completed_on=date(2026, 12, 7),
        counts=True,
    )
    record = PdRecord(
        today=date(2026, 12, 7),
        window_start=date(2023, 12, 8),
        entries=[entry],
        hours=Decimal("12.5"),
        required=Decimal(36),
        short_on=date(2026, 12, 7),
    )
    with translation.override("lv"):
        lines = pdf_text(pdf_bytes(record, "Jolanta Ūzuliņa")).splitlines()
    cells = {line.strip() for line in lines}
    assert {"Stundas", "Ieskaitās"} <= cells
    assert not {"Stunda", "Ieskaitā", "s"} & cells
    assert any("12,5" in line for line in lines)
