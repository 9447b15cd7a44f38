"""The one place that runs quizzes and assignments: starting and grading attempts,
taking in submissions and recording reviews.

Grading happens here, on the server, only. What reaches a learner before an attempt
is submitted comes from :func:`public_questions`, which carries no answer key.
Every outcome that counts towards a course goes through :mod:`courses.progress.recording`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.integrations.events import Event, emit, enrolment_data
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Quiz,
    QuizAttempt,
)
from courses.progress.outline import course_outline
from courses.progress.recording import (
    ProgressError,
    find_enrolment,
    record_lesson_completed,
    refresh_summary,
)
from courses.progress.rule import completed_keys
from courses.quizzes.grading import (
    GradeResult,
    PublicQuestion,
    QuizError,
    check_answers,
    grade,
    public_questions,
)
from courses.translations import translation_to_show

#: Time allowed after a quiz's limit for the submission to arrive (slow networks).
GRACE = timedelta(seconds=30)


# Attempts ------------------------------------------------------------------------


def quiz_lessons(quiz_key: uuid.UUID, course: CoursePage) -> QuerySet[LessonPage]:
    """Live lessons of ``course`` that link a translation of the quiz."""
    return (
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(quiz__translation_key=quiz_key)
        .order_by("path")
    )


def quiz_course_keys(quiz: Quiz) -> set[uuid.UUID]:
    """The courses (by translation key) whose lessons show ``quiz`` or one of its
    translations."""
    lesson_paths = LessonPage.objects.filter(
        quiz__translation_key=quiz.translation_key
    ).values_list("path", flat=True)
    # A lesson sits in a module, which sits in its course.
    course_paths = {path[: -2 * LessonPage.steplen] for path in lesson_paths}
    return set(
        CoursePage.objects.filter(path__in=course_paths).values_list(
            "translation_key", flat=True
        )
    )


def enrolment_for_quiz(user, quiz: Quiz) -> Enrolment | None:
    """The user's active enrolment in a course that has a lesson linking ``quiz``."""
    if not user.is_authenticated:
        return None
    lessons = LessonPage.objects.live().filter(
        quiz__translation_key=quiz.translation_key
    )
    courses = CoursePage.objects.filter(
        translation_key__in=Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("course_key")
    )
    for lesson in lessons:
        course = courses.ancestor_of(lesson).first()
        if course is not None:
            return find_enrolment(user, course)
    return None


def attempts_used(enrolment: Enrolment, quiz_key: uuid.UUID) -> int:
    return QuizAttempt.objects.filter(enrolment=enrolment, quiz_key=quiz_key).count()


def attempts_left(quiz: Quiz, used: int) -> int | None:
    """``None`` when the quiz has no limit."""
    return None if not quiz.max_attempts else max(quiz.max_attempts - used, 0)


def is_expired(attempt: QuizAttempt, quiz: Quiz, now=None) -> bool:
    limit = quiz.time_limit
    now = now or timezone.now()
    return limit is not None and now > attempt.started_at + limit + GRACE


def open_attempt(enrolment: Enrolment, quiz: Quiz) -> QuizAttempt | None:
    """The attempt the learner is in the middle of, if its time has not run out."""
    attempt = (
        QuizAttempt.objects.filter(
            enrolment=enrolment,
            quiz_key=quiz.translation_key,
            submitted_at__isnull=True,
        )
        .order_by("-started_at")
        .first()
    )
    if attempt is None or is_expired(attempt, quiz):
        return None
    return attempt


def _check_can_take(enrolment: Enrolment, quiz: Quiz) -> None:
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise QuizError(_("You have withdrawn from this course."))
    if not quiz.live:
        raise QuizError(_("This quiz is not available."))
    lessons = list(quiz_lessons(quiz.translation_key, enrolment.course))
    if not lessons:
        raise QuizError(_("This quiz is not part of your course."))
    outline = course_outline(enrolment.course)
    opened = outline.open_modules(
        completed_keys(enrolment), enrolment.course.sequential
    )
    if not any(lesson.path[: -LessonPage.steplen] in opened for lesson in lessons):
        raise QuizError(_("Complete the previous module first."))


def start_attempt(enrolment: Enrolment, quiz: Quiz) -> tuple[QuizAttempt, bool]:
    """Start an attempt, or hand back the one in progress; ``(attempt, created)``.

    Raises :class:`QuizError` when the learner may not take the quiz, or has
    used all attempts.
    """
    _check_can_take(enrolment, quiz)
    questions = quiz.get_questions()
    if not questions:
        raise QuizError(_("This quiz has no questions yet."))
    with transaction.atomic():
        # Serialise one learner's starts so two clicks cannot exceed the limit.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        current = open_attempt(enrolment, quiz)
        if current is not None:
            return current, False
        used = attempts_used(enrolment, quiz.translation_key)
        if attempts_left(quiz, used) == 0:
            raise QuizError(
                _("You have used all %(count)d attempts at this quiz.")
                % {"count": quiz.max_attempts}
            )
        order = [question.id for question in questions]
        if quiz.shuffle:
            random.SystemRandom().shuffle(order)
        attempt = QuizAttempt.objects.create(
            enrolment=enrolment,
            quiz=quiz,
            quiz_key=quiz.translation_key,
            question_order=order,
        )
    return attempt, True


