"""Fixtures for certificate tests: a bilingual template and completed learners."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from certificates.models import CertificateSignatory, CertificateTemplate
from courses.enrolment.enrolling import enrol
from courses.progress.recording import record_lesson_completed
from tests.factories import make_course_tree, make_image, make_user


def make_template(**kwargs) -> CertificateTemplate:
    kwargs.setdefault("name", "Bilingual")
    kwargs.setdefault("is_default", True)
    kwargs.setdefault("language", CertificateTemplate.Language.BILINGUAL)
    kwargs.setdefault("funding_line_lv", "EEZ un Norvēģijas finanšu instrumenti")
    kwargs.setdefault("funding_line_en", "EEA and Norway Grants")
    with_images = kwargs.pop("with_images", True)
    if with_images:
        kwargs.setdefault("logo", make_image("Logo"))
    template = CertificateTemplate(**kwargs)
    template.signatories = [
        CertificateSignatory(
            name="Māris Bērziņš",
            position_lv="Programmas direktors",
            position_en="Programme director",
            signature=make_image("Signature", "#000080") if with_images else None,
        )
    ]
    template.save()
    template.save_revision().publish()
    return template


def completed_enrolment(course=None, lessons=None, **user_kwargs):
    """A learner who completed a one-module course (12 hours) and their enrolment."""
    if course is None:
        course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(**user_kwargs), course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    enrolment.refresh_from_db()
    assert enrolment.hours_earned == Decimal(12)
    return enrolment


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def template(db) -> CertificateTemplate:
    return make_template()


@pytest.fixture
def client():
    """A browser that asks for English pages."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
