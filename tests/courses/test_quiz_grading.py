"""Grading quizzes: each question type, the pass mark, answers no form could
produce, and properties that hold for any answers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.models import Quiz
from courses.quizzes.grading import QuizError, grade
from tests.courses.assessment_factories import (
    CORRECT,
    MULTIPLE,
    NUMERIC,
    OPT_M1,
    OPT_M2,
    OPT_M3,
    OPT_RIGHT,
    OPT_WRONG,
    SINGLE,
    TEXT,
    TRUE_FALSE,
    question_data,
)

pytestmark = pytest.mark.django_db


def unsaved_quiz(**kwargs) -> Quiz:
    kwargs.setdefault("questions", question_data())
    kwargs.setdefault("pass_mark", 60)
    return Quiz(title="Tests", **kwargs)


# Grading ------------------------------------------------------------------------


def test_all_correct_answers_get_full_marks():
    """Every question type counts a right answer, and the quiz is passed."""
    result = grade(unsaved_quiz(), CORRECT)
    assert (result.score, result.max_score, result.percent) == (5, 5, 100)
    assert result.passed
    assert all(q.correct for q in result.questions)


def test_single_choice_counts_only_the_correct_option():
    """A wrong option earns nothing; the right one earns the question's points."""
    quiz = unsaved_quiz(questions=question_data(points=3))
    assert grade(quiz, {SINGLE: OPT_RIGHT}).score == 3
    assert grade(quiz, {SINGLE: OPT_WRONG}).score == 0


def test_multiple_choice_needs_exactly_the_correct_options():
    """Missing or extra options earn nothing; the order chosen does not matter."""
    quiz = unsaved_quiz()
    assert grade(quiz, {MULTIPLE: [OPT_M2, OPT_M1]}).score == 1
    assert grade(quiz, {MULTIPLE: [OPT_M1]}).score == 0
    assert grade(quiz, {MULTIPLE: [OPT_M1, OPT_M2, OPT_M3]}).score == 0


def test_true_false():
    """True/false compares the learner's boolean with the key."""
    quiz = unsaved_quiz()
    assert grade(quiz, {TRUE_FALSE: False}).score == 1
    assert grade(quiz, {TRUE_FALSE: True}).score == 0


@pytest.mark.parametrize(
    ("answer", "points"),
    [(9.81, 1), ("9,84", 1), ("9.76", 1), (9.87, 0), ("9.7", 0), (10, 0)],
)
def test_numeric_answers_within_the_tolerance_count(answer, points):
    """9.81 ± 0.05 accepts numbers and strings with a decimal comma or point."""
    assert grade(unsaved_quiz(), {NUMERIC: answer}).score == points


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        ("Lietpratība", 1),
        ("  LIETPRATĪBA ", 1),
        ("lietprati\u0304ba", 1),  # decomposed ī (NFD) equals the composed form
        ("lietpratiba", 0),
        ("liet pratība", 0),
    ],
)
def test_short_text_normalised_match(answer, points):
    """Normalised matching ignores case, surrounding spaces and Unicode form."""
    assert grade(unsaved_quiz(), {TEXT: answer}).score == points


def test_short_text_exact_match_respects_case():
    """In exact mode the case must match."""
    data = question_data()
    data[4]["value"]["match"] = "exact"
    quiz = unsaved_quiz(questions=data)
    assert grade(quiz, {TEXT: "Lietpratība "}).score == 1
    assert grade(quiz, {TEXT: "lietpratība"}).score == 0


def test_pass_mark_is_a_share_of_the_points():
    """Three of five (60 %) passes a 60 % quiz; two of five does not."""
    quiz = unsaved_quiz()
    three = {k: CORRECT[k] for k in (SINGLE, MULTIPLE, TRUE_FALSE)}
    assert grade(quiz, three).passed
    assert grade(quiz, three).percent == 60
    assert not grade(quiz, {SINGLE: OPT_RIGHT, TRUE_FALSE: False}).passed


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no-such-question": "x"}, "Unknown question"),
        ({SINGLE: OPT_M1}, "is not an option of question"),
        ({MULTIPLE: [OPT_RIGHT]}, "is not an option of question"),
        ({MULTIPLE: [OPT_M1, OPT_M1]}, "more than once"),
        ({SINGLE: ["a"]}, "wrong type"),
        ({TRUE_FALSE: "yes"}, "wrong type"),
        ({NUMERIC: "nine"}, "wrong type"),
        ({NUMERIC: "NaN"}, "wrong type"),
        ({NUMERIC: True}, "wrong type"),
        ({TEXT: 5}, "wrong type"),
        ({TEXT: "x" * 5000}, "too long"),
        (["not", "a", "mapping"], "must map"),
    ],
)
def test_tampered_answers_are_refused(answers, message):
    """Answers no form could produce raise QuizError with a clear message."""
    with pytest.raises(QuizError, match=message):
        grade(unsaved_quiz(), answers)


# Grading properties ------------------------------------------------------------

ANSWER_CHOICES = {
    SINGLE: st.sampled_from([OPT_RIGHT, OPT_WRONG, None]),
    MULTIPLE: st.lists(st.sampled_from([OPT_M1, OPT_M2, OPT_M3]), unique=True),
    TRUE_FALSE: st.sampled_from([True, False, None]),
    NUMERIC: st.one_of(
        st.none(),
        st.decimals(min_value=-100, max_value=100, allow_nan=False, places=3).map(str),
    ),
    TEXT: st.one_of(st.none(), st.text(max_size=30), st.just(" lietpratība ")),
}


@st.composite
def answer_sets(draw):
    keys = draw(st.lists(st.sampled_from(list(ANSWER_CHOICES)), unique=True))
    return {key: draw(ANSWER_CHOICES[key]) for key in keys}


@settings(max_examples=50, deadline=None)
@given(answers=answer_sets(), points=st.integers(min_value=1, max_value=5))
def test_score_is_between_zero_and_max(answers, points):
    """Whatever the answers, 0 ≤ score ≤ max and the percent agrees."""
    result = grade(unsaved_quiz(questions=question_data(points)), answers)
    assert 0 <= result.score <= result.max_score == 5 * points
    assert result.percent == 100 * result.score // result.max_score


@settings(max_examples=50, deadline=None)
@given(answers=answer_sets())
def test_full_marks_exactly_when_all_answers_are_correct(answers):
    """Full marks if and only if every question is answered correctly."""
    result = grade(unsaved_quiz(), answers)
    all_right = all(q.correct for q in result.questions)
    assert (result.score == result.max_score) == all_right
    assert all_right == (
        set(answers) == set(CORRECT)
        and grade(unsaved_quiz(), {**CORRECT, **answers}).score == result.max_score
    )


@settings(max_examples=50, deadline=None)
@given(answers=answer_sets(), data=st.data())
def test_order_of_answers_is_irrelevant(answers, data):
    """Reordering the answers, or the options chosen, changes nothing."""
    keys = data.draw(st.permutations(list(answers)))
    shuffled = {
        key: list(reversed(answers[key]))
        if isinstance(answers[key], list)
        else answers[key]
        for key in keys
    }
    assert grade(unsaved_quiz(), shuffled) == grade(unsaved_quiz(), answers)
