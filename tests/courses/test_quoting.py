"""Course titles in e-mail subjects and sentences are quoted once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(
    ("title", "latvian", "english"),
    [
        (
            "Fizika",
            "Uzņemšana kursā „Fizika”",
            "You are enrolled in the course “Fizika”",
        ),
        (
            "„Fizika”",
            "Uzņemšana kursā „Fizika”",
            "You are enrolled in the course “Fizika”",
        ),
        (
            "„Skola2030” pieeja",
            "Uzņemšana kursā „Skola2030” pieeja",
            "You are enrolled in the course „Skola2030” pieeja",
        ),
    ],
)
def test_the_enrolment_subject_quotes_the_title_once(title, latvian, english):
    context = {"course": SimpleNamespace(title=title)}
    for language, expected in (("lv", latvian), ("en", english)):
        with translation.override(language):
            subject = render_to_string("courses/emails/enrolled_subject.txt", context)
        assert subject.strip() == expected
