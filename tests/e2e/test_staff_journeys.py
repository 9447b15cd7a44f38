"""A course team's day in a real browser, each member in a Latvian admin: an
author builds a module, a tutor reviews work and takes attendance, a programme
administrator issues and revokes certificates. What they do shows where
teachers and the public look; no console errors, axe clean."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from wagtail.users.models import UserProfile

from certificates.issuing import issue_certificate
from certificates.models import Certificate, CourseCertificateSettings
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import Assignment, LessonPage, ModulePage
from courses.progress.recording import record_lesson_completed
from courses.roles import courses_collection, ensure_course_authors_group
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment
from tests.e2e.conftest import (
    check_accessibility,
    expect,
    sign_in,
    sign_in_admin,
    watch_console,
)
from tests.factories import (
    make_cohort,
    make_course,
    make_course_tree,
    make_lesson,
    make_live_session,
    make_module,
    make_programme_admin,
    make_tutor,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-2026"
#: Wagtail's editors save a draft by themselves while one types (autosave).
NOT_AUTOSAVING = """() => {
    const indicator = document.getElementById("w-autosave-indicator");
    return !indicator || indicator.dataset.wAutosaveStateValue !== "saving";
}"""


#: Draftail's editing area has no accessible name (its label names the hidden
#: input it replaces): https://github.com/wagtail/wagtail/issues/14205
DRAFTAIL_UNNAMED = {
    "aria-input-field-name": (".Draftail-Editor", "wagtail/wagtail#14205")
}
#: The choosers' Bootstrap modal has no accessible name either; Wagtail means to
#: replace it with its own dialog: https://github.com/wagtail/wagtail/issues/12544
UNNAMED_MODAL = {"aria-dialog-name": (".modal", "wagtail/wagtail#12544")}


def in_latvian(user):
    """``user``, whose admin speaks Latvian (the browser asks for English)."""
    UserProfile.objects.update_or_create(
        user=user, defaults={"preferred_language": "lv"}
    )
    return user


def publish(page) -> str:
    """Publishes what is being edited from the footer's menu, as a person does,
    who does not press "Publicēt" while a draft is being saved; returns the
    messages shown."""
    page.get_by_role("button", name="Citas darbības").click()
    page.wait_for_function(NOT_AUTOSAVING)
    with page.expect_navigation():
        page.get_by_role("button", name="Publicēt").click()
    return page.locator(".messages").inner_text()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "#1f4e79").save(buffer, format="PNG")
    return buffer.getvalue()


def test_author_builds_a_module_that_teachers_then_see(page, new_page):
    """In the Latvian admin a course author adds a module, and in it a lesson
    with a quiz written in the lesson's quiz chooser and a picture uploaded
    through the image chooser into the course collection, publishes them and
    sets the module's assignment; an enrolled teacher then finds all of it."""
    course = make_course(title="Pētnieciskā mācīšanās")
    make_lesson(make_module(course, title="Ievads"), title="Kas ir pētījums")
    teacher = make_user(password=PASSWORD)
    enrol(teacher, course)
    author = in_latvian(make_user(username="maris", password=PASSWORD))
    author.groups.add(ensure_course_authors_group())
    errors = watch_console(page)

    sign_in_admin(page, "maris", PASSWORD)
    page.goto(f"/admin/pages/{course.pk}/")
    page.get_by_role("link", name="Pievienot apakšlapu").first.click()
    page.get_by_placeholder("Lapas virsraksts").fill("Modelēšana ar datiem")
    page.get_by_role("spinbutton", name="Akadēmiskās stundas").fill("6")
    assert "izveidota un publicēta" in publish(page)
    module = ModulePage.objects.get(title="Modelēšana ar datiem")

    page.goto(f"/admin/pages/add/courses/lessonpage/{module.pk}/")
    page.get_by_placeholder("Lapas virsraksts").fill("Taisnes pielāgošana")
    write_text(page, "Mazāko kvadrātu metode ar rokām.")
    upload_picture(page)
    page.get_by_role("combobox", name="Pabeigšanas nosacījums").select_option(
        "activity"
    )
    write_quiz(page)
    check_accessibility(page, "lesson editor", upstream=DRAFTAIL_UNNAMED)
    # "izveidota un publicēta", or "ir publicēta" when Wagtail's autosave made
    # the page a draft first: published either way.
    assert "publicēta" in publish(page)
    lesson = LessonPage.objects.get(title="Taisnes pielāgošana")
    assert lesson.live
    assert (lesson.quiz.title, lesson.quiz.live) == ("Datu modelēšana: pārbaude", True)
    assert lesson.quiz.locale == lesson.locale
    assert lesson.body[1].value.collection == courses_collection()

    page.goto("/admin/snippets/courses/assignment/add/")
    page.get_by_role("textbox", name="Nosaukums").fill("Mans datu modelis")
    page.get_by_role("button", name="Izvēlēties lapu").click()
    chooser = page.locator(".modal-dialog")
    chooser.get_by_placeholder("Meklēt").fill("Modelēšana")
    chooser.get_by_role("link", name="Modelēšana ar datiem").click()
    expect(chooser).to_have_count(0)
    type_rich_text(page, "Pielāgojiet taisni savas klases mērījumiem.")
    with page.expect_navigation():
        page.get_by_role("button", name="Saglabāt").click()
    assert Assignment.objects.get(title="Mans datu modelis").page_id == module.pk
    assert errors == []

    learner = new_page()
    learner_errors = watch_console(learner)
    sign_in(learner, teacher.email, PASSWORD, lang="lv")
    learner.goto(course.url)
    learner.get_by_role("link", name="Modelēšana ar datiem").click()
    main = learner.locator("main")
    expect(main.get_by_role("link", name="Mans datu modelis")).to_be_visible()
    main.get_by_role("link", name="Taisnes pielāgošana").click()
    expect(main).to_contain_text("Mazāko kvadrātu metode ar rokām.")
    expect(main.get_by_alt_text("Punkti ap augošu taisni")).to_be_visible()
    expect(main.get_by_role("button", name="Sākt testu")).to_be_visible()
    check_accessibility(learner, "new lesson")
    assert learner_errors == []


