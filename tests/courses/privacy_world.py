"""A course in which one learner has done everything (quiz, assignment with a
file, attendance, certificate with its PDF) next to another learner: the
world of the privacy tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certificates.delivery import ensure_pdf
from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.assignments.submissions import review_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import (
    AssessedCompetence,
    Attendance,
    CalendarToken,
    Competence,
    CompetenceArea,
    Enrolment,
    Framework,
    FrameworkLevel,
    LearnerProfile,
    LessonPage,
)
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt, submit_attempt
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import (
    CORRECT,
    TEXT,
    make_assignment,
    make_quiz,
)
from tests.factories import (
    make_course_editor,
    make_course_tree,
    make_live_session,
    make_user,
)


@dataclass
class Course:
    learner: object
    other: object
    author: object
    enrolment: Enrolment
    other_enrolment: Enrolment
    certificate: Certificate


@pytest.fixture
def person_world() -> Course:
    """Anna has done everything in a course (and holds its certificate); Pēteris
    has records in the same course; their author reviewed Anna's work."""
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=2, title="Digital pedagogy")
    module = lessons[0].get_parent().specific
    quiz = make_quiz(title="Backward design")
    LessonPage.objects.filter(pk=lessons[1].pk).update(quiz=quiz)
    now = timezone.now()
    session = make_live_session(
        module,
        title="Kick-off",
        start=now - timedelta(hours=2),
        end=now - timedelta(hours=1),
    )
    assignment = make_assignment(module, title="Lesson plan")
    framework = Framework.objects.create(name="DigCompEdu", code="digcompedu")
    level = FrameworkLevel.objects.create(framework=framework, code="B1", name="B1")
    area = CompetenceArea.objects.create(
        framework=framework, code="2", name="Digital resources"
    )
    competence = Competence.objects.create(
        framework=framework, area=area, code="2.1", name="Selecting resources"
    )
    author = make_course_editor(course, username="author")

    learner = make_user(
        username="anna", first_name="Anna", last_name="Bērziņa", email="anna@e.lv"
    )
    LearnerProfile.objects.create(
        user=learner, preferred_language="lv", municipality="ogre"
    )
    CalendarToken.for_user(learner)
    enrolment = enrol(learner, course)
    submission = submit_assignment(
        enrolment,
        assignment,
        text="My plan for grade 7",
        upload=ContentFile(b"%PDF-1.7 Anna's plan", name="plan.pdf"),
    )
    review_submission(submission, author, "accepted", "Well argued")
    AssessedCompetence.objects.create(
        submission=submission, competence=competence, level=level
    )
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, CORRECT)
    mark_attendance(session, enrolment, Attendance.Status.PRESENT)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    certificate = Certificate.objects.filter(enrolment=enrolment).first() or (
        issue_certificate(enrolment, how=Certificate.How.MANUAL, reason="Register")
    )
    ensure_pdf(certificate)

    other = make_user(username="peteris", first_name="Pēteris", last_name="Ozols")
    other_enrolment = enrol(other, course)
    submit_assignment(
        other_enrolment,
        assignment,
        text="Pēteris's secret draft",
        upload=ContentFile(b"%PDF-1.7 Peteris", name="peteris-draft.pdf"),
    )
    other_attempt, _ = start_attempt(other_enrolment, quiz)
    submit_attempt(other_attempt, {TEXT: "Zinātne"})
    mark_attendance(session, other_enrolment, Attendance.Status.ABSENT)
    record_lesson_completed(other_enrolment, lessons[0])
    enrolment.refresh_from_db()
    certificate.refresh_from_db()
    return Course(learner, other, author, enrolment, other_enrolment, certificate)
