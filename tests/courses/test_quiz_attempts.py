"""Quiz attempts: passing completes the lesson, time and attempt limits, resuming
and shuffling; and the lesson page, which never shows the answer key."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from courses.enrolment.enrolling import enrol
from courses.models import LessonProgress, Quiz, QuizAttempt
from courses.quizzes.attempts import start_attempt, submit_attempt
from courses.quizzes.grading import QuizError
from tests.courses.assessment_factories import (
    CORRECT,
    FEEDBACK,
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
    make_quiz,
    question_data,
)
from tests.factories import en_url, make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """A course whose second lesson is completed by passing its quiz."""
    quiz = make_quiz(time_limit_minutes=15)
    course = make_course()
    module = make_module(course)
    first = make_lesson(module)
    lesson = make_lesson(module, completion_rule="activity", quiz=quiz)
    learner = make_user()
    enrolment = enrol(learner, course)
    return quiz, course, first, lesson, learner, enrolment


# Attempts ------------------------------------------------------------------------


def test_passing_completes_the_linked_lesson_and_moves_the_summary(setup):
    """A passed quiz completes its "activity" lesson through courses.progress.recording."""
    quiz, _, _, lesson, _, enrolment = setup
    attempt, created = start_attempt(enrolment, quiz)
    assert created
    result = submit_attempt(attempt, CORRECT)
    assert result.passed
    progress = LessonProgress.objects.get(
        enrolment=enrolment, lesson_key=lesson.translation_key
    )
    assert progress.completed_at is not None
    assert progress.source == LessonProgress.Source.ACTIVITY
    enrolment.refresh_from_db()
    assert (enrolment.completed_items, enrolment.total_items) == (1, 2)
    # One of two lessons and the one test: two of the three requirements.
    assert enrolment.percent == 66
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (5, 5, True)


def test_failing_records_the_attempt_but_not_the_lesson(setup):
    """A failed attempt is kept and noted as activity; the lesson stays open."""
    quiz, _, _, lesson, _, enrolment = setup
    attempt, _ = start_attempt(enrolment, quiz)
    result = submit_attempt(attempt, {SINGLE: OPT_WRONG})
    assert not result.passed
    assert not LessonProgress.objects.filter(
        lesson_key=lesson.translation_key, completed_at__isnull=False
    ).exists()
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None
    assert QuizAttempt.objects.get().percent == 0


def test_submission_after_the_time_limit_is_refused(setup):
    """After started_at + limit + 30 s grace nothing is recorded."""
    quiz, _, _, _, _, enrolment = setup
    attempt, _ = start_attempt(enrolment, quiz)
    late = attempt.started_at + timedelta(minutes=15, seconds=31)
    with pytest.raises(QuizError, match="time limit"):
        submit_attempt(attempt, CORRECT, now=late)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_submission_within_the_grace_is_accepted(setup):
    """A submission arriving in the 30 s grace still counts."""
    quiz, _, _, _, _, enrolment = setup
    attempt, _ = start_attempt(enrolment, quiz)
    in_grace = attempt.started_at + timedelta(minutes=15, seconds=20)
    assert submit_attempt(attempt, CORRECT, now=in_grace).passed


def test_attempt_limit(setup):
    """A fourth attempt at a three-attempt quiz is refused."""
    quiz, _, _, _, _, enrolment = setup
    for _ in range(3):
        attempt, _ = start_attempt(enrolment, quiz)
        submit_attempt(attempt, {})
    with pytest.raises(QuizError, match="used all 3 attempts"):
        start_attempt(enrolment, quiz)
    assert QuizAttempt.objects.count() == 3


def test_starting_twice_resumes_the_attempt(setup):
    """Starting while an attempt is open hands back the same attempt."""
    quiz, _, _, _, _, enrolment = setup
    first, created = start_attempt(enrolment, quiz)
    again, created_again = start_attempt(enrolment, quiz)
    assert created and not created_again
    assert first.pk == again.pk


def test_expired_attempt_counts_and_a_new_one_starts(setup):
    """An attempt left past its limit uses up one try."""
    quiz, _, _, _, _, enrolment = setup
    first, _ = start_attempt(enrolment, quiz)
    QuizAttempt.objects.filter(pk=first.pk).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    second, created = start_attempt(enrolment, quiz)
    assert created and second.pk != first.pk


def test_submitting_twice_is_refused(setup):
    """A submitted attempt cannot be graded again."""
    quiz, _, _, _, _, enrolment = setup
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, {})
    with pytest.raises(QuizError, match="already been submitted"):
        submit_attempt(attempt, CORRECT)
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_shuffled_order_is_kept_per_attempt(setup):
    """With shuffling, the attempt stores its own order of all questions."""
    quiz, _, _, _, _, enrolment = setup
    quiz.shuffle = True
    quiz.save()
    attempt, _ = start_attempt(enrolment, quiz)
    assert sorted(attempt.question_order) == sorted(CORRECT)


def test_learner_not_in_the_course_of_the_quiz_cannot_start(setup):
    """A quiz not linked from the learner's course is refused."""
    quiz, *_ = setup
    other = enrol(make_user(), make_course())
    with pytest.raises(QuizError, match="not part of your course"):
        start_attempt(other, quiz)