def test_tutor_reviews_and_takes_attendance_and_the_teacher_sees_it(page, new_page):
    """A tutor accepts a teacher's plan with feedback and marks the teacher
    present at yesterday's session of their cohort, in the Latvian admin; the
    teacher's checklist then counts the assignment and the hours, and the
    assignment page shows the feedback."""
    course = make_course(title="Pētnieciskā mācīšanās", min_attendance_hours=2)
    module = make_module(course, title="Plānošana")
    first = make_lesson(module, title="Mērķi")
    make_lesson(module, title="Kritēriji")
    assignment = make_assignment(module, title="Mācību stundas plāns")
    cohort = make_cohort(course, name="Daugavpils 2026")
    yesterday = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)
    make_live_session(
        module,
        cohort=cohort,
        title="Plānošanas seminārs",
        start=yesterday,
        hours=Decimal(2),
    )
    teacher = make_user(first_name="Ilze", last_name="Liepa", password=PASSWORD)
    enrolment = enrol(teacher, course, cohort=cohort)
    record_lesson_completed(enrolment, first)
    submit_assignment(enrolment, assignment, text="Fizika, 9. klase: svārsts.")
    in_latvian(
        make_tutor(
            cohort,
            username="anna",
            first_name="Anna",
            last_name="Ozola",
            password=PASSWORD,
        )
    )
    errors = watch_console(page)

    sign_in_admin(page, "anna", PASSWORD)
    page.get_by_role("link", name="Iesniegtie darbi").click()
    page.get_by_role("link", name="Ilze Liepa").click()
    main = page.locator("main")
    expect(main).to_contain_text("Fizika, 9. klase: svārsts.")
    check_accessibility(page, "review")
    page.get_by_label("Pieņemt").check()
    page.get_by_label("Atgriezeniskā saite dalībniekam").fill(
        "Skaidrs mērķis. Pievienojiet vērtēšanas kritērijus."
    )
    page.get_by_role("button", name="Saglabāt pārbaudes rezultātu").click()
    expect(page.locator(".messages")).to_contain_text(
        "Pārbaudes rezultāts ir saglabāts."
    )

    page.get_by_role("link", name="Sesijas").click()
    row = page.locator("tr", has_text="Plānošanas seminārs")
    row.get_by_role("button", name="Citas iespējas").click()
    row.get_by_role("link", name="Apmeklējuma žurnāls").click()
    register = page.get_by_role("group", name="Apmeklējums: Ilze Liepa")
    register.get_by_label("Piedalījās", exact=True).check()
    check_accessibility(page, "attendance register")
    page.get_by_role("button", name="Saglabāt apmeklējuma žurnālu").click()
    expect(page.locator(".messages")).to_contain_text(
        "Apmeklējums saglabāts 1 dalībniekam."
    )
    assert errors == []

    learner = new_page()
    learner_errors = watch_console(learner)
    sign_in(learner, teacher.email, PASSWORD, lang="lv")
    learner.goto(course.url)
    checklist = learner.locator(".checklist")
    met = checklist.locator(".checklist__item--met")
    expect(met.filter(has_text="Pieņemtie praktiskie uzdevumi")).to_contain_text(
        "1 / 1"
    )
    expect(met.filter(has_text="Apmeklētās sesiju stundas")).to_contain_text("2 / 2")
    check_accessibility(learner, "course progress")
    learner.goto(f"/lv/assignments/{assignment.pk}/")
    work = learner.locator(".submission--accepted")
    expect(work).to_contain_text("Pieņemts")
    expect(work).to_contain_text("Pievienojiet vērtēšanas kritērijus.")
    assert learner_errors == []


