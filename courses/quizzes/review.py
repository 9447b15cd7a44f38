"""A submitted attempt as its learner reviews it: each question with their own
answer, whether it was right, and the feedback the author wrote for that outcome.

The answer key itself is not shown: a learner with attempts left may try again."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from courses.models import Quiz, QuizAttempt
from courses.quizzes.blocks import Question


@dataclass(frozen=True)
class ReviewedQuestion:
    text: str
    correct: bool
    points: int
    max_points: int
    #: the learner's answer as they saw it (option texts, a number, their words);
    #: empty when they left the question unanswered
    answer: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)


def _answer_texts(question: Question, answer: Any) -> list[str]:
    if answer is None or answer == [] or answer == "":
        return []
    if question.type in ("single", "multiple"):
        chosen = answer if isinstance(answer, list) else [answer]
        # In the order the options are written, whatever order they were sent in.
        return [option.text for option in question.options if option.id in chosen]
    if question.type == "true_false":
        return [_("True") if answer else _("False")]
    if question.type == "numeric":
        try:
            return [number_format(Decimal(answer), use_l10n=True)]
        except (InvalidOperation, TypeError):
            return [str(answer)]
    return [str(answer)]


def review_attempt(quiz: Quiz, attempt: QuizAttempt) -> list[ReviewedQuestion]:
    """The attempt's questions in the order they were graded; a question since
    removed from the quiz is shown by its outcome alone."""
    questions = {question.id: question for question in quiz.get_questions()}
    reviewed = []
    for row in attempt.results:
        question = questions.get(row["question"])
        correct = bool(row["correct"])
        reviewed.append(
            ReviewedQuestion(
                text=question.text if question else "",
                correct=correct,
                points=row["points"],
                max_points=row["max_points"],
                answer=_answer_texts(question, attempt.answers.get(row["question"]))
                if question
                else [],
                feedback=question.feedback_for(correct) if question else [],
            )
        )
    return reviewed
