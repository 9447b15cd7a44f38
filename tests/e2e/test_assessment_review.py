"""On a 390 px phone: a long question stays inside its box, the result shows the
learner's answers with the feedback for each outcome, and the module's last lesson
leads on to its assignment. In the admin: the level chooser follows the competence."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from courses.competences.frameworks import load_frameworks
from courses.enrolment.enrolling import enrol
from courses.models import Competence, FrameworkLevel, ModuleCompetence
from tests.courses.assessment_factories import (
    OPT_WRONG,
    SINGLE,
    TRUE_FALSE,
    make_assignment,
    make_quiz,
    question_data,
)
from tests.e2e.conftest import (
    assert_no_horizontal_scroll,
    check_accessibility,
    sign_in,
    sign_in_admin,
)
from tests.factories import (
    make_catalogue,
    make_course,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-2026"
PHONE_390 = {"width": 390, "height": 844}
LONG_QUESTION = (
    "Considering the Skola2030 transversal skills and the DigCompEdu framework, "
    "where does backward design start when a teacher plans a learning unit of "
    "several weeks with an interdisciplinary investigation "
    "(Daugavpils-Universitātes-Inovāciju-Centra-Laboratorija)?"
)


def test_quiz_review_and_the_way_on_at_390_px(new_page, screenshot):
    """A learner on a phone answers a long question inside its box, reads their
    answers with the outcome's feedback, and goes on to the assignment."""
    locale = Locale.objects.get_or_create(language_code="en")[0]
    make_catalogue(title="Courses", locale=locale)
    questions = question_data()
    questions[0]["value"]["text"] = LONG_QUESTION
    questions[0]["value"]["feedback_incorrect"] = "Not yet: outcomes come first."
    questions[2]["value"]["feedback_correct"] = "Right: concepts still matter."
    quiz = make_quiz(questions=questions, locale=locale)
    course = make_course(title="Inquiry in physics")
    module = make_module(course, title="Planning")
    make_lesson(module, title="Outcomes")
    last = make_lesson(module, title="Check", completion_rule="activity", quiz=quiz)
    make_assignment(module, title="Your unit plan")
    learner = make_user(email="ilze@example.edu", password=PASSWORD)
    enrol(learner, course)

    page = new_page(viewport=PHONE_390)
    sign_in(page, "ilze@example.edu", PASSWORD)
    page.goto(last.url)
    page.get_by_role("button", name="Start quiz").click()
    fieldset = page.locator("fieldset.quiz__question").first
    legend = fieldset.locator("legend")
    box, text = fieldset.bounding_box(), legend.bounding_box()
    assert (
        text["x"] >= box["x"] and text["x"] + text["width"] <= box["x"] + box["width"]
    ), (box, text)
    # Inside the box, below its top border, not across it.
    assert text["y"] > box["y"], (box, text)
    assert_no_horizontal_scroll(page, "quiz")
    screenshot(page, "quiz-long-question-390")

    page.locator(f'input[name="q-{SINGLE}"][value="{OPT_WRONG}"]').check()
    page.locator(f'input[name="q-{TRUE_FALSE}"][value="false"]').check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/quiz-attempts/*/")
    first = page.locator(".quiz-feedback__item").first
    assert "With textbook chapters" in first.inner_text()
    assert "Not yet: outcomes come first." in first.inner_text()
    third = page.locator(".quiz-feedback__item").nth(2)
    assert "Right: concepts still matter." in third.inner_text()
    assert "You did not answer this question." in page.locator("main").inner_text()
    assert_no_horizontal_scroll(page, "quiz result")
    check_accessibility(page, "quiz result")
    screenshot(page, "quiz-result-390")

    page.goto(last.url)
    page.get_by_role("link", name="Next: practical assignment").click()
    page.get_by_role("heading", name="Your unit plan").wait_for()


def test_level_chooser_offers_the_competences_framework(page):
    """The module editor's level list shows DigCompEdu levels for a DigCompEdu
    competence, and switches to EntreComp's when the competence changes."""
    load_frameworks()
    make_user(username="inese", password=PASSWORD, is_staff=True, is_superuser=True)
    module = make_module(make_course())
    digital = Competence.objects.get(framework__code="DigCompEdu", code="3.1")
    ModuleCompetence.objects.create(
        module=module,
        competence=digital,
        target_level=FrameworkLevel.objects.get(framework=digital.framework, code="B1"),
    )
    sign_in_admin(page, "inese", PASSWORD)
    page.goto(f"/admin/pages/{module.pk}/edit/")
    level = page.locator("#id_module_competences-0-target_level")
    offered = "s => [...s.options].filter(o => o.value && !o.disabled).map(o => o.text)"
    codes = [text.split()[0] for text in level.evaluate(offered)]
    assert codes == ["A1", "A2", "B1", "B2", "C1", "C2"]
    entrecomp = Competence.objects.filter(framework__code="EntreComp").first()
    # What Wagtail's chooser does when a competence is chosen in its modal.
    page.evaluate(
        """(id) => {
            const input = document.getElementById("id_module_competences-0-competence");
            input.value = id;
            input.dispatchEvent(new Event("change", {bubbles: true}));
        }""",
        str(entrecomp.pk),
    )
    codes = [text.split()[0] for text in level.evaluate(offered)]
    assert codes == [str(n) for n in range(1, 9)]
    assert level.input_value() == ""
