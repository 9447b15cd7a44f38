"""The demo programme in a real browser: language switching, phone layout,
accessibility of the learner pages and the README's screenshots."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.e2e.conftest import (
    PHONE,
    assert_no_horizontal_scroll,
    check_accessibility,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURSE = "stem-competence-approach"
MODULE = "competence-based-approach"
LESSON = "transversal-skills-in-stem"
LESSON_PATH = f"{COURSE}/{MODULE}/{LESSON}/"


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_language_switcher_turns_the_lesson_latvian_and_back(demo, page, screenshot):
    """The switcher swaps a lesson between its Latvian and English versions in place."""
    sign_in(page, "teacher@example.edu", "teacher-demo-2026", lang="lv")
    page.goto(f"/lv/{LESSON_PATH}")
    assert page.locator("html").get_attribute("lang") == "lv"
    latvian_title = page.locator("h1").inner_text()
    check_accessibility(page, "Latvian lesson")

    page.locator(".language-switcher button", has_text="English").click()
    page.wait_for_url(f"**/en/{LESSON_PATH}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Transversal skills in STEM lessons"
    assert page.locator(".site-nav").get_by_text("My courses").is_visible()
    check_accessibility(page, "English lesson")
    screenshot(page, "lesson-desktop")

    page.locator(".language-switcher button", has_text="Latviešu").click()
    page.wait_for_url(f"**/lv/{LESSON_PATH}")
    assert page.locator("h1").inner_text() == latvian_title


def test_phone_shows_pages_without_sideways_scrolling(demo, new_page, screenshot):
    """At 375 px the catalogue, course, lesson and dashboard fit the screen's width."""
    page = new_page(viewport=PHONE)
    sign_in(page, "teacher@example.edu", "teacher-demo-2026")
    pages = {
        "catalogue": "/en/",
        "course": f"/en/{COURSE}/",
        "lesson": f"/en/{LESSON_PATH}",
        "dashboard": "/en/my/",
    }
    for name, url in pages.items():
        page.goto(url)
        assert_no_horizontal_scroll(page, name)
        screenshot(page, f"{name}-phone")


def test_demo_pages_at_desktop_width(demo, page, screenshot):
    """The catalogue, course and dashboard pass axe and are captured for the README."""
    page.goto("/en/")
    check_accessibility(page, "catalogue")
    screenshot(page, "catalogue-desktop")
    sign_in(page, "teacher@example.edu", "teacher-demo-2026")
    page.goto(f"/en/{COURSE}/")
    check_accessibility(page, "course")
    screenshot(page, "course-desktop")
    page.goto("/en/my/")
    check_accessibility(page, "dashboard")
    screenshot(page, "dashboard-desktop")
