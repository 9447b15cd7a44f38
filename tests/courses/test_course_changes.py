"""One rule for a course that changes after a learner completed it, said the same
by both language versions' course pages, the checklist, the percent, the
dashboard, the API and the certificate; and hours earned only for modules whose
every requirement is met."""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.assignments.submissions import review_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance, Enrolment
from courses.progress.completion import learner_checklist
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment
from tests.courses.test_translation_drift import translate
from tests.factories import (
    make_course,
    make_course_tree,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db


def _card(html: str) -> str:
    """The "Your progress" panel of a course page, tags stripped."""
    panel = re.search(r'<section class="panel panel--accent".*?</section>', html, re.S)
    assert panel, "the page has a progress panel"
    return " ".join(re.sub(r"<[^>]+>", " ", panel.group(0)).split())


@pytest.fixture
def completed_then_grown(django_capture_on_commit_callbacks):
    """The issue's case: a teacher completes a course of 15 lessons (Latvian and
    English versions), then the author publishes a 16th, in Latvian only, in a new
    module."""
    make_template()
    course = make_course(title="Pētnieciskā mācīšanās")
    lessons = []
    for _ in range(3):
        module = make_module(course, hours=Decimal(20))
        lessons += [make_lesson(module) for _ in range(5)]
    english = translate(course)
    user = make_user()
    enrolment = enrol(user, course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            record_lesson_completed(enrolment, lesson)
    with django_capture_on_commit_callbacks(execute=True) as recounts:
        new_lesson = make_lesson(
            make_module(course, hours=Decimal(6)), title="Jaunā nodarbība"
        )
    assert recounts, "publishing recounts the course's enrolments"
    client = Client()
    client.force_login(user)
    return course, english, new_lesson, enrolment, client


def test_completion_hours_and_percent_are_kept(completed_then_grown):
    """The stored summary stays completed at 100 % with its 60 hours; the lesson
    counts show the new lesson, the requirement counts do not ask for it."""
    _course, _english, _new, enrolment, _client = completed_then_grown
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    assert (stored.percent, stored.hours_earned) == (100, Decimal(60))
    assert (stored.completed_items, stored.total_items) == (15, 16)
    assert (stored.requirements_done, stored.requirements_total) == (15, 15)


def test_both_language_cards_say_the_same(completed_then_grown):
    """Latvian and English course pages: completed, 100 %, 15 of 16 lessons, the
    new lesson named as published after completion, and every checklist line met
    (the Latvian card said 91 % and "15/16 vēl nav" before)."""
    course, english, _new, _enrolment, client = completed_then_grown
    latvian = _card(client.get(course.url).content.decode())
    assert "Kurss pabeigts" in latvian
    assert 'value="100"' in client.get(course.url).content.decode()
    assert "Pabeigtas nodarbības: 15 no 16 · iegūtās akadēmiskās stundas: 60" in latvian
    assert "Pabeigtās obligātās nodarbības 15 / 15" in latvian
    assert "+1 publicēts pēc kursa pabeigšanas" in latvian
    assert "vēl nav" not in latvian

    response = client.get(english.url)
    html = response.content.decode()
    card = _card(html)
    assert "Course completed" in card
    assert 'value="100"' in html
    assert "15 of 16 lessons done · academic hours earned: 60" in card
    assert "1 lesson was published after you completed the course." in card
    assert "Required lessons done 15 / 15" in card
    assert "not yet" not in card


def test_checklist_api_and_dashboard_agree(completed_then_grown):
    """The API's percent divides its requirement counts; its lesson counts are the
    card's; the checklist marks what was added; the dashboard keeps the hours."""
    course, english, _new, _enrolment, client = completed_then_grown
    [mine] = client.get("/api/v1/me/enrolments").json()
    assert mine["percent"] == 100
    assert mine["requirements_done"] == mine["requirements_total"] == 15
    assert (mine["completed_items"], mine["total_items"]) == (15, 16)
    assert mine["hours_earned"] == 60
    for version in (course, english):
        [lessons] = client.get(f"/api/v1/courses/{version.pk}/checklist").json()
        assert (lessons["done"], lessons["needed"], lessons["met"]) == (15, 15, True)
        assert lessons["added_after_completion"] == 1
    dashboard = client.get("/en/my/").content.decode()
    assert "<dd>60</dd>" in dashboard
    assert "1 lesson was published after you completed the course." in dashboard


def test_certificate_hours_do_not_change(completed_then_grown):
    """The certificate issued on completion and one re-issued after the change both
    state the 60 hours the course was completed with."""
    _course, _english, _new, enrolment, _client = completed_then_grown
    [first] = Certificate.objects.filter(enrolment=enrolment)
    again = issue_certificate(
        Enrolment.objects.get(pk=enrolment.pk),
        how=Certificate.How.MANUAL,
        reason="Vārda maiņa",
    )
    assert first.hours == again.hours == Decimal(60)


def test_the_new_lesson_is_taken_without_a_second_congratulation(
    completed_then_grown,
):
    """Doing the lesson published later counts it (16 of 16) and congratulates no
    one again: the course was completed already."""
    _course, _english, new_lesson, enrolment, client = completed_then_grown
    response = client.post(f"/lv/lessons/{new_lesson.pk}/complete/", follow=True)
    assert "apsveicam" not in response.content.decode().lower()
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.completed_items, stored.total_items, stored.percent) == (16, 16, 100)
    assert (stored.requirements_done, stored.requirements_total) == (16, 16)
    assert stored.hours_earned == Decimal(60)


def test_an_active_learner_sees_the_version_they_enrolled_through():
    """Before completion, a lesson only the Latvian version has is asked of a
    learner enrolled through it, on the English page too: both cards and
    checklists say 1 of 2 and the same percent."""
    course = make_course()
    module = make_module(course)
    first = make_lesson(module)
    english = translate(course)
    make_lesson(module, title="Tikai latviski")
    user = make_user()
    record_lesson_completed(enrol(user, course), first)
    client = Client()
    client.force_login(user)
    cards = [_card(client.get(page.url).content.decode()) for page in (course, english)]
    assert "Pabeigtas nodarbības: 1 no 2" in cards[0]
    assert "Pabeigtās obligātās nodarbības 1 / 2" in cards[0]
    assert "1 of 2 lessons done" in cards[1]
    assert "Required lessons done 1 / 2" in cards[1]
    stored = Enrolment.objects.get(user=user)
    assert stored.percent == 50
    for version in (course, english):
        html = client.get(version.url).content.decode()
        assert 'id="course-progress" max="100" value="50"' in html


def test_hours_wait_for_the_review():
    """Lessons done and the module's assignment submitted: no hours earned and no
    "Completed" badge until the assignment is accepted (the card said 60 hours
    earned before)."""
    course = make_course()
    module = make_module(course, hours=Decimal(60))
    lesson = make_lesson(module)
    assignment = make_assignment(module)
    user = make_user()
    enrolment = enrol(user, course)
    record_lesson_completed(enrolment, lesson)
    submission = submit_assignment(enrolment, assignment, text="Mana stunda")
    client = Client()
    client.force_login(user)

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.hours_earned == 0
    html = client.get(course.url).content.decode()
    earned = "Pabeigtas nodarbības: 1 no 1 · iegūtās akadēmiskās stundas: 0"
    assert earned in _card(html)
    assert "is-complete" not in html
    assert earned in client.get("/lv/my/").content.decode()
    assert client.get("/api/v1/me/enrolments").json()[0]["hours_earned"] == 0

    review_submission(submission, make_user(is_staff=True), "accepted")
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.status, stored.hours_earned) == (Enrolment.Status.COMPLETED, 60)
    assert "is-complete" in client.get(course.url).content.decode()