def quiz_for_attempt(attempt: QuizAttempt, language: str | None = None) -> Quiz:
    """The quiz to show and grade ``attempt`` with: its translation in
    ``language`` when that has the same questions, else the one it was started in."""
    started_in = (
        attempt.quiz or Quiz.objects.filter(translation_key=attempt.quiz_key).first()
    )
    quiz = translation_to_show(started_in, language) if started_in else None
    # Another language's version grades the attempt only if it asks the same
    # questions.
    if (
        quiz is not None
        and quiz != started_in
        and {q.id for q in quiz.get_questions()} != set(attempt.question_order)
    ):
        quiz = started_in if started_in.live else None
    if quiz is None:
        raise QuizError(_("This quiz is not available."))
    return quiz


def submit_attempt(
    attempt: QuizAttempt, answers: Any, quiz: Quiz | None = None, now=None
) -> GradeResult:
    """Grade and record an attempt; a passed quiz completes the lessons that are
    done by it. Nothing is recorded when the answers are refused."""
    quiz = quiz or quiz_for_attempt(attempt)
    if quiz.translation_key != attempt.quiz_key:
        raise QuizError(_("These answers belong to another quiz."))
    now = now or timezone.now()
    enrolment = attempt.enrolment
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise QuizError(_("You have withdrawn from this course."))
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise QuizError(_("This attempt has already been submitted."))
        if is_expired(locked, quiz, now):
            raise QuizError(
                _("The time limit has passed; this attempt can no longer be submitted.")
            )
        result = grade(quiz, answers)
        locked.answers = {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in check_answers(quiz.get_questions(), answers).items()
        }
        locked.results = [
            {
                "question": r.question_id,
                "points": r.points,
                "max_points": r.max_points,
                "correct": r.correct,
            }
            for r in result.questions
        ]
        locked.submitted_at = now
        locked.score = result.score
        locked.max_score = result.max_score
        locked.percent = result.percent
        locked.passed = result.passed
        locked.save()
        emit(
            Event.QUIZ_GRADED,
            {
                **enrolment_data(enrolment),
                "attempt": locked.pk,
                "quiz": quiz.pk,
                "quiz_key": quiz.translation_key,
                "quiz_title": quiz.title,
                "score": result.score,
                "max_score": result.max_score,
                "percent": result.percent,
                "passed": result.passed,
                "submitted_at": now,
            },
            key=f"quiz.graded:{locked.pk}",
        )
        _record_quiz_outcome(enrolment, quiz, result.passed)
    for name in (
        "answers",
        "results",
        "submitted_at",
        "score",
        "max_score",
        "percent",
        "passed",
    ):
        setattr(attempt, name, getattr(locked, name))
    return result


def _record_quiz_outcome(enrolment: Enrolment, quiz: Quiz, passed: bool) -> None:
    completed = False
    if passed:
        for lesson in quiz_lessons(quiz.translation_key, enrolment.course).filter(
            completion_rule=LessonPage.CompletionRule.ACTIVITY
        ):
            try:
                record_lesson_completed(
                    enrolment, lesson, LessonProgress.Source.ACTIVITY
                )
            except ProgressError:
                # The attempt stands; the lesson can still be completed later.
                continue
            completed = True
    if not completed:
        refresh_summary(enrolment, activity=True)


# What a learner may see -------------------------------------------------------


@dataclass
class QuizPanel:
    """What the lesson page shows of its quiz, for one learner."""

    quiz: Quiz
    attempts: list[QuizAttempt]
    current: QuizAttempt | None
    questions: list[PublicQuestion]
    attempts_left: int | None

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)

    @property
    def best_percent(self) -> int | None:
        graded = [a.percent for a in self.attempts if a.submitted_at]
        return max(graded) if graded else None

    @property
    def can_start(self) -> bool:
        return self.current is None and self.attempts_left != 0


def quiz_panel(
    lesson: LessonPage, enrolment: Enrolment | None, language: str | None
) -> QuizPanel | None:
    """The lesson's quiz in ``language`` with the learner's attempts; two queries
    however many questions the quiz has."""
    if lesson.quiz_id is None:
        return None
    quiz = translation_to_show(lesson.quiz, language)
    if quiz is None:
        return None
    attempts: list[QuizAttempt] = []
    if enrolment is not None:
        attempts = list(
            QuizAttempt.objects.filter(
                enrolment=enrolment, quiz_key=quiz.translation_key
            ).order_by("-started_at", "-pk")
        )
    current = next(
        (a for a in attempts if a.submitted_at is None and not is_expired(a, quiz)),
        None,
    )
    if current is not None:
        # The deadline shown is the quiz's, without the grace.
        current.quiz = quiz
    return QuizPanel(
        quiz=quiz,
        attempts=attempts,
        current=current,
        questions=public_questions(quiz, current) if current else [],
        attempts_left=attempts_left(quiz, len(attempts)),
    )
