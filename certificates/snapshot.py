"""What a certificate states, frozen when it is issued: the course's facts gathered
once (template, titles, competences, logos and signatures as frozen images) and
the snapshot built from them. The PDF is later made from the snapshot alone, so
editing a course or a template never changes an issued certificate."""

from __future__ import annotations

import copy
import hashlib
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from certificates.codes import format_code, new_code
from certificates.models import (
    Certificate,
    CertificateTemplate,
)
from certificates.models.certificate import format_serial
from certificates.printed import (
    LABELS,
    hours_phrase,
    languages_of,
    number_text,
    period_text,
)
from certificates.verification import verification_url
from courses.dates import print_date
from courses.models import CoursePage
from courses.quoting import quoted
from courses.site import base_url

ASSET_MAX_PX = 480


_frozen_images: dict[tuple[int, str], str] = {}


def freeze_image(image) -> str:
    """Copy a Wagtail image into certificate storage and return the copy's name.

    The copy is named by its content, so it never changes once written: replacing
    or editing the original image later leaves issued certificates as they were.
    Images are flattened onto white (certificates are printed on white) and stored
    as JPEG, which PDF embeds as it is, without recompressing for every page.
    """
    key = (image.pk, image.file_hash or image.file.name)
    if key in _frozen_images:
        return _frozen_images[key]
    with image.open_file() as source:
        picture = PILImage.open(source)
        picture.thumbnail((ASSET_MAX_PX, ASSET_MAX_PX))
        flat = PILImage.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=90, optimize=True)
    data = buffer.getvalue()
    name = f"certificates/assets/{hashlib.sha256(data).hexdigest()}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    _frozen_images[key] = name
    return name


