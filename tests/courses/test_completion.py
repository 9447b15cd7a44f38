"""Completion criteria, the learner's checklist and the competence profile; a
module's completion counts the same on every page and report."""

from decimal import Decimal

import pytest
from django.test import Client

from courses.assignments.submissions import review_submission, submit_assignment
from courses.competences.frameworks import load_frameworks
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import (
    AssignmentSubmission,
    Attendance,
    Competence,
    Enrolment,
    FrameworkLevel,
    ModuleCompetence,
)
from courses.progress.completion import learner_checklist
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt, submit_attempt
from courses.reports.matrix import ModuleState, course_structure, module_matrix
from tests.courses.assessment_factories import CORRECT, make_assignment, make_quiz
from tests.factories import (
    make_course,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


def checklist_of(enrolment):
    return {r.code: (r.done, r.needed, r.met) for r in learner_checklist(enrolment)}


def test_all_criteria_must_be_met_before_completion():
    """Lessons, a quiz, an assignment and attendance all count before completion."""
    course = make_course(min_attendance_hours=Decimal(2))
    module = make_module(course, hours=Decimal(12))
    lesson = make_lesson(module, quiz=make_quiz())
    assignment = make_assignment(module)
    session = make_live_session(module, hours=Decimal(2))
    enrolment = enrol(make_user(), course)

    record_lesson_completed(enrolment, lesson)
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.ACTIVE
    assert checklist_of(enrolment) == {
        "lessons": (1, 1, True),
        "quizzes": (0, 1, False),
        "assignments": (0, 1, False),
        "attendance_hours": (0, 2, False),
    }

    attempt, _ = start_attempt(enrolment, lesson.quiz)
    submit_attempt(attempt, CORRECT)
    submission = submit_assignment(enrolment, assignment, text="Mans mācību temats")
    review_submission(submission, make_user(is_staff=True), "accepted")
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.ACTIVE

    mark_attendance(session, enrolment, Attendance.Status.PRESENT)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    assert stored.attended_hours == Decimal(2)
    assert all(met for _, _, met in checklist_of(stored).values())


def test_attendance_percent_counts_the_sessions_offered():
    """A 50 % attendance minimum is met by attending one of two equal sessions."""
    course = make_course(min_attendance_percent=50)
    module = make_module(course)
    lesson = make_lesson(module)
    first = make_live_session(module, hours=Decimal(2))
    make_live_session(module, hours=Decimal(2))
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lesson)
    assert checklist_of(enrolment)["attendance_percent"] == (0, 50, False)
    mark_attendance(first, enrolment, Attendance.Status.PRESENT)
    assert checklist_of(enrolment)["attendance_percent"] == (50, 50, True)
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED


def test_attended_hours_count_towards_a_module_until_it_is_done():
    """Session hours count within their module, never beyond its hours."""
    course = make_course()
    module = make_module(course, hours=Decimal(3))
    make_lesson(module)
    long_session = make_live_session(module, hours=Decimal(4))
    enrolment = enrol(make_user(), course)
    mark_attendance(long_session, enrolment, Attendance.Status.PRESENT)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.attended_hours == Decimal(4)
    assert stored.hours_earned == Decimal(3)


def test_course_page_shows_the_checklist(client):
    """An enrolled teacher sees what is still needed to complete the course."""
    course = make_course()
    module = make_module(course)
    make_lesson(module)
    make_assignment(module)
    user = make_user()
    enrol(user, course)
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert 'class="checklist"' in html
    assert "0 / 1" in html


def test_checklist_api(client):
    """The checklist is in the API for the enrolled learner only."""
    course = make_course()
    make_lesson(make_module(course))
    user = make_user()
    enrol(user, course)
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)
    [item] = api.get(f"/api/v1/courses/{course.pk}/checklist").json()
    assert item == {
        "code": "lessons",
        "label": "Required lessons done",
        "done": 0.0,
        "needed": 1.0,
        "met": False,
        "note": "",
        "added_after_completion": 0.0,
        "kept": False,
    }
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(f"/api/v1/courses/{course.pk}/checklist").status_code == 403


@pytest.fixture
def competence_course():
    load_frameworks()
    course = make_course()
    module = make_module(course, title="Digitālie rīki")
    lesson = make_lesson(module)
    digital = Competence.objects.get(framework__code="DigCompEdu", code="2.1")
    ModuleCompetence.objects.create(
        module=module,
        competence=digital,
        target_level=FrameworkLevel.objects.get(
            framework__code="DigCompEdu", code="B1"
        ),
    )
    assignment = make_assignment(module, competences=[digital])
    return course, module, lesson, digital, assignment


def test_competence_profile_page_shows_evidence(client, competence_course):
    """My competences lists the competence with the module done and assessed level."""
    course, _, lesson, digital, assignment = competence_course
    user = make_user()
    enrolment = enrol(user, course)
    record_lesson_completed(enrolment, lesson)
    submission = submit_assignment(enrolment, assignment, text="Darbs")
    review_submission(
        submission,
        make_user(is_staff=True),
        AssignmentSubmission.Status.ACCEPTED,
        levels={
            digital.pk: FrameworkLevel.objects.get(
                framework=digital.framework, code="B2"
            )
        },
    )
    client.force_login(user)
    html = client.get("/en/my/competences/").content.decode()
    assert "Selecting digital resources" in html
    assert "Digitālie rīki" in html
    assert "B2" in html
    [item] = client.get("/api/v1/me/competences").json()
    assert item["code"] == "2.1"
    assert item["assessed_level"]["code"] == "B2"
    assert item["target_level"]["code"] == "B1"
    assert item["modules_completed"] == ["Digitālie rīki"]
    assert item["developed"] is True


def test_competence_profile_is_private(client, competence_course):
    """Another learner's evidence never appears in my profile."""
    course, _, lesson, _, _ = competence_course
    record_lesson_completed(enrol(make_user(), course), lesson)
    client.force_login(make_user())
    assert client.get("/api/v1/me/competences").json() == []
    assert client.get("/lv/my/competences/").status_code == 200


def test_course_page_checklist_includes_the_quiz(client):
    """A quiz linked to a required lesson appears in the course page's checklist."""
    course = make_course()
    make_lesson(make_module(course), quiz=make_quiz())
    user = make_user()
    enrol(user, course)
    client.force_login(user)
    html = client.get(course.url.replace("/lv/", "/en/", 1)).content.decode()
    assert "Tests passed" in html


def test_an_optional_lesson_left_undone_counts_the_same_everywhere(client):
    """With the required lesson done and the optional one not: the module's badge
    shows, its hours count, the next module opens and the matrix says done."""
    course = make_course(sequential=True, title="Inquiry")
    first = make_module(course, title="Levels of inquiry", hours=Decimal(6))
    required = make_lesson(first, title="Recipe to inquiry")
    make_lesson(first, title="Further reading", optional=True)
    second = make_module(course, title="Modelling", hours=Decimal(4))
    next_lesson = make_lesson(second, title="Fitting a line")
    learner = make_user()
    enrolment = enrol(learner, course)
    record_lesson_completed(enrolment, required)

    client.force_login(learner)
    html = client.get(first.url).content.decode()
    assert '<span class="badge badge--done">Pabeigts</span>' in html
    course_html = client.get(course.url).content.decode()
    assert course_html.count('<span class="badge badge--done">Pabeigts</span>') == 1
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(6)
    record_lesson_completed(enrolment, next_lesson)  # the second module is open
    structure = course_structure(course)
    assert module_matrix(structure, [enrolment.pk])[enrolment.pk] == [
        ModuleState.DONE,
        ModuleState.DONE,
    ]
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(10)
