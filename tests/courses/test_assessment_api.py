"""The assessment JSON API: quiz definitions, attempts, results and submissions."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from courses.enrolment.enrolling import enrol
from courses.models import AssignmentSubmission, LessonProgress, QuizAttempt
from tests.courses.assessment_factories import (
    CORRECT,
    FEEDBACK,
    MULTIPLE,
    NUMERIC,
    OPT_M1,
    OPT_RIGHT,
    SINGLE,
    TEXT,
    TRUE_FALSE,
    make_assignment,
    make_quiz,
)
from tests.factories import api_client, make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    quiz = make_quiz(time_limit_minutes=10, max_attempts=2)
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(module, completion_rule="activity", quiz=quiz)
    learner = make_user()
    enrolment = enrol(learner, course)
    return quiz, module, lesson, learner, enrolment


def start(client: Client, quiz) -> dict:
    response = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts")
    assert response.status_code in (200, 201), response.content
    return response.json()


def submit(client: Client, attempt_id: int, answers):
    return client.post(
        f"/api/v1/attempts/{attempt_id}/submit",
        {"answers": answers},
        content_type="application/json",
    )


def test_quiz_definition_has_no_answer_key(setup):
    """GET /quizzes/{id} lists questions and options, never answers or feedback."""
    quiz, *_, learner, _ = setup
    response = api_client(learner).get(f"/api/v1/quizzes/{quiz.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [q["id"] for q in body["questions"]] == list(CORRECT)
    assert body["questions"][0]["options"][1] == {
        "id": OPT_RIGHT,
        "text": "With learner outcomes",
    }
    raw = response.content.decode()
    assert "correct" not in raw
    assert "9.81" not in raw and "Lietpratība" not in raw
    for text in FEEDBACK.values():
        assert text not in raw


def test_start_submit_and_list_attempts(setup):
    """A learner starts, submits and gets a graded result with feedback."""
    quiz, _, lesson, learner, _ = setup
    client = api_client(learner)
    response = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts")
    assert response.status_code == 201
    attempt = response.json()
    assert attempt["attempts_left"] == 1
    assert attempt["deadline"]
    assert "correct" not in response.content.decode()
    # Starting again resumes the same attempt.
    again = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts")
    assert again.status_code == 200 and again.json()["id"] == attempt["id"]
    answers = {**CORRECT, NUMERIC: 9.8, TRUE_FALSE: False}
    response = submit(client, attempt["id"], answers)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["score"], result["max_score"], result["percent"]) == (5, 5, 100)
    assert result["passed"] is True
    assert result["questions"][3]["feedback"] == FEEDBACK[NUMERIC]
    assert LessonProgress.objects.get(lesson_key=lesson.translation_key).completed_at
    [listed] = client.get("/api/v1/me/attempts").json()
    assert listed["id"] == attempt["id"]
    assert listed["passed"] is True
    assert listed["attempts_left"] == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no-such-question": "x"}, "Unknown question"),
        ({SINGLE: OPT_M1}, "is not an option of question"),
        ({MULTIPLE: [OPT_M1, OPT_M1]}, "more than once"),
        ({TRUE_FALSE: "true"}, "wrong type"),
        ({NUMERIC: [1]}, "wrong type"),
        ({TEXT: {"a": 1}}, "wrong type"),
        ({SINGLE: None, MULTIPLE: "x"}, "wrong type"),
    ],
)
def test_tampered_answers_are_400_and_change_nothing(setup, answers, message):
    """Impossible answers get a 400 with a clear message; the attempt stays open."""
    quiz, *_, learner, _ = setup
    client = api_client(learner)
    attempt = start(client, quiz)
    response = submit(client, attempt["id"], answers)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    stored = QuizAttempt.objects.get(pk=attempt["id"])
    assert stored.submitted_at is None and stored.score is None


def test_malformed_bodies_are_400(setup):
    """Answers that are not an object, or no JSON at all, are a 400."""
    quiz, *_, learner, _ = setup
    client = api_client(learner)
    attempt = start(client, quiz)
    url = f"/api/v1/attempts/{attempt['id']}/submit"
    for body in ('{"answers": [1, 2]}', "{nope", '"answers"'):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"]
    assert QuizAttempt.objects.get().submitted_at is None


def test_five_megabyte_body_is_400(setup):
    """A 5 MB body is refused with a message, not a 500."""
    quiz, *_, learner, _ = setup
    client = api_client(learner)
    attempt = start(client, quiz)
    huge = json.dumps({"answers": {TEXT: "x" * (5 * 1024 * 1024)}})
    response = client.post(
        f"/api/v1/attempts/{attempt['id']}/submit",
        huge,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    assert QuizAttempt.objects.get().submitted_at is None


def test_after_the_time_limit_is_400(setup):
    """A submission after the time limit (and grace) is refused and not recorded."""
    quiz, *_, learner, _ = setup
    client = api_client(learner)
    attempt = start(client, quiz)
    QuizAttempt.objects.filter(pk=attempt["id"]).update(
        started_at=timezone.now() - timedelta(minutes=10, seconds=31)
    )
    response = submit(client, attempt["id"], CORRECT)
    assert response.status_code == 400
    assert "time limit" in response.json()["detail"]
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()
    assert QuizAttempt.objects.get().score is None


def test_beyond_the_attempts_limit_is_400(setup):
    """The third start of a two-attempt quiz is refused."""
    quiz, *_, learner, _ = setup
    client = api_client(learner)
    for _ in range(2):
        assert submit(client, start(client, quiz)["id"], {}).status_code == 200
    response = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts")
    assert response.status_code == 400
    assert "used all 2 attempts" in response.json()["detail"]
    assert QuizAttempt.objects.count() == 2


def test_strangers_are_kept_out(client, setup):
    """Anonymous is 401, not enrolled is 403, another's attempt is 404."""
    quiz, *_, learner, _ = setup
    assert client.get(f"/api/v1/quizzes/{quiz.pk}").status_code == 401
    stranger = api_client(make_user())
    assert stranger.get(f"/api/v1/quizzes/{quiz.pk}").status_code == 403
    response = stranger.post(f"/api/v1/quizzes/{quiz.pk}/attempts")
    assert response.status_code == 403
    assert "not enrolled" in response.json()["detail"]
    attempt = start(api_client(learner), quiz)
    assert submit(stranger, attempt["id"], CORRECT).status_code == 404
    assert stranger.get("/api/v1/me/attempts").json() == []
    assert api_client(learner).get("/api/v1/quizzes/999999").status_code == 404


