"""Demo data: the bilingual default certificate template of the demo programme."""

from __future__ import annotations

import io
import math

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

from certificates.models import (
    CertificateSignatory,
    CertificateTemplate,
    CourseCertificateSettings,
)
from certificates.rendering.reportlab_setup import FONT_DIR
from courses.models import CoursePage

DEFAULT_TEMPLATE = "Daugavpils Universitāte — divvalodu / bilingual"
SIGNATORIES = [
    ("Māris Bērziņš", "Programmas direktors", "Programme director"),
    (
        "Inese Kalniņa",
        "Mūžizglītības centra vadītāja",
        "Head of the Lifelong Learning Centre",
    ),
]


def _png(picture: PILImage.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _logo() -> bytes:
    picture = PILImage.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((8, 8, 152, 152), fill="#1f4e79")
    big = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 64)
    small = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 30)
    draw.text((80, 80), "DU", font=big, fill="white", anchor="mm")
    draw.text((172, 50), "Daugavpils", font=small, fill="#1f4e79")
    draw.text((172, 90), "Universitāte", font=small, fill="#1f4e79")
    return _png(picture)


def _signature(seed: int) -> bytes:
    picture = PILImage.new("RGBA", (400, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    points = [
        (20 + x, 60 + 30 * math.sin(x / (18 + 4 * seed)) * math.cos(x / 47))
        for x in range(0, 360, 4)
    ]
    draw.line(points, fill="#1a2a6c", width=4, joint="curve")
    return _png(picture)


def _image(title: str, data: bytes):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        # Wagtail's migrations make the root collection; a schema made from the
        # models alone (tests, benchmarks) has none yet.
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        image = Image(title=title, collection=root)
        image.file = ImageFile(io.BytesIO(data), name=f"{title.lower()}.png")
        image.save()
    return image


def ensure_default_template(courses: dict[str, CoursePage]) -> CertificateTemplate:
    """The demo course's bilingual template, made the default; left alone if present."""
    template = CertificateTemplate.objects.filter(name=DEFAULT_TEMPLATE).first()
    lv, en = courses["lv"], courses["en"]
    if template is None:
        template = CertificateTemplate(
            name=DEFAULT_TEMPLATE,
            is_default=not CertificateTemplate.objects.filter(is_default=True).exists(),
            language=CertificateTemplate.Language.BILINGUAL,
            logo=_image("Certificate logo", _logo()),
            provider_name_lv=lv.provider_name,
            provider_name_en=en.provider_name,
            provider_registration_number=lv.provider_registration_number,
            funding_line_lv=lv.funding_line,
            funding_line_en=en.funding_line,
            serial_prefix="DU",
        )
        template.signatories = [
            CertificateSignatory(
                name=name,
                position_lv=position_lv,
                position_en=position_en,
                signature=_image(f"Signature {n}", _signature(n)),
            )
            for n, (name, position_lv, position_en) in enumerate(SIGNATORIES, 1)
        ]
        template.save()
        template.save_revision().publish()
    CourseCertificateSettings.objects.get_or_create(
        course=lv, defaults={"template": template}
    )
    return template