def frozen_design(
    template: CertificateTemplate,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The template's logos and signatories with their images frozen."""
    logos = [freeze_image(img) for img in (template.logo, template.second_logo) if img]
    signatories = [
        {
            "name": person.name,
            "position": {"lv": person.position_lv, "en": person.position_en},
            "signature": freeze_image(person.signature) if person.signature else "",
        }
        for person in template.signatories.all()
    ]
    return logos, signatories


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled; anything else is left as typed."""
    try:
        return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError):
        return text


def hours_text(hours: Decimal) -> str:
    return f"{hours:.1f}".removesuffix(".0")


_QUOTED_COURSE = re.compile(r'[„“"]\{course\}[”“"]')
# Template texts written before the hours agreed with their number: the number
# and its noun become one phrase that does.
_HOURS_PHRASES = {
    "lv": (
        (re.compile(r"\{hours\} akadēmisko stundu"), "{hours_genitive}"),
        (re.compile(r"\{hours\} akadēmiskās stundas"), "{hours_nominative}"),
    ),
    "en": ((re.compile(r"\{hours\} academic hours"), "{hours_nominative}"),),
}


def fill_wording(text: str, values: dict[str, str], language: str) -> str:
    """A template's text in ``language`` with its placeholders filled.

    A title is quoted once whatever quotes it carries (never „„…””), and the
    hours agree with their number ("21 akadēmiskās stundas apjomā").
    """
    text = _QUOTED_COURSE.sub("{course_quoted}", text)
    for pattern, phrase in _HOURS_PHRASES.get(language, ()):
        text = pattern.sub(phrase, text)
    hours = values["hours"]
    return fill(
        text,
        {
            **values,
            "hours": number_text(hours, language),
            "hours_nominative": hours_phrase(hours, language),
            "hours_genitive": hours_phrase(hours, language, "genitive"),
            "course_quoted": quoted(values["course"], language),
        },
    )


def competence_text(competences: list[dict[str, str]], lang: str) -> str:
    return "; ".join(
        " ".join(
            part
            for part in (
                c["framework"],
                c["code"],
                (c["name_lv"] or c["name"]) if lang == "lv" else c["name"],
                f"({c['level']})" if c["level"] else "",
            )
            if part
        )
        for c in competences
    )


def build_snapshot(
    *,
    template: CertificateTemplate,
    learner: str,
    courses: dict[str, CoursePage],
    fallback_course: CoursePage,
    programme_type: str,
    hours: Decimal,
    start: date,
    end: date,
    competences: list[dict[str, str]],
    logos: list[str],
    signatories: list[dict[str, Any]],
    serial: str,
    code: str,
    issued: date,
    expires: date | None,
) -> dict[str, Any]:
    """Everything printed on a certificate, as plain JSON data."""
    languages = languages_of(template.language)
    period = period_text(start.isoformat(), end.isoformat())
    texts = {}
    wording = {}
    for lang in languages:
        course = courses.get(lang, fallback_course)
        labels = LABELS[lang]
        values = {
            "learner": learner,
            "course": course.title,
            "hours": hours_text(hours),
            "period": period,
            "competences": competence_text(competences, lang),
            "serial": serial,
            "issued": print_date(issued.isoformat(), lang),
        }
        # Kept unfilled, so that a re-issue can print a corrected name in the
        # very wording the certificate was issued with.
        wording[lang] = {
            "title": getattr(template, f"title_{lang}"),
            "body": getattr(template, f"body_{lang}"),
        }
        approval = getattr(template, f"approval_line_{lang}")
        if not approval and course.approval_body:
            approval = labels["approval"].format(
                body=course.approval_body,
                number=course.approval_number or "—",
                date=print_date(course.approval_date.isoformat(), lang)
                if course.approval_date
                else "—",
            )
        texts[lang] = {
            "title": fill_wording(wording[lang]["title"], values, lang),
            "body": fill_wording(wording[lang]["body"], values, lang),
            "course": course.title,
            "provider": getattr(template, f"provider_name_{lang}")
            or course.provider_name,
            "approval": approval,
            "funding": getattr(template, f"funding_line_{lang}") or course.funding_line,
        }
    return {
        "language": template.language,
        "orientation": template.orientation,
        "learner": learner,
        "programme_type": programme_type,
        "hours": hours_text(hours),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "competences": competences,
        "registration_number": template.provider_registration_number
        or fallback_course.provider_registration_number,
        "texts": texts,
        "wording": wording,
        "colours": {
            "primary": template.primary_colour,
            "accent": template.accent_colour,
        },
        "logos": logos,
        "signatories": signatories,
        **_identity(serial, code),
        "issued": issued.isoformat(),
        "expires": expires.isoformat() if expires else None,
    }


def _identity(serial: str, code: str) -> dict[str, str]:
    return {
        "serial": serial,
        "code": format_code(code),
        "verification_url": verification_url(code),
        "short_url": base_url().split("://", 1)[-1]
        + reverse("certificates:verify_form"),
    }


def reissued_snapshot(
    old: dict[str, Any],
    *,
    learner: str,
    serial: str,
    code: str,
    issued: date,
    course_titles: dict[str, str] | None = None,
    hours: Decimal | None = None,
) -> dict[str, Any]:
    """The snapshot of a certificate re-issued from ``old``: the same earned facts,
    wording, issuer, design and expiry, with the learner's name as it is now, a
    new number and code, and only the corrections staff made (course titles by
    language, hours)."""
    data = copy.deepcopy(old)
    course_titles = course_titles or {}
    if hours is not None:
        data["hours"] = hours_text(hours)
    period = period_text(data["period"]["start"], data["period"]["end"])
    for lang in languages_of(data["language"]):
        text = data["texts"][lang]
        values = {
            "learner": learner,
            "course": course_titles.get(lang) or text["course"],
            "hours": data["hours"],
            "period": period,
            "competences": competence_text(data["competences"], lang),
            "serial": serial,
            "issued": print_date(issued.isoformat(), lang),
        }
        wording = data.get("wording", {}).get(lang)
        if wording:
            text["title"] = fill_wording(wording["title"], values, lang)
            text["body"] = fill_wording(wording["body"], values, lang)
        else:
            # Issued before the wording was kept: the old values are swapped
            # for the new ones in the printed text.
            before = {
                "learner": old["learner"],
                "course": text["course"],
                "hours": old["hours"],
                "serial": old["serial"],
                "issued": print_date(old["issued"], lang),
            }
            for key in ("title", "body"):
                text[key] = _swap(text[key], before, values)
        text["course"] = values["course"]
    data.update(_identity(serial, code))
    data["learner"] = learner
    data["issued"] = issued.isoformat()
    return data


def _swap(text: str, before: dict[str, str], after: dict[str, str]) -> str:
    for key, old_value in before.items():
        new_value = after[key]
        if not old_value or old_value == new_value:
            continue
        # A number is swapped only where it stands alone: hours "6" not in "2026".
        pattern = re.escape(old_value)
        if key == "hours":
            pattern = rf"(?<!\d)(?<!\d[.,]){pattern}(?![.,]?\d)"
        text = re.sub(pattern, lambda _match, value=new_value: value, text)
    return text


def sample_certificate(template: CertificateTemplate) -> Certificate:
    """An unsaved certificate of ``template`` with sample data, for previews."""
    course = CoursePage(
        title="Kompetenču pieeja STEM speciālistiem",
        programme_type=CoursePage.ProgrammeType.A,
        provider_name="Daugavpils Universitāte",
        provider_registration_number="3341000218",
        approval_body="Daugavpils valstspilsētas pašvaldības Izglītības pārvalde",
        approval_number="DIP-2026/14",
        approval_date=date(2026, 1, 15),
    )
    code = new_code()
    today = timezone.localdate()
    logos, signatories = frozen_design(template)
    snapshot = build_snapshot(
        template=template,
        learner="Jolanta Ūzuliņa",
        courses={},
        fallback_course=course,
        programme_type="A",
        hours=Decimal(60),
        start=date(today.year, 1, 12),
        end=today,
        competences=[
            {
                "framework": "DigCompEdu",
                "code": "2.1",
                "name": "Selecting digital resources",
                "name_lv": "Digitālo resursu atlase",
                "level": "B1",
            }
        ],
        logos=logos,
        signatories=signatories,
        serial=format_serial(template.serial_prefix, today.year, 0),
        code=code,
        issued=today,
        expires=expiry_date(template, today),
    )
    return Certificate(
        serial=snapshot["serial"],
        verification_code=code,
        language=template.language,
        learner_name=snapshot["learner"],
        snapshot=snapshot,
    )


def expiry_date(template: CertificateTemplate, issued: date) -> date | None:
    if not template.validity_years:
        return None
    year = issued.year + template.validity_years
    try:
        return issued.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return issued.replace(year=year, day=28)
