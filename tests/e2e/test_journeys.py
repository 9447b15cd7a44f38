"""Journeys through the learner site and the admin in a real browser, each on a
small course built with the factories."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Locale

from certificates.issuing import issue_certificate
from certificates.models import (
    BulkIssueJob,
    Certificate,
    CourseCertificateSettings,
)
from courses.enrolment.enrolling import enrol
from courses.models import LessonPage, ModulePage
from courses.progress.recording import record_lesson_completed
from courses.roles import ensure_course_authors_group
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import (
    MULTIPLE,
    NUMERIC,
    OPT_M1,
    OPT_M2,
    OPT_RIGHT,
    SINGLE,
    TEXT,
    TRUE_FALSE,
    make_quiz,
)
from tests.e2e.conftest import (
    check_accessibility,
    expect,
    sign_in,
    sign_in_admin,
    tab_to,
)
from tests.factories import (
    make_catalogue,
    make_cohort,
    make_course,
    make_course_tree,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def english_catalogue():
    """The factories' courses go into an English catalogue, so pages are at /en/."""
    return make_catalogue(title="Courses", locale=english())


def english() -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


PASSWORD = "e2e-password-2026"
KEY = "STEM-DAUGAVPILS"


def make_teacher(**kwargs):
    kwargs.setdefault("first_name", "Jolanta")
    kwargs.setdefault("last_name", "Ūzuliņa")
    return make_user(password=PASSWORD, **kwargs)


def make_admin():
    return make_user(
        username="inese",
        first_name="Inese",
        last_name="Kalniņa",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )


def completed(course, lessons, cohort=None, **user_kwargs):
    """A learner who completed ``course``; returns the enrolment."""
    enrolment = enrol(make_teacher(**user_kwargs), course, cohort=cohort)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    return enrolment


def answer_radio(page, name: str, value: str) -> None:
    """Tabs into a radio group and arrows to ``value``; arrows also select."""
    tab_to(page, f'input[name="{name}"]')
    for _ in range(10):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} cannot be reached with the arrow keys")


def answer_quiz_with_the_keyboard(page) -> None:
    """Answers the factory quiz correctly with Tab, arrows, Space, typing and Enter."""
    answer_radio(page, f"q-{SINGLE}", OPT_RIGHT)
    order = page.eval_on_selector_all(
        f'input[name="q-{MULTIPLE}"]', "inputs => inputs.map(i => i.value)"
    )
    for value in sorted([OPT_M1, OPT_M2], key=order.index):
        tab_to(page, f'input[value="{value}"]')
        page.keyboard.press("Space")
    answer_radio(page, f"q-{TRUE_FALSE}", "false")
    tab_to(page, f"#q-{NUMERIC}")
    page.keyboard.type("9.81")
    tab_to(page, f"#q-{TEXT}")
    page.keyboard.type("Lietpratība")
    tab_to(page, ".quiz__form button[type=submit]")
    page.keyboard.press("Enter")


