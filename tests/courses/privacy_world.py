"""A course in which one learner has done everything (quiz, assignment with a
file, attendance, certificate with its PDF) next to another learner: the
world of the privacy tests; what she leaves outside her records when she
signs in and staff act on her account; and how the tests erase her."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client, TestCase
from django.urls import reverse
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
    IdempotentRequest,
    LearnerProfile,
    LessonPage,
    PeerReview,
    PrivacyLog,
)
from courses.privacy.erasure import erase_person
from courses.privacy.registry import personal_data
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
    in_english_admin,
    make_course_editor,
    make_course_tree,
    make_live_session,
    make_programme_admin,
    make_user,
    token_client,
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
    others_work = submit_assignment(
        other_enrolment,
        assignment,
        text="Pēteris's secret draft",
        upload=ContentFile(b"%PDF-1.7 Peteris", name="peteris-draft.pdf"),
    )
    # Peer feedback both ways: Anna's words on his work are hers; his on hers,
    # his.
    PeerReview.objects.create(
        reviewer=enrolment,
        submission=others_work,
        assignment_key=assignment.translation_key,
        comment="Anna's comment: the goals are clear",
        commented_at=now,
        status=PeerReview.Status.APPROVED,
        moderated_by=author,
        moderated_at=now,
    )
    PeerReview.objects.create(
        reviewer=other_enrolment,
        submission=submission,
        assignment_key=assignment.translation_key,
        comment="A comment by Pēteris on the plan",
        commented_at=now,
        status=PeerReview.Status.PENDING,
    )
    other_attempt, _ = start_attempt(other_enrolment, quiz)
    submit_attempt(other_attempt, {TEXT: "Zinātne"})
    mark_attendance(session, other_enrolment, Attendance.Status.ABSENT)
    record_lesson_completed(other_enrolment, lessons[0])
    enrolment.refresh_from_db()
    certificate.refresh_from_db()
    return Course(learner, other, author, enrolment, other_enrolment, certificate)


@dataclass
class Traces:
    """What the world's people left outside their own records."""

    world: Course
    administrator: object
    registrar: object
    #: The registrar's enrolment of Pēteris through the staff API (kept for replay).
    peterises_answer: IdempotentRequest
    #: Anna's: signed in with her password, signed in on her phone, and the
    #: sign-up page's.
    annas_sessions: list[str]
    #: Signed in as Pēteris and as the administrator.
    others_sessions: list[str]


@pytest.fixture
def traced_world(person_world: Course) -> Traces:
    """Anna signs in on her computer and on her phone, and later, forgetting
    she has an account, signs up again from another browser (allauth remembers
    her address in that session, which is not signed in as her); an
    administrator corrects her name in Wagtail's user admin; a registrar
    enrols her and Pēteris in a second course through the staff API with
    Idempotency-Keys, and withdraws her again."""
    world = person_world
    anna = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in = anna.post(
        "/en/accounts/login/", {"login": "anna@e.lv", "password": "pw-for-tests"}
    )
    assert signed_in.status_code == 302, signed_in.content
    signing_up = Client()
    signed_up = signing_up.post(
        "/en/accounts/signup/",
        {
            "first_name": "Anna",
            "last_name": "Bērziņa",
            "email": "anna@e.lv",
            "password1": "Daugavpils-skola-2026",
            "password2": "Daugavpils-skola-2026",
        },
    )
    assert signed_up["Location"] == "/en/accounts/confirm-email/"
    phone = Client()
    phone.force_login(world.learner)

    administrator = in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(administrator)
    edited = admin.post(
        reverse("wagtailusers_users:edit", args=[world.learner.pk]),
        {
            "username": "anna",
            "email": "anna@e.lv",
            "first_name": "Anna",
            "last_name": "Bērziņa",
            "is_active": "on",
            "password1": "",
            "password2": "",
        },
    )
    assert edited.status_code == 302, edited.content
    peteris = Client()
    peteris.force_login(world.other)

    robotics, _lessons = make_course_tree(modules=1, lessons=1, title="Robotics")
    registrar = make_programme_admin(username="registrar")
    api, _token = token_client(registrar)
    url = f"/api/v1/staff/courses/{robotics.pk}/enrolments"
    answers = []
    for key, email in (("row-1", "anna@e.lv"), ("row-2", world.other.email)):
        response = api.post(
            url,
            json.dumps({"email": email}),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 201, response.content
        answers.append(response.json())
    withdrawn = api.post(
        f"/api/v1/staff/enrolments/{answers[0]['enrolment']['id']}/withdraw",
        json.dumps({"note": "Moved to another school"}),
        content_type="application/json",
        headers={"Idempotency-Key": "withdraw-1"},
    )
    assert withdrawn.status_code == 200, withdrawn.content
    return Traces(
        world=world,
        administrator=administrator,
        registrar=registrar,
        peterises_answer=IdempotentRequest.objects.get(key="row-2"),
        annas_sessions=[
            client.session.session_key for client in (anna, phone, signing_up)
        ],
        others_sessions=[peteris.session.session_key, admin.session.session_key],
    )


#: What Anna's records said about her, none of which may remain anywhere.
ANNAS_DATA = (
    "Anna",
    "Bērziņa",
    "anna@e.lv",
    "My plan for grade 7",
    "Well argued",
    "the goals are clear",
)


def everything_declared() -> str:
    """Every row of every declared model, as one JSON text."""
    dump = {}
    for declaration in personal_data():
        model = declaration.model_class()
        # In key order: the database may return rows in any order.
        dump[declaration.name] = list(model._default_manager.order_by("pk").values())
    return json.dumps(dump, cls=DjangoJSONEncoder, ensure_ascii=False)


def erase(world: Course, **kwargs) -> None:
    kwargs.setdefault("channel", PrivacyLog.Channel.COMMAND)
    kwargs.setdefault("reason", "Erasure request 2026/7")
    # Files go once the erasure has committed, as in real use.
    with TestCase.captureOnCommitCallbacks(execute=True):
        erase_person(world.learner, **kwargs)
