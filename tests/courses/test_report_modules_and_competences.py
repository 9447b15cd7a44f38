"""The per-course reports: the module matrix and its funnel, and the competence
report's highest accepted levels."""

from __future__ import annotations

import uuid

import pytest

from courses.assignments.submissions import review_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import AssignmentSubmission, Enrolment
from courses.progress.recording import record_lesson_completed
from courses.reports import competences as report_competences
from courses.reports import matrix as report_matrix
from tests.courses.assessment_factories import make_assignment
from tests.courses.report_world import REPORT_URL, course_editor
from tests.factories import make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


def test_module_matrix_shows_each_modules_state_and_the_funnel(school, client):
    """Done, in progress and not started per module, and a funnel chart with a
    title, a description and every count written out."""
    client.force_login(course_editor(school["course"]))
    response = client.get(f"{REPORT_URL}matrix/", {"course": school["course"].pk})
    html = response.content.decode()
    structure = report_matrix.course_structure(school["course"])
    states = report_matrix.module_matrix(
        structure, [school["anna"].pk, school["liga"].pk, school["peteris"].pk]
    )
    assert states[school["anna"].pk] == ["done", "done"]
    assert states[school["liga"].pk] == ["done", "not_started"]
    assert states[school["peteris"].pk] == ["started", "not_started"]
    assert "<svg" in html and "<title" in html and "<desc" in html
    enrolments = Enrolment.objects.filter(course_key=school["course"].translation_key)
    funnel = report_matrix.module_funnel(structure, enrolments)
    assert [count for _label, count in funnel] == [4, 2, 1]


def test_competence_report_shows_highest_accepted_level(school, client):
    """Each learner's highest level from accepted submissions, counted per level."""
    from courses.models import (
        AssessedCompetence,
        Competence,
        Framework,
        FrameworkLevel,
    )

    framework = Framework.objects.create(code="DigCompEdu", name="DigCompEdu")
    low = FrameworkLevel.objects.create(
        framework=framework, code="A2", name="Explorer", sort_order=2
    )
    high = FrameworkLevel.objects.create(
        framework=framework, code="B1", name="Integrator", sort_order=3
    )
    competence = Competence.objects.create(
        framework=framework, code="2.1", name="Selecting digital resources"
    )
    for enrolment, level, status in (
        (school["liga"], low, "accepted"),
        (school["liga"], high, "accepted"),
        (school["anna"], low, "accepted"),
        (school["peteris"], high, "returned"),
    ):
        submission = AssignmentSubmission.objects.create(
            enrolment=enrolment, assignment_key=uuid.uuid4(), status=status
        )
        AssessedCompetence.objects.create(
            submission=submission, competence=competence, level=level
        )
    rows = {
        row.pk: row
        for row in report_competences.competence_page(Enrolment.objects.order_by("pk"))
    }
    assert rows[school["liga"].pk].levels == {competence.pk: "B1"}
    assert rows[school["anna"].pk].levels == {competence.pk: "A2"}
    assert rows[school["peteris"].pk].levels == {}
    client.force_login(course_editor(school["course"]))
    html = client.get(f"{REPORT_URL}competences/").content.decode()
    assert "DigCompEdu 2.1" in html
    assert "A2: 1; B1: 1" in html


def test_a_module_awaiting_review_is_not_done_in_the_matrix_or_funnel(client):
    """Every lesson of a module done but its assignment only submitted: the
    matrix shows the module in progress and the funnel does not count it;
    once the assignment is accepted, both count the module done."""
    course = make_course(title="Inquiry")
    module = make_module(course, title="Pētniecība")
    lessons = [make_lesson(module), make_lesson(module)]
    assignment = make_assignment(module)
    enrolment = enrol(make_user(first_name="Ilze", last_name="Liepa"), course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    submission = submit_assignment(enrolment, assignment, text="Mana stunda")
    client.force_login(course_editor(course))

    def matrix_and_funnel() -> tuple[list[str], list[int], str]:
        structure = report_matrix.course_structure(course)
        html = client.get(f"{REPORT_URL}matrix/", {"course": course.pk})
        row = report_matrix.module_matrix(structure, [enrolment.pk])[enrolment.pk]
        funnel = report_matrix.module_funnel(
            structure, Enrolment.objects.filter(pk=enrolment.pk)
        )
        return row, [count for _label, count in funnel], html.content.decode()

    states, funnel, html = matrix_and_funnel()
    assert states == ["started"]
    assert funnel == [1, 0]  # enrolled, then the module
    assert "◐ In progress" in html and "✔ Done" not in html
    review_submission(submission, make_user(is_staff=True), "accepted")
    states, funnel, html = matrix_and_funnel()
    assert states == ["done"]
    assert funnel == [1, 1]
    assert "✔ Done" in html
