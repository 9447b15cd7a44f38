"""Peer feedback in a real browser on a phone-sized screen: a teacher comments on
a colleague's plan, a tutor approves it in the admin, and the colleague reads it."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Locale

from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from tests.courses.assessment_factories import make_assignment
from tests.e2e.conftest import (
    assert_no_horizontal_scroll,
    check_accessibility,
    expect,
    sign_in,
    sign_in_admin,
)
from tests.factories import (
    make_catalogue,
    make_cohort,
    make_course,
    make_lesson,
    make_module,
    make_tutor,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-2026"
#: The narrowest phone the learner pages are checked on for peer feedback.
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def english_catalogue():
    locale = Locale.objects.get_or_create(language_code="en")[0]
    return make_catalogue(title="Courses", locale=locale)


def test_teacher_comments_tutor_approves_colleague_reads(new_page, screenshot):
    """At 390 px: the teacher opens the colleague's file, is told an empty
    comment needs words, sends one; the tutor approves it; the colleague reads
    it under their own work. No sideways scrolling, axe clean."""
    course = make_course(title="Competence-based teaching")
    module = make_module(course)
    make_lesson(module)
    assignment = make_assignment(module, title="Learning unit plan", peer_feedback=True)
    cohort = make_cohort(course, name="Cycle 1")
    teacher = make_user(first_name="Jolanta", last_name="Ūzuliņa", password=PASSWORD)
    colleague = make_user(first_name="Ilze", last_name="Liepa", password=PASSWORD)
    tutor = make_tutor(cohort, username="tutor", first_name="Māris", password=PASSWORD)
    submit_assignment(
        enrol(colleague, course, cohort=cohort),
        assignment,
        text="Biology, grade 8: why do plants lean towards the window?",
        upload=ContentFile(b"%PDF-1.7 plan", name="ilze-plan.pdf"),
    )
    submit_assignment(
        enrol(teacher, course, cohort=cohort), assignment, text="Physics, grade 9"
    )

    phone = new_page(viewport=PHONE_390)
    sign_in(phone, teacher.email, PASSWORD)
    phone.goto(f"/en/assignments/{assignment.pk}/")
    section = phone.locator("section", has=phone.locator("#peer-heading"))
    expect(section).to_contain_text("why do plants lean towards the window?")
    with phone.expect_download() as download:
        section.get_by_role("link", name="Download ilze-plan.pdf").click()
    assert download.value.suggested_filename == "ilze-plan.pdf"
    section.get_by_role("button", name="Send comment").click()
    expect(phone.get_by_role("alert")).to_have_text("Write a comment.")
    box = phone.get_by_label("Your comment")
    box.fill("A clear big question. Could one criterion say how pupils show it?")
    assert_no_horizontal_scroll(phone, "peer feedback")
    check_accessibility(phone, "peer feedback")
    screenshot(phone, "peer-feedback-phone")
    phone.get_by_role("button", name="Send comment").click()
    expect(phone.locator(".messages, [role=status]").first).to_contain_text(
        "once the course team approves it"
    )
    expect(phone.locator("#peer-heading ~ ol")).to_contain_text(
        "waiting for the course team's approval"
    )

    admin = new_page()
    sign_in_admin(admin, tutor.username, PASSWORD)
    admin.goto("/admin/assessment/submissions/peer-comments/")
    expect(admin.locator("main")).to_contain_text("A clear big question.")
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("main")).to_contain_text(
        "No comments are awaiting moderation."
    )

    owner = new_page(viewport=PHONE_390)
    sign_in(owner, colleague.email, PASSWORD)
    owner.goto(f"/en/assignments/{assignment.pk}/")
    received = owner.locator("section", has=owner.locator("#received-heading"))
    expect(received).to_contain_text("A clear big question.")
    expect(received).to_contain_text("Jolanta Ūzuliņa")
    assert_no_horizontal_scroll(owner, "comments received")
    check_accessibility(owner, "comments received")
    screenshot(owner, "peer-comments-received-phone")
