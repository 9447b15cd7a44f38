"""After a quiz, the learner reads each question with their own answer, whether it
was right, and the feedback written for that outcome; the lessons lead on to the
module's practical assignment."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses.enrolment.enrolling import enrol
from courses.models import QuizAttempt
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt, submit_attempt
from tests.courses.assessment_factories import (
    MULTIPLE,
    NUMERIC,
    OPT_M1,
    OPT_WRONG,
    SINGLE,
    TRUE_FALSE,
    make_assignment,
    make_quiz,
    question_data,
)
from tests.factories import make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db

RIGHT_TF = "Right: concepts still matter."
WRONG_TF = "Not so: concepts still matter."
RIGHT_SINGLE = "Yes, outcomes first."
WRONG_SINGLE = "No: textbooks come last."


def outcome_questions() -> list[dict]:
    questions = question_data()
    for block in questions:
        if block["id"] == TRUE_FALSE:
            block["value"].update(
                feedback_correct=RIGHT_TF, feedback_incorrect=WRONG_TF
            )
        if block["id"] == SINGLE:
            block["value"].update(
                feedback_correct=RIGHT_SINGLE, feedback_incorrect=WRONG_SINGLE
            )
    return questions


@pytest.fixture
def graded():
    """A learner's submitted attempt: single choice wrong, multiple choice half
    right, true/false right, the number right, the text left empty."""
    quiz = make_quiz(questions=outcome_questions())
    course = make_course()
    lesson = make_lesson(make_module(course), completion_rule="activity", quiz=quiz)
    learner = make_user()
    enrolment = enrol(learner, course)
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(
        attempt,
        {SINGLE: OPT_WRONG, MULTIPLE: [OPT_M1], TRUE_FALSE: False, NUMERIC: "9,8"},
    )
    client = Client()
    client.force_login(learner)
    return client, attempt, lesson


def items(html: str) -> dict[str, str]:
    """Each reviewed question's HTML, by the question's text."""
    found = html.split('<li class="quiz-feedback__item ')[1:]
    return {re.search(r'quiz__text">([^<]*)<', item).group(1): item for item in found}


def test_each_question_shows_the_learners_own_answer(graded):
    """The result lists what the learner chose, in their words, or that they left
    the question unanswered."""
    client, attempt, _ = graded
    with translation.override("en"):
        url = reverse("courses:quiz_result", args=[attempt.pk])
    html = client.get(url).content.decode()
    by_question = items(html)
    assert "Your answer:" in by_question["Where does backward design start?"]
    assert "With textbook chapters" in by_question["Where does backward design start?"]
    assert "Collaboration" in by_question["Which are transversal skills?"]
    assert "Digital literacy" not in by_question["Which are transversal skills?"]
    assert "<li>False</li>" in by_question["Concepts become unimportant."]
    assert "<li>9.8</li>" in by_question["g in m/s²?"]
    assert (
        "You did not answer this question."
        in by_question["The Latvian word for competence?"]
    )


def test_feedback_follows_the_outcome(graded):
    """A wrong answer gets the feedback for a wrong answer, a right one the feedback
    for a right answer, each next to its Correct / Not correct mark."""
    client, attempt, _ = graded
    with translation.override("en"):
        url = reverse("courses:quiz_result", args=[attempt.pk])
    by_question = items(client.get(url).content.decode())
    single = by_question["Where does backward design start?"]
    assert "Not correct" in single and WRONG_SINGLE in single
    assert RIGHT_SINGLE not in single
    true_false = by_question["Concepts become unimportant."]
    assert ">Correct<" in true_false and RIGHT_TF in true_false
    assert WRONG_TF not in true_false
    # The feedback written for everyone follows the outcome's.
    assert true_false.index(RIGHT_TF) < true_false.index(
        "Knowledge of concepts still matters."
    )


def test_result_does_not_give_away_the_right_option(graded):
    """A learner who chose wrongly does not see which option was right: they may
    try again."""
    client, attempt, _ = graded
    with translation.override("en"):
        url = reverse("courses:quiz_result", args=[attempt.pk])
    html = client.get(url).content.decode()
    assert "With learner outcomes" not in html
    assert "Memorisation" not in html


def test_latvian_result_writes_the_number_the_latvian_way(graded):
    """A number answer reads with a decimal comma in Latvian."""
    client, attempt, _ = graded
    with translation.override("lv"):
        url = reverse("courses:quiz_result", args=[attempt.pk])
        html = client.get(url).content.decode()
        assert translation.gettext("Your answer:") in html
    assert "<li>9,8</li>" in html


def test_api_result_feedback_follows_the_outcome():
    """The API's graded result carries the outcome's feedback too."""
    quiz = make_quiz(questions=outcome_questions())
    course = make_course()
    make_lesson(make_module(course), quiz=quiz)
    learner = make_user()
    enrolment = enrol(learner, course)
    client = Client()
    client.force_login(learner)
    attempt, _ = start_attempt(enrolment, quiz)
    response = client.post(
        f"/api/v1/attempts/{attempt.pk}/submit",
        {"answers": {SINGLE: OPT_WRONG, TRUE_FALSE: False}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    feedback = {q["id"]: q["feedback"] for q in response.json()["questions"]}
    assert feedback[SINGLE].startswith(WRONG_SINGLE)
    assert feedback[TRUE_FALSE].startswith(RIGHT_TF)
    assert QuizAttempt.objects.get().submitted_at is not None


# The way on to the assignment ------------------------------------------------------


@pytest.fixture
def course_with_assignment():
    """Two modules; the first sets a practical assignment."""
    course = make_course()
    first = make_module(course, title="Planning")
    lessons = [make_lesson(first), make_lesson(first)]
    second = make_module(course, title="Inquiry")
    later = make_lesson(second)
    assignment = make_assignment(first, title="Your unit plan")
    learner = make_user()
    enrolment = enrol(learner, course)
    client = Client()
    client.force_login(learner)
    return client, course, lessons, later, assignment, enrolment


def test_next_from_a_modules_last_lesson_is_its_assignment(course_with_assignment):
    """The module's last lesson leads on to the assignment, and marking it done
    goes there too."""
    client, _course, lessons, _later, assignment, _ = course_with_assignment
    html = client.get(lessons[-1].url).content.decode()
    url = reverse("courses:assignment", args=[assignment.pk])
    with translation.override("lv"):
        label = translation.gettext("Next: practical assignment")
    pager = html[html.index('class="pager"') :]
    assert f'href="{url}" rel="next"' in pager
    assert label in pager and "Your unit plan" in pager
    assert f'name="next" value="{url}"' in html


def test_next_within_a_module_is_still_the_next_lesson(course_with_assignment):
    """Before the last lesson, Next is the next lesson."""
    client, _course, lessons, _later, _assignment, _ = course_with_assignment
    html = client.get(lessons[0].url).content.decode()
    assert f'href="{lessons[1].url}" rel="next"' in html


def test_a_module_without_assignment_goes_on_to_the_next_module(
    course_with_assignment,
):
    """With no assignment, the last lesson leads to the next module's first."""
    client, _course, lessons, later, assignment, _ = course_with_assignment
    assignment.delete()
    html = client.get(lessons[-1].url).content.decode()
    assert f'href="{later.url}" rel="next"' in html


