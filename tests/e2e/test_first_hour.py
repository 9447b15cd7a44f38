"""A newcomer's first hour, end to end: an anonymous visitor signs up, confirms the
address from the e-mail, enrols with a cohort key, completes the course (staff
accept the assignment in the admin) and downloads the certificate, which the
demo's task worker, running as a separate process, issues."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import AssignmentSubmission, Enrolment
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment
from tests.e2e.conftest import check_accessibility, expect, sign_in_admin
from tests.e2e.test_journeys import PASSWORD, english, make_admin
from tests.factories import make_cohort, make_course, make_lesson, make_module

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.real_tasks,
    pytest.mark.django_db(transaction=True),
]

KEY = "STEM-DAUGAVPILS"


@pytest.fixture(autouse=True)
def english_catalogue():
    from tests.factories import make_catalogue

    return make_catalogue(title="Courses", locale=english())


def test_newcomer_signs_up_enrols_completes_and_downloads_the_certificate(
    task_worker, page, new_page
):
    """Jolanta Ūzuliņa finds the course, creates an account, confirms her address,
    enrols into her school's cohort with its key, does the lessons and the
    assignment, and after staff accept it finds her certificate issued."""
    make_template()
    course = make_course(title="Inquiry in physics")
    module = make_module(course, title="Levels of inquiry", hours=Decimal(6))
    make_lesson(module, title="From recipe to inquiry", slug="from-recipe")
    make_lesson(module, title="Open inquiry", slug="open-inquiry")
    make_assignment(module, title="Plan an inquiry lesson", locale=english())
    make_cohort(course, name="Cycle 1")
    schools = make_cohort(course, name="Daugavpils schools", enrolment_key=KEY)

    # An anonymous visitor is sent to sign in, and from there to sign up.
    page.goto(course.url)
    page.get_by_role("link", name="Sign in to enrol").click()
    page.locator("main").get_by_role("link", name="Create an account").click()
    check_accessibility(page, "sign-up")
    page.get_by_label("First name").fill("Jolanta")
    page.get_by_label("Last name").fill("Ūzuliņa")
    page.get_by_label("Email", exact=False).first.fill("jolanta.uzulina@skola.lv")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("h1")).to_have_text("Confirm your e-mail address")

    # The link from the e-mail confirms the address and signs her in.
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/\S+/confirm-email/\S+/)", message.body)
    assert link, message.body
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/my/")

    # She enrols with her school's key and lands in its cohort.
    page.goto(course.url)
    page.get_by_label("Enrolment key (if you have one)").fill(KEY.lower())
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.locator(".messages")).to_contain_text("You are enrolled")
    assert Enrolment.objects.get().cohort == schools

    page.get_by_role("link", name="Start the course").click()
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url("**/open-inquiry/")
    page.get_by_role("button", name="Mark as done").click()
    page.goto(module.url)
    page.get_by_role("link", name="Plan an inquiry lesson").click()
    page.locator("#submission-text").fill("Stundas plāns: svārsta periods.")
    page.get_by_role("button", name="Submit").click()

    # Lessons done, the assignment waits: not 100 %, and the page says why.
    page.goto(course.url)
    panel = page.locator(".panel--accent")
    expect(panel).to_contain_text("1 awaiting review")
    assert int(panel.locator("progress").get_attribute("value")) < 100
    assert "Course completed" not in panel.inner_text()

    # Staff accept it in the admin.
    make_admin()
    staff = new_page()
    sign_in_admin(staff, "inese", PASSWORD)
    submission = AssignmentSubmission.objects.get()
    staff.goto(f"/admin/assessment/submissions/{submission.pk}/")
    staff.get_by_label("Accept").check()
    staff.get_by_role("button", name="Save review").click()
    staff.wait_for_url("**/admin/assessment/submissions/")

    # The worker process issues the certificate; it appears on her page.
    page.goto(course.url)
    expect(page.locator(".panel--accent")).to_contain_text("Course completed")
    page.locator(".site-nav").get_by_role("link", name="My certificates").click()
    card = page.locator(".card", has_text="Inquiry in physics")
    for _ in range(60):
        if card.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    certificate = Certificate.objects.get()
    with page.expect_download() as download:
        card.get_by_role("link", name="Download PDF").click()
    data = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Jolanta Ūzuliņa" in text
    assert certificate.serial in text
    assert certificate.hours == Decimal(6)
