"""A course that grows after a teacher completed it, seen in a real browser in
both languages: the cards keep "completed", 100 % and the hours, and name the
lesson published since."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.enrolment.enrolling import enrol
from courses.progress.recording import record_lesson_completed
from tests.courses.test_translation_drift import translate
from tests.e2e.conftest import check_accessibility, expect, sign_in
from tests.factories import make_course, make_lesson, make_module, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-2026"


def test_both_cards_agree_after_a_module_is_added(page, screenshot):
    """After completion, a new module in the Latvian version only: the Latvian and
    the English course card both say completed, 100 %, 60 hours and one lesson
    published since, and every checklist line is ticked."""
    course = make_course(title="Pētnieciskā mācīšanās")
    lessons = []
    for _ in range(3):
        module = make_module(course, hours=Decimal(20))
        lessons += [make_lesson(module) for _ in range(5)]
    english = translate(course)
    teacher = make_user(password=PASSWORD, first_name="Jolanta")
    enrolment = enrol(teacher, course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    make_lesson(make_module(course, hours=Decimal(6)), title="Jaunā nodarbība")

    sign_in(page, teacher.email, PASSWORD, lang="lv")
    page.goto(course.url)
    card = page.locator(".panel--accent")
    expect(card).to_contain_text("Kurss pabeigts")
    expect(card.locator("progress#course-progress")).to_have_attribute("value", "100")
    expect(card).to_contain_text("Pabeigtas nodarbības: 15 no 16")
    expect(card).to_contain_text("iegūtās akadēmiskās stundas: 60")
    expect(card).to_contain_text("publicēta 1 nodarbība")
    expect(card.locator(".checklist__item--met")).to_have_count(1)
    expect(card).not_to_contain_text("vēl nav")
    check_accessibility(page, "course card after a change")
    screenshot(page, "course-grown-lv")

    page.goto(english.url)
    card = page.locator(".panel--accent")
    expect(card).to_contain_text("Course completed")
    expect(card.locator("progress#course-progress")).to_have_attribute("value", "100")
    expect(card).to_contain_text("15 of 16 lessons done · academic hours earned: 60")
    expect(card).to_contain_text("1 lesson was published after you completed")
    expect(card).to_contain_text("Required lessons done 15 / 15")
    expect(card).not_to_contain_text("not yet")
    check_accessibility(page, "course card after a change")
    screenshot(page, "course-grown-en")
