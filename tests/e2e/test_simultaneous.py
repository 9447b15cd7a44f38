"""Requests that arrive together, against a database in a file (SQLite) or a
server (PostgreSQL) as the site runs: not a browser test, but it needs the real
database these tests get."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from courses.enrolment.enrolling import enrol
from courses.models import LessonPage, QuizAttempt
from courses.quizzes.attempts import start_attempt
from tests.courses.assessment_factories import CORRECT, make_quiz
from tests.factories import make_course_tree, make_user

SUBMISSIONS = 10


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_attempt_are_graded_once():
    """Ten submissions of one attempt at the same moment (a double tap on a slow
    phone, or a script): one is graded, the others are told it was already
    submitted, and the attempt is recorded once."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    quiz = make_quiz()
    LessonPage.objects.filter(pk=lessons[0].pk).update(
        quiz=quiz, completion_rule=LessonPage.CompletionRule.ACTIVITY
    )
    learner = make_user(username="learner")
    attempt, _ = start_attempt(enrol(learner, course), quiz)
    clients = []
    for _ in range(SUBMISSIONS):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(learner)
        clients.append(client)
    ready = threading.Barrier(SUBMISSIONS)

    def submit(client: Client) -> tuple[int, str]:
        try:
            ready.wait()
            response = client.post(
                f"/api/v1/attempts/{attempt.pk}/submit",
                json.dumps({"answers": CORRECT}),
                content_type="application/json",
            )
            return response.status_code, response.json().get("detail", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(SUBMISSIONS) as pool:
        answers = list(pool.map(submit, clients))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [400] * (SUBMISSIONS - 1), answers
    assert {detail for status, detail in answers if status == 400} == {
        "This attempt has already been submitted."
    }
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert attempt.passed is True
    assert QuizAttempt.objects.count() == 1