# The lesson page ---------------------------------------------------------------


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict | None = None):
    """POST like the browser does: with the CSRF token from the cookie."""
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def test_lesson_page_never_shows_the_answer_key(setup):
    """Before submission the page has the questions but no key and no feedback."""
    _, _, _, lesson, learner, _ = setup
    client = browser(learner)
    html = client.get(lesson.url).content.decode()
    with translation.override("lv"):
        assert translation.gettext("Start quiz") in html
    post(client, en_url("courses:quiz_start", lesson.pk))
    html = client.get(lesson.url).content.decode()
    assert "Where does backward design start?" in html
    assert f'value="{OPT_RIGHT}"' in html
    assert "correct" not in html.lower()
    for text in FEEDBACK.values():
        assert text not in html
    assert "9.81" not in html
    assert "Lietpratība" not in html


def test_take_the_quiz_in_the_browser(setup):
    """Start, answer and submit: the result page shows score, feedback, attempts left."""
    _, _, _, lesson, learner, _ = setup
    client = browser(learner)
    client.get(lesson.url)
    response = post(client, en_url("courses:quiz_start", lesson.pk))
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get()
    response = post(
        client,
        en_url("courses:quiz_submit", attempt.pk),
        {
            f"q-{SINGLE}": OPT_RIGHT,
            f"q-{MULTIPLE}": [OPT_M1, OPT_M2],
            f"q-{TRUE_FALSE}": "false",
            f"q-{NUMERIC}": "9,8",
            f"q-{TEXT}": " lietpratība",
        },
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "You scored 5 of 5 points (100%)." in html
    assert "Passed" in html
    assert FEEDBACK[NUMERIC] in html
    assert "2 attempts left." in html
    assert LessonProgress.objects.get(lesson_key=lesson.translation_key).completed_at


def test_tampered_form_is_a_400_and_changes_nothing(setup):
    """A form with an unknown question or a foreign option gets a 400 page."""
    _, _, _, lesson, learner, _ = setup
    client = browser(learner)
    client.get(lesson.url)
    post(client, en_url("courses:quiz_start", lesson.pk))
    attempt = QuizAttempt.objects.get()
    url = en_url("courses:quiz_submit", attempt.pk)
    for data in (
        {"q-nope": "x"},
        {f"q-{SINGLE}": OPT_M3},
        {f"q-{SINGLE}": [OPT_RIGHT, OPT_WRONG]},
        {f"q-{TRUE_FALSE}": "maybe"},
    ):
        response = post(client, url, data)
        assert response.status_code == 400
        assert "Your answers could not be accepted" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_start_needs_csrf(setup):
    """A start POST without the CSRF token is refused."""
    _, _, _, lesson, learner, _ = setup
    client = browser(learner)
    assert client.post(en_url("courses:quiz_start", lesson.pk)).status_code == 403
    assert not QuizAttempt.objects.exists()


def test_other_learners_cannot_see_or_submit_an_attempt(setup):
    """Someone else's attempt is a 404."""
    quiz, _, _, lesson, _, enrolment = setup
    attempt, _ = start_attempt(enrolment, quiz)
    other = browser(make_user())
    other.get(lesson.url)
    assert other.get(en_url("courses:quiz_result", attempt.pk)).status_code == 404
    response = post(other, en_url("courses:quiz_submit", attempt.pk), {})
    assert response.status_code == 404


def test_lesson_page_queries_do_not_grow_with_questions(setup):
    """Ten times the questions cost no extra query on the lesson page."""
    quiz, _, _, lesson, learner, enrolment = setup
    start_attempt(enrolment, quiz)
    client = browser(learner)
    client.get(lesson.url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(lesson.url).status_code == 200
        return len(ctx)

    few = count()
    many = question_data() * 1
    for n in range(9):
        for block in question_data():
            block = {**block, "id": f"{block['id'][:-2]}{n}{block['id'][-1]}"}
            many.append(block)
    Quiz.objects.filter(pk=quiz.pk).update(questions=many)
    assert count() == few