def test_programme_administrator_issues_and_revokes(page, new_page):
    """In the Latvian admin a programme administrator issues a certificate to a
    teacher whose attendance was kept on paper and revokes one issued to the
    wrong person; its public page then says it is revoked, and why."""
    course, lessons = make_course_tree(modules=1, lessons=1, title="Pētniecība")
    CourseCertificateSettings.objects.create(
        course=course, template=make_template(), issue_automatically=False
    )
    finished = []
    for first_name in ("Ilze", "Jānis"):
        enrolment = enrol(make_user(first_name=first_name, last_name="Liepa"), course)
        record_lesson_completed(enrolment, lessons[0])
        finished.append(enrolment)
    wrong = issue_certificate(
        finished[1], how=Certificate.How.MANUAL, reason="Papīra reģistrs"
    )
    in_latvian(make_programme_admin(username="liga", password=PASSWORD))
    errors = watch_console(page)

    sign_in_admin(page, "liga", PASSWORD)
    page.get_by_role("link", name="Apliecības", exact=True).click()
    page.get_by_role("button", name="Darbības").click()
    page.get_by_role("link", name="Izsniegt vienu apliecību").click()
    page.get_by_label("Dalībnieka e-pasts").fill(finished[0].user.email)
    page.get_by_label("Iemesls").fill("Apmeklējums reģistrēts uz papīra")
    check_accessibility(page, "issue a certificate")
    page.get_by_role("button", name="Izsniegt").click()
    issued = Certificate.objects.get(enrolment=finished[0])
    expect(page.locator(".messages")).to_contain_text(
        f"Izsniegta apliecība {issued.serial} (Ilze Liepa)."
    )

    row = page.locator("tr", has_text=wrong.serial)
    row.get_by_role("button", name="Citas iespējas").click()
    row.get_by_role("link", name="Atsaukt").click()
    page.get_by_label("Publiskais iemesls").select_option("error")
    page.get_by_label("Iekšējais iemesls").fill("Izsniegta nepareizai personai")
    check_accessibility(page, "revoke a certificate")
    page.get_by_role("button", name="Atsaukt").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Apliecība {wrong.serial} ir atsaukta."
    )
    assert errors == []

    visitor = new_page()
    visitor_errors = watch_console(visitor)
    visitor.goto(wrong.get_absolute_url())
    # The QR code's address speaks the browser's language; this visitor reads
    # Latvian.
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Latviešu").click()
    alert = visitor.get_by_role("alert")
    expect(alert).to_contain_text("Šī apliecība tika atsaukta")
    expect(alert).to_contain_text("Iemesls: Izsniegta kļūdaini.")
    expect(visitor.locator("main")).not_to_contain_text("nepareizai personai")
    check_accessibility(visitor, "revoked certificate")
    visitor.goto(issued.get_absolute_url())
    expect(visitor.get_by_role("status")).to_have_text("Šī apliecība ir derīga.")
    assert visitor_errors == []


def write_text(page, text: str) -> None:
    """A text block at the top of the lesson."""
    page.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Teksts", exact=True).click()
    type_rich_text(page, text)


def type_rich_text(page, text: str) -> None:
    """Types into the first rich text editor of the form."""
    # Draftail listens to key presses, not to text set on the element.
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type(text)
    # Draftail writes its hidden field a moment later; saving sooner saves nothing.
    page.wait_for_function(
        """(text) => [...document.querySelectorAll("input[type=hidden]")]
            .some((input) => input.value.includes(text))""",
        arg=text[:20],
    )


def upload_picture(page) -> None:
    """An image block below the text, its picture uploaded in the chooser."""
    page.locator(".c-sf-add-button").last.click()
    page.get_by_role("option", name="Attēls").click()
    page.get_by_role("button", name="Izvēlēties attēlu").click()
    page.get_by_role("tab", name="Augšupielādēt").click()
    upload = page.locator(".modal-dialog form[enctype]")
    upload.get_by_role("textbox", name="Nosaukums").fill("Punktu mākonis")
    upload.get_by_label("Fails").set_input_files(
        {"name": "punkti.png", "mimeType": "image/png", "buffer": png()}
    )
    upload.get_by_role("button", name="Augšupielādēt").click()
    expect(page.locator(".modal-dialog")).to_have_count(0)
    page.get_by_role("textbox", name="Alt teksts").fill("Punkti ap augošu taisni")


def write_quiz(page) -> None:
    """A one-question quiz, written in the "Izveidot" tab of the quiz chooser."""
    page.get_by_role("button", name="Izvēlēties testu").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="Izveidot").click()
    modal.get_by_role("textbox", name="Nosaukums").fill("Datu modelēšana: pārbaude")
    modal.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Vienas izvēles jautājums").click()
    question = "#quiz-chooser-create-questions-0-value"
    modal.locator(f"{question}-text").fill("Kā atrod taisni, kas vislabāk der?")
    modal.locator(f"{question}-options-0-value-text").fill("Ar mazākajiem kvadrātiem")
    modal.locator(f"{question}-options-0-value-correct").check()
    modal.locator("[data-contentpath=options] [data-streamfield-list-add]").last.click()
    modal.locator(f"{question}-options-1-value-text").fill("Uz aci")
    check_accessibility(
        page, "new quiz in the chooser", upstream=DRAFTAIL_UNNAMED | UNNAMED_MODAL
    )
    modal.get_by_role("button", name="Izveidot").click()
    expect(modal).to_have_count(0)
    expect(page.locator("[data-field-input]", has_text="pārbaude")).to_be_visible()
