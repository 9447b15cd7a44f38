"""Grading a quiz on the server, and what a learner may see of its questions.

Answer keys never leave this module's callers: templates and the API get
:class:`PublicQuestion` objects, which carry no answers."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from courses.models import (
    Quiz,
    QuizAttempt,
)
from courses.quizzes.blocks import Question


class QuizError(Exception):
    """Answers or a request that cannot be accepted; the message is for the learner."""


MAX_TEXT_ANSWER = 1000


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    points: int
    max_points: int
    correct: bool
    answered: bool


@dataclass(frozen=True)
class GradeResult:
    score: int
    max_score: int
    percent: int
    passed: bool
    questions: list[QuestionResult]


def normalise(text: str) -> str:
    """Casefolded, NFC, with runs of whitespace collapsed and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


#: Digits before the decimal point of the largest numeric answer.
MAX_DIGITS = 15


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError
    if isinstance(value, str):
        # Latvian writes decimals with a comma.
        value = value.strip().replace(",", ".")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    # No answer has more than 15 digits before the point; beyond that the
    # arithmetic of grading would overflow (1e999999999).
    if not number.is_finite() or (number and number.adjusted() >= MAX_DIGITS):
        raise ValueError
    return number


def _check_answer(question: Question, value: Any) -> Any:
    """The answer in its canonical form, or :class:`QuizError` when it cannot
    be an answer to ``question``; ``None`` means unanswered."""
    wrong_type = QuizError(
        _("The answer to question %(id)s has the wrong type.") % {"id": question.id}
    )
    if value is None:
        return None
    if question.type == "single":
        if not isinstance(value, str):
            raise wrong_type
        if value not in question.option_ids:
            raise QuizError(
                _("“%(option)s” is not an option of question %(id)s.")
                % {"option": value[:60], "id": question.id}
            )
        return value
    if question.type == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong_type
        if len(set(value)) != len(value):
            raise QuizError(
                _("An option of question %(id)s is given more than once.")
                % {"id": question.id}
            )
        for option in value:
            if option not in question.option_ids:
                raise QuizError(
                    _("“%(option)s” is not an option of question %(id)s.")
                    % {"option": option[:60], "id": question.id}
                )
        return sorted(value) or None
    if question.type == "true_false":
        if not isinstance(value, bool):
            raise wrong_type
        return value
    if question.type == "numeric":
        if isinstance(value, str) and not value.strip():
            return None
        try:
            return _number(value)
        except (ValueError, InvalidOperation):
            raise wrong_type from None
    if not isinstance(value, str):
        raise wrong_type
    if len(value) > MAX_TEXT_ANSWER:
        raise QuizError(
            _("The answer to question %(id)s is too long.") % {"id": question.id}
        )
    return value if value.strip() else None


def _is_correct(question: Question, answer: Any) -> bool:
    if answer is None:
        return False
    if question.type == "single":
        return any(o.correct for o in question.options if o.id == answer)
    if question.type == "multiple":
        return set(answer) == {o.id for o in question.options if o.correct}
    if question.type == "true_false":
        return answer is question.answer
    if question.type == "numeric":
        return abs(answer - question.answer) <= question.tolerance
    if question.match == "exact":
        given = unicodedata.normalize("NFC", answer).strip()
        return any(given == unicodedata.normalize("NFC", a) for a in question.answers)
    return normalise(answer) in {normalise(a) for a in question.answers}


def check_answers(questions: list[Question], answers: Any) -> dict[str, Any]:
    """Validate ``answers`` (question id → answer) against ``questions``."""
    if not isinstance(answers, Mapping):
        raise QuizError(_("Answers must map question ids to answers."))
    by_id = {question.id: question for question in questions}
    checked = {}
    for question_id, value in answers.items():
        question = by_id.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise QuizError(
                _("Unknown question: %(id)s.") % {"id": str(question_id)[:60]}
            )
        checked[question_id] = _check_answer(question, value)
    return checked


def grade(quiz: Quiz, answers: Any) -> GradeResult:
    """Score ``answers`` against the quiz's answer key.

    Each question earns its points when answered correctly and nothing otherwise;
    for multiple choice, exactly the correct options must be chosen.
    """
    questions = quiz.get_questions()
    checked = check_answers(questions, answers)
    results = []
    for question in questions:
        answer = checked.get(question.id)
        correct = _is_correct(question, answer)
        results.append(
            QuestionResult(
                question_id=question.id,
                points=question.points if correct else 0,
                max_points=question.points,
                correct=correct,
                answered=answer is not None,
            )
        )
    score = sum(r.points for r in results)
    max_score = sum(r.max_points for r in results)
    return GradeResult(
        score=score,
        max_score=max_score,
        percent=(100 * score) // max_score if max_score else 0,
        passed=bool(max_score) and 100 * score >= quiz.pass_mark * max_score,
        questions=results,
    )


def answers_from_form(quiz: Quiz, data) -> dict[str, Any]:
    """Answers from a submitted quiz form (a ``QueryDict``) in :func:`grade`'s
    shape. Fields are named ``q-<question id>``."""
    by_id = {question.id: question for question in quiz.get_questions()}
    answers: dict[str, Any] = {}
    for name in data:
        if not name.startswith("q-"):
            continue
        question = by_id.get(name[2:])
        if question is None:
            raise QuizError(_("Unknown question: %(id)s.") % {"id": name[2:60]})
        values = data.getlist(name)
        if question.type == "multiple":
            answers[question.id] = values
            continue
        if len(values) != 1:
            raise QuizError(
                _("Question %(id)s has more than one answer.") % {"id": question.id}
            )
        value = values[0]
        if question.type == "true_false":
            if value not in ("true", "false"):
                raise QuizError(
                    _("The answer to question %(id)s has the wrong type.")
                    % {"id": question.id}
                )
            answers[question.id] = value == "true"
        else:
            answers[question.id] = value
    return answers


@dataclass(frozen=True)
class PublicOption:
    id: str
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    """A question without its answer key or feedback."""

    id: str
    type: str
    text: str
    points: int
    options: tuple[PublicOption, ...]


def public_questions(
    quiz: Quiz, attempt: QuizAttempt | None = None
) -> list[PublicQuestion]:
    """The questions as a learner may see them before submitting, in the attempt's
    order (shuffled per attempt when the quiz says so)."""
    questions = quiz.get_questions()
    if attempt is not None and attempt.question_order:
        position = {qid: n for n, qid in enumerate(attempt.question_order)}
        questions.sort(key=lambda q: position.get(q.id, len(position)))
    public = []
    for question in questions:
        options = [PublicOption(o.id, o.text) for o in question.options]
        if quiz.shuffle and attempt is not None:
            # Seeded by attempt and question: the same order on every reload,
            # without storing it.
            random.Random(f"{attempt.pk}:{question.id}").shuffle(options)
        public.append(
            PublicQuestion(
                id=question.id,
                type=question.type,
                text=question.text,
                points=question.points,
                options=tuple(options),
            )
        )
    return public
