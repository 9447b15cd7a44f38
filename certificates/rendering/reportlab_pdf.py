"""The ReportLab certificate renderer.

Drawn with canvas primitives rather than platypus: a certificate is one fixed page,
and primitives are several times faster, which matters when a cohort is issued at
once. User text is passed to ``drawString`` as plain text, never as markup, so it
needs no escaping. The QR code is one filled path built from segno's matrix.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates.printed import LABELS, hours_phrase, languages_of, period_text
from certificates.rendering import register
from certificates.rendering.base import BaseRenderer
from certificates.rendering.reportlab_setup import (
    binary_streams,
    image_file,
    qr_operators,
    register_font,
    split_lines,
)
from courses.dates import print_date

if TYPE_CHECKING:
    from certificates.models import Certificate

GREY = HexColor("#555555")
BLACK = HexColor("#111111")


@register
class ReportLabRenderer(BaseRenderer):
    """An A4 certificate: title, learner, text, facts, competences, signatures,
    funding line, number and a QR code leading to the verification page.

    Override a ``draw_*`` step to change one part of the page.
    """

    identifier = "reportlab"
    page_size = A4
    margin = 15 * mm
    #: Font name → file in ``certificates/fonts``; both cover Latvian letters.
    fonts = {"CertSerif-Bold": "DejaVuSerif-Bold.ttf", "CertSans": "DejaVuSans.ttf"}
    heading_font = "CertSerif-Bold"
    body_font = "CertSans"
    qr_size = 26 * mm
    #: The least room between a string and the inner frame line.
    frame_padding = 2 * mm
    qr_mask = 4

    def __init__(self) -> None:
        for name, filename in self.fonts.items():
            register_font(name, filename)

    def render(self, certificate: Certificate) -> bytes:
        with binary_streams():
            return self.render_page(certificate.snapshot)

    def render_page(self, data: dict) -> bytes:
        buffer = io.BytesIO()
        size = (
            portrait(self.page_size)
            if data["orientation"] == "portrait"
            else landscape(self.page_size)
        )
        canvas = Canvas(buffer, pagesize=size, pageCompression=1)
        self.width, self.height = size
        self.primary = HexColor(data["colours"]["primary"])
        self.accent = HexColor(data["colours"]["accent"])
        self.languages = languages_of(data["language"])
        self.set_metadata(canvas, data)
        self.draw_frame(canvas, data)
        self.draw_logos(canvas, data)
        y = self.draw_title(canvas, data, self.height - self.margin - 30 * mm)
        y = self.draw_learner(canvas, data, y)
        y = self.draw_body(canvas, data, y)
        y = self.draw_facts(canvas, data, y)
        self.draw_competences(canvas, data, y)
        self.draw_signatories(canvas, data)
        self.draw_footer(canvas, data)
        self.draw_qr(canvas, data)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    # Helpers -------------------------------------------------------------------

    def draw_text(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        font: str,
        size: float,
        align: str = "left",
        room: float | None = None,
    ) -> None:
        """Every string on the page goes through here, and stays inside the
        frame: it shrinks to fit ``room`` (by default the frame's width), and
        one too wide for its place moves in."""
        left, right = self.inside_frame()
        room = min(room or right - left, right - left)
        width = stringWidth(text, font, size)
        if width > room:
            size, width = size * room / width, room
        start = {"centre": x - width / 2, "right": x - width}.get(align, x)
        start = max(left, min(start, right - width))
        canvas.setFont(font, size)
        canvas.drawString(start, y, text)

    def inside_frame(self) -> tuple[float, float]:
        """The left and right edge of the room inside the inner frame line."""
        inner = self.margin / 2 + 5 + self.frame_padding
        return inner, self.width - inner

    def wrapped(
        self,
        canvas: Canvas,
        text: str,
        y: float,
        font: str,
        size: float,
        width: float,
        leading: float | None = None,
        max_lines: int = 6,
    ) -> float:
        """Draw ``text`` centred and wrapped to ``width``; return the next baseline."""
        leading = leading or size * 1.3
        for line in split_lines(text, font, size, width)[:max_lines]:
            self.draw_text(canvas, self.width / 2, y, line, font, size, "centre")
            y -= leading
        return y

    def both(self, values: list[str]) -> str:
        """One line for all the certificate's languages: "LV / EN"."""
        return " / ".join(dict.fromkeys(v for v in values if v))

    def label(self, key: str, **values: Any) -> str:
        return self.both(
            [LABELS[lang][key].format(**values) for lang in self.languages]
        )

    def dated_label(self, key: str, iso: str) -> str:
        """A label with a date written out in each language of the certificate."""
        return self.both(
            [
                LABELS[lang][key].format(date=print_date(iso, lang))
                for lang in self.languages
            ]
        )

    # Steps ---------------------------------------------------------------------

    def set_metadata(self, canvas: Canvas, data: dict) -> None:
        first = data["texts"][self.languages[0]]
        canvas.setTitle(f"{first['title']} {data['serial']} — {data['learner']}")
        canvas.setAuthor(first["provider"])
        canvas.setSubject(first["course"])
        canvas.setCreator("wagtail-stem-lms")

    def draw_frame(self, canvas: Canvas, data: dict) -> None:
        inset = self.margin / 2
        canvas.setStrokeColor(self.primary)
        canvas.setLineWidth(3)
        canvas.rect(inset, inset, self.width - 2 * inset, self.height - 2 * inset)
        canvas.setStrokeColor(self.accent)
        canvas.setLineWidth(1)
        canvas.rect(
            inset + 5,
            inset + 5,
            self.width - 2 * inset - 10,
            self.height - 2 * inset - 10,
        )

    def draw_logos(self, canvas: Canvas, data: dict) -> None:
        box_w, box_h = 45 * mm, 18 * mm
        top = self.height - self.margin - box_h
        places = [self.margin, self.width - self.margin - box_w]
        for name, x in zip(data["logos"], places, strict=False):
            canvas.drawImage(
                image_file(name),
                x,
                top,
                box_w,
                box_h,
                preserveAspectRatio=True,
                anchor="w" if x == self.margin else "e",
            )

    def draw_title(self, canvas: Canvas, data: dict, y: float) -> float:
        canvas.setFillColor(self.primary)
        for index, lang in enumerate(self.languages):
            title = data["texts"][lang]["title"]
            size, step = (30, 20) if index == 0 else (14, 16)
            self.draw_text(
                canvas, self.width / 2, y, title, self.heading_font, size, "centre"
            )
            y -= step
        return y - 14

    def draw_learner(self, canvas: Canvas, data: dict, y: float) -> float:
        canvas.setFillColor(BLACK)
        self.draw_text(
            canvas, self.width / 2, y, data["learner"], self.heading_font, 24, "centre"
        )
        canvas.setStrokeColor(self.accent)
        canvas.setLineWidth(0.8)
        canvas.line(self.width / 2 - 60 * mm, y - 6, self.width / 2 + 60 * mm, y - 6)
        return y - 22

    def draw_body(self, canvas: Canvas, data: dict, y: float) -> float:
        width = self.width - 2 * self.margin - 50 * mm
        for index, lang in enumerate(self.languages):
            canvas.setFillColor(BLACK if index == 0 else GREY)
            size = 11 if index == 0 else 9.5
            y = self.wrapped(
                canvas, data["texts"][lang]["body"], y, self.body_font, size, width
            )
            y -= 4
        return y - 4

    def draw_facts(self, canvas: Canvas, data: dict, y: float) -> float:
        texts = [data["texts"][lang] for lang in self.languages]
        provider = self.both([t["provider"] for t in texts])
        if data["registration_number"]:
            provider += ", " + self.label(
                "registration", number=data["registration_number"]
            )
        period = period_text(data["period"]["start"], data["period"]["end"])
        hours = self.both(
            [
                LABELS[lang]["hours"].format(hours=hours_phrase(data["hours"], lang))
                for lang in self.languages
            ]
        )
        lines = [
            hours + "   ·   " + self.label("period", period=period),
            self.label("programme_type", type=data["programme_type"]),
            self.label("provider", provider=provider)
            if len(self.languages) == 1
            else provider,
            *[t["approval"] for t in texts if t["approval"]],
        ]
        canvas.setFillColor(BLACK)
        width = self.width - 2 * self.margin - 30 * mm
        for line in lines:
            y = self.wrapped(canvas, line, y, self.body_font, 9, width, 11.5, 2)
        return y - 4

    def draw_competences(self, canvas: Canvas, data: dict, y: float) -> None:
        competences = data["competences"]
        if not competences:
            return
        canvas.setFillColor(self.primary)
        self.draw_text(
            canvas,
            self.width / 2,
            y,
            self.label("competences"),
            self.heading_font,
            9,
            "centre",
        )
        y -= 11
        canvas.setFillColor(BLACK)
        lv_first = self.languages[0] == "lv"
        items = []
        for c in competences:
            name = (c["name_lv"] or c["name"]) if lv_first else c["name"]
            level = f" ({c['level']})" if c["level"] else ""
            items.append(f"{c['framework']} {c['code']} {name}{level}")
        # Room stops above the signatures; the full list is on the verification page.
        bottom = self.margin + 52 * mm
        width = self.width - 2 * self.margin - 40 * mm
        for line in split_lines(" · ".join(items), self.body_font, 8, width):
            if y < bottom:
                break
            self.draw_text(canvas, self.width / 2, y, line, self.body_font, 8, "centre")
            y -= 10

    def draw_signatories(self, canvas: Canvas, data: dict) -> None:
        people = data["signatories"]
        if not people:
            return
        left, right = (
            self.margin + 10 * mm,
            self.width - self.margin - self.qr_size - 10 * mm,
        )
        column = (right - left) / len(people)
        line_y = self.margin + 30 * mm
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        for index, person in enumerate(people):
            centre = left + column * (index + 0.5)
            if person["signature"]:
                canvas.drawImage(
                    image_file(person["signature"]),
                    centre - 25 * mm,
                    line_y + 1,
                    50 * mm,
                    14 * mm,
                    preserveAspectRatio=True,
                    anchor="s",
                )
            canvas.line(centre - 28 * mm, line_y, centre + 28 * mm, line_y)
            canvas.setFillColor(BLACK)
            self.draw_text(
                canvas, centre, line_y - 10, person["name"], self.body_font, 9, "centre"
            )
            position = self.both([person["position"][lang] for lang in self.languages])
            canvas.setFillColor(GREY)
            for n, line in enumerate(
                split_lines(position, self.body_font, 7, column - 4 * mm)[:2]
            ):
                self.draw_text(
                    canvas,
                    centre,
                    line_y - 19 - 8 * n,
                    line,
                    self.body_font,
                    7,
                    "centre",
                )

    def draw_footer(self, canvas: Canvas, data: dict) -> None:
        canvas.setFillColor(BLACK)
        x = self.margin + 4 * mm
        y = self.margin + 12 * mm
        room = self.width - self.margin - self.qr_size - 6 * mm - x
        dates = [self.dated_label("issued", data["issued"])]
        if data["expires"]:
            dates.append(self.dated_label("expires", data["expires"]))
        if stringWidth("   ".join(dates), self.body_font, 7.5) <= room:
            dates = ["   ".join(dates)]
        # Beside the QR code of a portrait page: a line for each date.
        serial = self.label("serial", serial=data["serial"])
        self.draw_text(canvas, x, y + 9, serial, self.heading_font, 8, room=room)
        for n, line in enumerate(dates):
            self.draw_text(canvas, x, y - 8 * n, line, self.body_font, 7.5, room=room)
        funding = self.both([data["texts"][lang]["funding"] for lang in self.languages])
        if not funding:
            return
        canvas.setFillColor(GREY)
        right = self.width - self.margin - self.qr_size - 6 * mm
        width = right - self.margin - 4 * mm
        lines = split_lines(funding, self.body_font, 6.5, width)[:3]
        for n, line in enumerate(lines):
            self.draw_text(
                canvas,
                (self.margin + right) / 2,
                self.margin + 1 * mm + 8 * (len(lines) - 1 - n),
                line,
                self.body_font,
                6.5,
                "centre",
            )

    def draw_qr(self, canvas: Canvas, data: dict) -> None:
        """The verification URL as a QR code: one filled path of rectangles."""
        size = self.qr_size
        x = self.width - self.margin - size - 2 * mm
        y = self.margin + 12 * mm
        rects, modules = qr_operators(data["verification_url"], self.qr_mask)
        canvas.saveState()
        canvas.setFillColor(BLACK)
        # One unit per module, rows downwards: the operators are short integers.
        canvas.translate(x, y + size)
        canvas.scale(size / modules, -size / modules)
        canvas.addLiteral(rects)
        canvas.restoreState()
        canvas.setFillColor(GREY)
        centre = x + size / 2
        # One line per language: side by side they are wider than the code.
        lines = [(LABELS[lang]["verify"], self.body_font, 6) for lang in self.languages]
        lines += [
            (data["short_url"], self.body_font, 6),
            (data["code"], self.heading_font, 6.5),
        ]
        room = 2 * (self.inside_frame()[1] - centre)
        for n, (text, font, font_size) in enumerate(lines):
            self.draw_text(
                canvas, centre, y - 8 - 7 * n, text, font, font_size, "centre", room
            )
