"""Who reaches what of a course (``courses.permissions``): every page, file, API
operation, report and admin screen gated by it gives a course's own staff all of
it and the staff of another course none of it."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import LessonPage
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment, make_quiz
from tests.factories import (
    api_client,
    in_english_admin,
    make_course_editor,
    make_course_tree,
    make_live_session,
    make_user,
)

pytestmark = pytest.mark.django_db

LINK = "https://zoom.us/j/555000111"


@pytest.fixture
def two_courses():
    """Course A with a gated lesson, a quiz, an online session, a learner's
    submission and certificate; and an author who edits only course B."""
    make_template()
    course_a, lessons = make_course_tree(modules=1, lessons=1, title="Course A")
    module = lessons[0].get_parent().specific
    quiz = make_quiz(title="Quiz A")
    LessonPage.objects.filter(pk=lessons[0].pk).update(quiz=quiz)
    make_live_session(module, online_link=LINK)
    assignment = make_assignment(module)
    learner = make_user(first_name="Anna", last_name="Bērziņa")
    enrolment = enrol(learner, course_a)
    submission = submit_assignment(
        enrolment, assignment, upload=ContentFile(b"%PDF-1.7\n", name="plan.pdf")
    )
    record_lesson_completed(enrolment, lessons[0])
    certificate = issue_certificate(
        enrolment, how=Certificate.How.MANUAL, reason="Paper register"
    )
    course_b, _ = make_course_tree(modules=1, lessons=1, title="Course B")
    return {
        "course": course_a,
        "lesson": lessons[0],
        "quiz": quiz,
        "submission": submission,
        "certificate": certificate,
        "learner": learner,
        "other_author": in_english_admin(make_course_editor(course_b)),
        "own_author": in_english_admin(make_course_editor(course_a)),
    }


def reach(user, data) -> dict[str, bool]:
    """What of course A ``user`` reaches: each gated thing, True when shown."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    api = api_client(user)
    course, submission = data["course"], data["submission"]
    sessions = api.get(f"/api/v1/courses/{course.pk}/sessions").json()
    with translation.override("en"):
        file_url = reverse("courses:submission_file", args=[submission.pk])
    return {
        "lesson": client.get(data["lesson"].url).status_code == 200,
        "quiz questions": api.get(f"/api/v1/quizzes/{data['quiz'].pk}").status_code
        == 200,
        "session link in the API": sessions[0]["online_link"] == LINK,
        "session link on the page": LINK in client.get(course.url).content.decode(),
        "submission": client.get(
            reverse("submissions:edit", args=[submission.pk])
        ).status_code
        == 200,
        "submitted file": client.get(file_url).status_code == 200,
        "certificate in the admin": data["certificate"].serial
        in client.get(reverse("certificates_admin:index")).content.decode(),
        "certificate PDF": client.get(
            reverse("certificates:download", args=[data["certificate"].pk])
        ).status_code
        == 200,
        "progress report": "Bērziņa"
        in client.get(reverse("reports:progress")).content.decode(),
        "module matrix": "Bērziņa"
        in client.get(
            reverse("reports:matrix") + f"?course={course.pk}"
        ).content.decode(),
    }


def test_an_author_of_another_course_reaches_nothing_gated(two_courses):
    """Staff of course B open nothing of course A that is not public; course A's
    author opens its content and reports, but not its learners' work or
    certificates, which are for tutors and programme administrators."""
    own = reach(two_courses["own_author"], two_courses)
    closed = {"submission", "submitted file", "certificate in the admin"}
    closed.add("certificate PDF")
    assert own == {name: name not in closed for name in own}
    denied = reach(two_courses["other_author"], two_courses)
    assert [name for name, shown in denied.items() if shown] == []