def test_assignment_submission_by_multipart(setup, settings):
    """A learner submits text and a PDF; a forbidden type is refused unstored."""
    _, module, _, learner, _ = setup
    assignment = make_assignment(module)
    client = api_client(learner)
    url = f"/api/v1/assignments/{assignment.pk}/submissions"
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client.post(url, {"text": "Plan", "file": exe})
    assert response.status_code == 400
    assert "cannot be submitted" in response.json()["detail"]
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n" + b"x" * 3_000_000)
    response = client.post(url, {"text": "Mans plāns", "file": pdf})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["filename"], body["text"]) == (
        "submitted",
        "plan.pdf",
        "Mans plāns",
    )
    assert AssignmentSubmission.objects.get().file.size > 3_000_000
    response = client.post(url, {"text": "Again"})
    assert response.status_code == 400
    assert "waiting for review" in response.json()["detail"]


def test_assignment_submission_needs_enrolment(setup):
    """Someone not in the course gets a 403."""
    _, module, *_ = setup
    assignment = make_assignment(module)
    response = api_client(make_user()).post(
        f"/api/v1/assignments/{assignment.pk}/submissions", {"text": "Hi"}
    )
    assert response.status_code == 403
    assert not AssignmentSubmission.objects.exists()


def test_openapi_schema_lists_the_assessment_endpoints(client):
    """The OpenAPI schema documents the assessment endpoints."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/quizzes/{quiz_id}",
        "/api/v1/quizzes/{quiz_id}/attempts",
        "/api/v1/attempts/{attempt_id}/submit",
        "/api/v1/me/attempts",
        "/api/v1/assignments/{assignment_id}/submissions",
    ):
        assert path in paths
