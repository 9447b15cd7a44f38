"""What the permission matrix cannot see from status codes alone: what the
screens a member of staff may open list, what they refuse to save, and the
names inside a downloaded ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.messages import get_messages
from wagtail import hooks

from certificates.models import Certificate
from courses.models import Cohort, Enrolment, LiveSession, Quiz
from courses.permissions import FILTER_COURSES_HOOK
from tests.courses.assessment_factories import NUMERIC


def test_choosers_list_only_the_courses_the_user_may_edit(world):
    """An author of another course finds none of this course's cohorts or
    sessions in the admin's choosers; the course's author finds its sessions,
    and a programme administrator its cohorts."""
    for role, cohort_shown, session_shown in (
        ("other_author", False, False),
        ("course_author", False, True),
        ("programme_admin", True, False),
    ):
        client = world.client(role)
        cohorts = client.get("/admin/snippets/choose/courses/cohort/")
        sessions = client.get("/admin/snippets/choose/courses/livesession/")
        html = json.loads(cohorts.content)["html"]
        assert ("Daugavpils" in html) is cohort_shown, role
        html = json.loads(sessions.content)["html"]
        chosen = f"livesession/chosen/{world.session.pk}/" in html
        assert chosen is session_shown, role


def test_a_cohort_form_offers_and_saves_only_the_users_courses(world):
    """The course a host's hook leaves out is neither offered nor saved."""
    client = world.client("programme_admin")
    course_b = world.other_course.translation_key

    def without_course_b(user, courses):
        return courses.exclude(translation_key=course_b)

    with hooks.register_temporarily(FILTER_COURSES_HOOK, without_course_b):
        form = client.get("/admin/snippets/courses/cohort/add/").content.decode()
        assert "Course A" in form
        assert "Course B" not in form
        response = client.post(
            "/admin/snippets/courses/cohort/add/",
            {"course": world.other_course.pk, "name": "Valmiera"},
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Cohort.objects.filter(name="Valmiera").exists()


@pytest.mark.parametrize("kind", ["cohort", "livesession"])
def test_deleting_what_learners_records_refer_to_is_refused(world, kind):
    """A cohort with enrolments or a session with attendance stays, with a
    message that says why; nothing of the learners' records is lost."""
    instance = world.cohort if kind == "cohort" else world.session
    enrolments, attendance = Enrolment.objects.count(), world.session.attendance.count()
    # Cohorts are the programme administrators', sessions the course authors'.
    client = world.client("programme_admin" if kind == "cohort" else "course_author")
    url = f"/admin/snippets/courses/{kind}/delete/{instance.pk}/"
    response = client.post(url)
    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert "cannot be deleted: learners' records refer to it" in str(message)
    assert type(instance).objects.filter(pk=instance.pk).exists()
    assert Enrolment.objects.count() == enrolments
    assert LiveSession.objects.get(pk=world.session.pk).attendance.count() == (
        attendance
    )


def test_zip_entries_are_file_names_whatever_the_learner_is_called(world):
    Certificate.objects.filter(pk=world.certificate.pk).update(
        learner_name="../../../../tmp/x"
    )
    client = world.client("programme_admin")
    response = client.get(
        "/admin/certificates/zip/download/", {"course": world.course.pk}
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"tmpx {world.certificate.serial}.pdf"]


def test_a_latvian_name_stays_as_it_is_in_the_zip(world):
    client = world.client("programme_admin")
    response = client.get(
        "/admin/certificates/zip/download/", {"course": world.course.pk}
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"Anna Bērziņa {world.certificate.serial}.pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "debug", "status"),
    [(None, False, 404), (None, True, 200), (False, True, 404), (True, False, 200)],
)
def test_api_docs_only_where_enabled(settings, client, setting, debug, status):
    """A production site (DEBUG off) does not publish its API's schema unless
    LMS_API_DOCS says so."""
    settings.LMS_API_DOCS = setting
    settings.DEBUG = debug
    assert client.get("/api/v1/docs").status_code == status
    assert client.get("/api/v1/openapi.json").status_code == status


def test_a_quiz_form_missing_the_editors_fields_saves_nothing(world):
    """A hand-made post to the quiz editor (without the block editor's own
    fields) is the form again with a message, not a server error."""
    client = world.client("administrator", raise_request_exception=False)
    response = client.post(
        f"/admin/snippets/courses/quiz/edit/{world.quiz.pk}/", {"title": "Renamed"}
    )
    assert response.status_code == 200
    assert "The form arrived incomplete" in response.content.decode()
    assert Quiz.objects.get(pk=world.quiz.pk).title == "Quiz A"


@pytest.mark.parametrize("answer", ["1e999999999", "-1e20", "NaN", "Infinity"])
def test_an_impossible_number_is_refused_and_the_attempt_stays_open(world, answer):
    client = world.client("learner")
    response = client.post(
        f"/api/v1/attempts/{world.attempt.pk}/submit",
        json.dumps({"answers": {NUMERIC: answer}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "has the wrong type" in response.json()["detail"]
    world.attempt.refresh_from_db()
    assert world.attempt.submitted_at is None