def test_course_outline_and_checklist_link_to_what_they_name(course_with_assignment):
    """The course page's module card links to its assignment; the checklist's
    unmet lines link to the next required lesson and to the assignment."""
    client, course, lessons, _later, assignment, enrolment = course_with_assignment
    record_lesson_completed(enrolment, lessons[0])
    html = client.get(course.url).content.decode()
    url = reverse("courses:assignment", args=[assignment.pk])
    card = html[html.index("Planning") : html.index("Inquiry</a>")]
    assert f'<a href="{url}">Your unit plan</a>' in card
    checklist = html[html.index('class="checklist"') :]
    checklist = checklist[: checklist.index("</ul>")]
    assert f'href="{lessons[1].url}"' in checklist
    assert f'href="{url}"' in checklist


def test_met_checklist_lines_are_not_links(course_with_assignment):
    """Once every lesson is done, that line no longer sends the learner anywhere."""
    client, course, lessons, later, _assignment, enrolment = course_with_assignment
    for lesson in [*lessons, later]:
        record_lesson_completed(enrolment, lesson)
    html = client.get(course.url).content.decode()
    checklist = html[html.index('class="checklist"') :]
    checklist = checklist[: checklist.index("</ul>")]
    assert lessons[0].url not in checklist and later.url not in checklist