def _other_version_queries(modules: int) -> int:
    course, lessons = make_course_tree(modules=modules, lessons=2)
    english = translate(course)
    user = make_user()
    record_lesson_completed(enrol(user, course), lessons[0])
    client = Client()
    client.force_login(user)
    client.get(english.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(english.url).status_code == 200
    return len(queries)


def test_the_other_language_page_stays_flat():
    """The English page of a course enrolled through in Latvian costs the same
    queries for 2 modules as for 8."""
    assert _other_version_queries(2) == _other_version_queries(8)


def test_recount_progress_fills_the_counts(completed_then_grown):
    """`recount_progress` recounts stored summaries (as after the upgrade that
    stores the requirement counts); an unknown key changes nothing and says so."""
    _course, _english, _new, enrolment, _client = completed_then_grown
    Enrolment.objects.filter(pk=enrolment.pk).update(
        requirements_done=0, requirements_total=0
    )
    out = io.StringIO()
    call_command("recount_progress", stdout=out)
    assert out.getvalue() == "1 enrolments recounted.\n"
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.requirements_done, stored.requirements_total) == (15, 15)
    with pytest.raises(CommandError, match="No enrolments in a course with key"):
        call_command("recount_progress", course_key=str(uuid.uuid4()))
    with pytest.raises(CommandError, match="not a course's translation key"):
        call_command("recount_progress", "--course-key", "kurss")


def test_a_raised_attendance_minimum_does_not_undo_completion():
    """A course that asks for more live-session hours after a teacher completed it:
    their checklist line stays met with the real hours and says why; 100 %."""
    course = make_course(min_attendance_hours=Decimal(2))
    module = make_module(course)
    lesson = make_lesson(module)
    session = make_live_session(module, hours=Decimal(2))
    user = make_user()
    enrolment = enrol(user, course)
    mark_attendance(session, enrolment, Attendance.Status.PRESENT)
    record_lesson_completed(enrolment, lesson)
    course.min_attendance_hours = Decimal(4)
    publish(course)

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    [_lessons, attendance] = learner_checklist(stored)
    assert (attendance.done, attendance.needed) == (2, 4)
    assert attendance.met and attendance.kept
    client = Client()
    client.force_login(user)
    card = _card(client.get(course.url).content.decode())
    assert "2 / 4" in card
    assert "prasība palielināta pēc kursa pabeigšanas" in card
    assert "vēl nav" not in card
    assert 'value="100"' in client.get(course.url).content.decode()
