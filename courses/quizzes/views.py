"""Learner views for quizzes: start an attempt, submit it, read the result.

The quiz form itself is part of the lesson page (``courses/includes/quiz.html``);
these views only take the POSTs and show the graded result.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import LessonPage, QuizAttempt
from courses.progress.recording import course_of_lesson, find_enrolment
from courses.quizzes.attempts import (
    attempts_left,
    attempts_used,
    quiz_for_attempt,
    quiz_lessons,
    start_attempt,
    submit_attempt,
)
from courses.quizzes.grading import QuizError, answers_from_form
from courses.quizzes.review import review_attempt
from courses.translations import translation_to_show


def _own_attempt(request: HttpRequest, attempt_id: int) -> QuizAttempt:
    # Someone else's attempt is a 404: its existence is nobody else's business.
    return get_object_or_404(
        QuizAttempt.objects.select_related("enrolment__course", "quiz"),
        pk=attempt_id,
        enrolment__user=request.user,
    )


def _lesson_url(attempt: QuizAttempt) -> str:
    lesson = quiz_lessons(attempt.quiz_key, attempt.enrolment.course).first()
    return f"{lesson.url}#quiz" if lesson else "/"


@require_POST
@login_required
def start(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(
        LessonPage.objects.live().exclude(quiz=None), pk=lesson_id
    )
    course = course_of_lesson(lesson)
    enrolment = find_enrolment(request.user, course) if course else None
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this course."))
        return redirect(course.url if course else "/")
    # The version the lesson's quiz panel shows, so that the learner starts what
    # they were offered.
    quiz = translation_to_show(lesson.quiz)
    if quiz is None:
        messages.error(request, _("This quiz is not available."))
        return redirect(f"{lesson.url}#quiz")
    try:
        start_attempt(enrolment, quiz)
    except QuizError as exc:
        messages.error(request, str(exc))
    return redirect(f"{lesson.url}#quiz")


@require_POST
@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    try:
        quiz = quiz_for_attempt(attempt, get_language())
        submit_attempt(attempt, answers_from_form(quiz, request.POST), quiz=quiz)
    except QuizError as exc:
        return TemplateResponse(
            request,
            "courses/quiz_error.html",
            {"message": str(exc), "back_url": _lesson_url(attempt)},
            status=400,
        )
    return redirect("courses:quiz_result", attempt_id=attempt.pk)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The graded attempt: score, pass or fail, and per question the learner's
    answer, its outcome and the feedback for that outcome."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is None:
        return redirect(_lesson_url(attempt))
    try:
        quiz = quiz_for_attempt(attempt, get_language())
    except QuizError as exc:
        return TemplateResponse(
            request,
            "courses/quiz_error.html",
            {"message": str(exc), "back_url": "/"},
            status=404,
        )
    return TemplateResponse(
        request,
        "courses/quiz_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "questions": review_attempt(quiz, attempt),
            "attempts_left": attempts_left(
                quiz, attempts_used(attempt.enrolment, attempt.quiz_key)
            ),
            "back_url": _lesson_url(attempt),
        },
    )
