"""Quizzes in the JSON API: the questions without their answer keys, attempts and
results."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from courses.api.schemas import Id, Message
from courses.models import Quiz, QuizAttempt
from courses.permissions import is_course_team
from courses.quizzes.attempts import (
    attempts_left,
    attempts_used,
    enrolment_for_quiz,
    quiz_course_keys,
    quiz_for_attempt,
    start_attempt,
)
from courses.quizzes.attempts import submit_attempt as grade_and_record
from courses.quizzes.grading import GradeResult, QuizError, public_questions

router = Router(tags=["assessment"])


class OptionOut(Schema):
    id: str
    text: str


class QuestionOut(Schema):
    id: str
    type: str
    text: str
    points: int
    options: list[OptionOut]


class QuizOut(Schema):
    id: int
    title: str
    intro: str
    language: str
    pass_mark: int
    max_attempts: int | None
    time_limit_minutes: int | None
    questions: list[QuestionOut]


class AttemptOut(Schema):
    id: int
    quiz_id: int | None
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    score: int | None
    max_score: int | None
    percent: int | None
    passed: bool
    attempts_left: int | None
    questions: list[QuestionOut] = []


class AnswersIn(Schema):
    answers: dict[str, Any]


class QuestionResultOut(Schema):
    id: str
    points: int
    max_points: int
    correct: bool
    feedback: str


class ResultOut(Schema):
    attempt_id: int
    score: int
    max_score: int
    percent: int
    passed: bool
    attempts_left: int | None
    questions: list[QuestionResultOut]


def _questions(quiz: Quiz, attempt: QuizAttempt | None = None) -> list[QuestionOut]:
    return [
        QuestionOut(
            id=q.id,
            type=q.type,
            text=q.text,
            points=q.points,
            options=[OptionOut(id=o.id, text=o.text) for o in q.options],
        )
        for q in public_questions(quiz, attempt)
    ]


def _attempt_out(
    attempt: QuizAttempt, quiz: Quiz | None, used: int, with_questions: bool = False
) -> AttemptOut:
    return AttemptOut(
        id=attempt.pk,
        quiz_id=attempt.quiz_id,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent,
        passed=attempt.passed,
        attempts_left=attempts_left(quiz, used) if quiz else None,
        questions=_questions(quiz, attempt) if quiz and with_questions else [],
    )


def _live_quiz(quiz_id: int) -> Quiz:
    return get_object_or_404(
        Quiz.objects.filter(live=True).select_related("locale"), pk=quiz_id
    )


@router.get(
    "/quizzes/{quiz_id}",
    response={200: QuizOut, 403: Message, 404: Message},
    operation_id="courses_assessment_api_quiz_definition",
)
def quiz_definition(request: HttpRequest, quiz_id: Id):
    """A quiz's questions and options, without answers or feedback."""
    quiz = _live_quiz(quiz_id)
    if enrolment_for_quiz(request.user, quiz) is None and not any(
        is_course_team(request.user, key) for key in quiz_course_keys(quiz)
    ):
        raise HttpError(403, _("You are not enrolled in a course with this quiz."))
    return QuizOut(
        id=quiz.pk,
        title=quiz.title,
        intro=quiz.intro,
        language=quiz.locale.language_code,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        time_limit_minutes=quiz.time_limit_minutes,
        questions=_questions(quiz),
    )


@router.post(
    "/quizzes/{quiz_id}/attempts",
    response={
        200: AttemptOut,
        201: AttemptOut,
        400: Message,
        403: Message,
        404: Message,
    },
    operation_id="courses_assessment_api_start",
)
def start(request: HttpRequest, quiz_id: Id):
    """Start an attempt (201), or get the one in progress (200), with its questions
    in the attempt's order."""
    quiz = _live_quiz(quiz_id)
    enrolment = enrolment_for_quiz(request.user, quiz)
    if enrolment is None:
        raise HttpError(403, _("You are not enrolled in a course with this quiz."))
    try:
        attempt, created = start_attempt(enrolment, quiz)
    except QuizError as exc:
        raise HttpError(400, str(exc)) from None
    used = attempts_used(enrolment, quiz.translation_key)
    return Status(201 if created else 200, _attempt_out(attempt, quiz, used, True))


def _result_out(attempt: QuizAttempt, quiz: Quiz, result: GradeResult) -> ResultOut:
    questions = {q.id: q for q in quiz.get_questions()}
    return ResultOut(
        attempt_id=attempt.pk,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=result.passed,
        attempts_left=attempts_left(
            quiz, attempts_used(attempt.enrolment, attempt.quiz_key)
        ),
        questions=[
            QuestionResultOut(
                id=r.question_id,
                points=r.points,
                max_points=r.max_points,
                correct=r.correct,
                # What the author wrote for this outcome, then for everyone.
                feedback="\n\n".join(questions[r.question_id].feedback_for(r.correct)),
            )
            for r in result.questions
        ],
    )


@router.post(
    "/attempts/{attempt_id}/submit",
    response={200: ResultOut, 400: Message, 404: Message},
    operation_id="courses_assessment_api_submit_attempt",
)
def submit_attempt(request: HttpRequest, attempt_id: Id, payload: AnswersIn):
    """Submit answers (question id → option id, list of option ids, true/false,
    number or text) and get the graded result with feedback."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("enrolment__course", "quiz"),
        pk=attempt_id,
        enrolment__user=request.user,
    )
    try:
        quiz = quiz_for_attempt(attempt)
        result = grade_and_record(attempt, payload.answers, quiz=quiz)
    except QuizError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(200, _result_out(attempt, quiz, result))


@router.get(
    "/me/attempts",
    response=list[AttemptOut],
    operation_id="courses_assessment_api_my_attempts",
)
def my_attempts(request: HttpRequest) -> list[AttemptOut]:
    """The signed-in learner's quiz attempts, newest first."""
    attempts = list(
        QuizAttempt.objects.filter(enrolment__user=request.user).select_related("quiz")
    )
    used = Counter((a.enrolment_id, a.quiz_key) for a in attempts)
    return [
        _attempt_out(
            attempt, attempt.quiz, used[attempt.enrolment_id, attempt.quiz_key]
        )
        for attempt in attempts
    ]