def test_teacher_enrols_learns_passes_checks_in_and_completes(page, screenshot):
    """A teacher enrols with the cohort key, does every requirement and sees 100 %."""
    course = make_course(title="Inquiry in physics", min_attendance_hours=Decimal(2))
    module = make_module(course, title="Levels of inquiry", hours=Decimal(4))
    make_lesson(module, title="From recipe to inquiry", slug="from-recipe")
    make_lesson(
        module,
        title="Check your understanding",
        slug="check-your-understanding",
        completion_rule=LessonPage.CompletionRule.ACTIVITY,
        quiz=make_quiz(title="Inquiry quiz", locale=english()),
    )
    make_cohort(course, name="Daugavpils schools", enrolment_key=KEY)
    now = timezone.now().replace(second=0, microsecond=0)
    session = make_live_session(
        module, start=now - timedelta(minutes=30), end=now + timedelta(minutes=90)
    )
    teacher = make_teacher()

    sign_in(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Browse courses").click()
    check_accessibility(page, "catalogue")
    page.get_by_role("link", name="Inquiry in physics").click()
    check_accessibility(page, "course")
    page.get_by_label("Enrolment key").fill(KEY)
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="Start the course").click()

    assert page.locator("h1").inner_text() == "From recipe to inquiry"
    check_accessibility(page, "lesson")
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url("**/check-your-understanding/")

    # The quiz, keyboard only: start it, answer every question, submit.
    tab_to(page, "#quiz button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".quiz__form").wait_for()
    check_accessibility(page, "quiz")
    screenshot(page, "quiz-desktop")
    answer_quiz_with_the_keyboard(page)
    page.wait_for_url("**/quiz-attempts/**")
    assert page.locator("#result-heading").inner_text() == "Passed"
    check_accessibility(page, "quiz result")

    page.goto(course.url)
    page.get_by_label("Check-in code").fill(session.check_in_code)
    page.get_by_role("button", name="Check in").click()

    panel = page.locator(".panel--accent")
    # Retrying assertions: the check-in reloads the course page.
    expect(panel.locator("progress")).to_have_attribute("value", "100")
    expect(panel).to_contain_text("Course completed")
    expect(panel.locator(".checklist__item")).to_have_count(3)
    expect(panel.locator(".checklist__item--met")).to_have_count(3)
    check_accessibility(page, "completed course")


def test_certificate_downloads_and_verifies(page, new_page, screenshot):
    """The automatic certificate is listed, downloads as a PDF with the teacher's
    name, and its printed verification URL says it is valid."""
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=1, title="Inquiry")
    completed(course, lessons, username="jolanta", email="jolanta@example.edu")
    certificate = Certificate.objects.get()

    sign_in(page, "jolanta@example.edu", PASSWORD)
    page.locator(".site-nav").get_by_role("link", name="My certificates").click()
    card = page.locator(".card", has_text=certificate.serial)
    assert "Valid" in card.inner_text()
    check_accessibility(page, "my certificates")
    screenshot(page, "certificates-desktop")

    with page.expect_download() as download:
        card.get_by_role("link", name="Download PDF").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Jolanta Ūzuliņa" in text
    # The printed URL names the public site; open its path on this server, signed
    # out, as an employer scanning the QR code would.
    printed = re.search(r"/verify/\s*([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})", text)
    assert printed, text
    assert printed.group(1).replace("-", "") == certificate.verification_code
    visitor = new_page()
    visitor.goto(f"/verify/{printed.group(1)}/")
    assert "This certificate is valid." in visitor.locator("main").inner_text()
    assert "Jolanta Ūzuliņa" in visitor.locator("main").inner_text()
    check_accessibility(visitor, "verification")
    screenshot(visitor, "verification-desktop")

    # The principal who was e-mailed the PDF checks the file itself.
    visitor.goto("/verify/")
    visitor.get_by_label("The certificate's PDF file").set_input_files(
        files=[
            {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": data}
        ]
    )
    visitor.get_by_role("button", name="Check the file").click()
    main = visitor.locator("main").inner_text()
    assert (
        f"This is exactly the file we issued as certificate {certificate.serial}."
        in main
    )
    assert "Its signature is ours and intact." in main
    check_accessibility(visitor, "file check")


def test_author_adds_module_and_lesson_that_teachers_then_see(page, new_page):
    """A course author creates, previews and publishes a module and a lesson in the
    Wagtail admin, and an enrolled teacher finds the lesson in the course."""
    course = make_course(title="Inquiry in physics")
    make_lesson(make_module(course, title="Levels of inquiry"), title="Open inquiry")
    teacher = make_teacher()
    enrol(teacher, course)
    author = make_user(
        username="maris", first_name="Māris", last_name="Bērziņš", password=PASSWORD
    )
    author.groups.add(ensure_course_authors_group())

    sign_in_admin(page, "maris", PASSWORD)
    page.goto(f"/admin/pages/{course.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.locator("#id_title").fill("Modelling with data")
    page.locator("#id_hours").fill("6")
    publish_in_admin(page)
    module = ModulePage.objects.get(title="Modelling with data")
    assert module.live

    page.goto(f"/admin/pages/{module.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.locator("#id_title").fill("Fitting a line")
    page.locator("button[title='Insert a block']").first.click()
    page.get_by_role("option", name="Text").click()
    # Draftail listens to key presses, not to text set on the element.
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Least squares by hand.")
    # Draftail writes its hidden field a moment later; saving sooner saves nothing.
    page.wait_for_function(
        """() => [...document.querySelectorAll("input[type=hidden]")]
            .some((input) => input.value.includes("Least squares"))"""
    )
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/edit/")
    lesson = LessonPage.objects.get(title="Fitting a line")
    assert not lesson.live
    # The side panel previews the draft with the learner site's template.
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("h1", has_text="Fitting a line").wait_for()
    preview.get_by_text("Least squares by hand.").wait_for()
    publish_in_admin(page)
    lesson.refresh_from_db()
    assert lesson.live

    learner = new_page()
    sign_in(learner, teacher.email, PASSWORD)
    learner.goto(course.url)
    learner.get_by_role("link", name="Fitting a line").click()
    assert learner.locator("h1").inner_text() == "Fitting a line"
    assert "Least squares by hand." in learner.locator("main").inner_text()


def publish_in_admin(page) -> None:
    """Publishes the page being edited from the footer's action menu."""
    page.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    messages = page.locator(".messages").inner_text()
    # On a validation error, name the fields and their messages, not only the banner.
    errors = page.locator(".w-field--error, .error-message").all_inner_texts()
    assert "published" in messages, (messages, errors)


def test_admin_bulk_issues_for_a_cohort_and_watches_it_finish(page, settings):
    """The bulk issue page's progress bar moves to the end as the job runs."""
    # A queue that nobody works until this test runs the worker, so the page is
    # seen waiting and then finishing.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    course, lessons = make_course_tree(modules=1, lessons=1, title="Inquiry")
    CourseCertificateSettings.objects.create(
        course=course, template=make_template(), issue_automatically=False
    )
    cohort = make_cohort(course, name="Daugavpils schools")
    for n in range(3):
        completed(course, lessons, cohort=cohort, username=f"teacher{n}")
    make_admin()

    sign_in_admin(page, "inese", PASSWORD)
    page.goto("/admin/certificates/")
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Bulk issue").click()
    course_select = page.get_by_label("Course")
    course_select.select_option(
        value=course_select.locator("option", has_text="Inquiry").get_attribute("value")
    )
    page.get_by_label("Cohort").select_option(label="Daugavpils schools")
    page.get_by_role("button", name="Issue certificates").click()
    page.wait_for_url("**/admin/certificates/bulk/*/")
    # The header names the page and its course, not "Home".
    expect(page).to_have_title(re.compile(r"^Bulk issue: Inquiry"))
    bar = page.get_by_role("progressbar", name="Bulk issue progress")
    assert page.locator("#bulk-job").get_attribute("data-finished") == "false"
    assert bar.get_attribute("aria-valuenow") == "0"
    assert BulkIssueJob.objects.get().status == BulkIssueJob.Status.PENDING

    # The worker runs what is queued (the job and whatever it splits off) and stops.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # The page polls every second and reloads itself when the job is finished.
    page.wait_for_selector('#bulk-job[data-finished="true"]', timeout=20_000)
    assert bar.get_attribute("aria-valuenow") == bar.get_attribute("aria-valuemax")
    assert bar.get_attribute("aria-valuemax") == "3"
    expect(bar).to_have_text("100%")
    assert "3 issued" in page.locator("[data-progress-text]").inner_text()
    assert Certificate.objects.filter(cohort=cohort).count() == 3


def test_admin_revokes_and_verification_says_revoked(page, new_page):
    """A revoked certificate's public page says so."""
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=1, title="Inquiry")
    certificate = issue_certificate(
        completed(course, lessons), how=Certificate.How.MANUAL, reason="Paper register"
    )
    make_admin()

    sign_in_admin(page, "inese", PASSWORD)
    page.goto("/admin/certificates/")
    row = page.locator("tr", has_text=certificate.serial)
    row.get_by_role("button", name=re.compile("More options")).click()
    row.get_by_role("link", name="Revoke").click()
    page.get_by_label("Public reason").select_option("error")
    page.get_by_label("Internal reason").fill("Issued to the wrong person")
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_url("**/admin/certificates/")
    assert "is revoked" in page.locator(".messages").inner_text()

    visitor = new_page()
    visitor.goto(certificate.get_absolute_url())
    main = visitor.locator("main").inner_text()
    assert "This certificate was revoked on" in main
    assert "Reason: Issued in error." in main
    assert "wrong person" not in main
    check_accessibility(visitor, "revoked verification")
