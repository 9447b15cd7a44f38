"""The completion percent, "completed" and the hours earned never claim more than
is true, and say the same on every page and certificate."""

from decimal import Decimal

import pytest

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.assignments.submissions import review_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance, Enrolment
from courses.progress.completion import (
    Requirement,
    completion_percent,
    learner_checklist,
)
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    make_course,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db


def test_lessons_done_with_an_assignment_awaiting_review_stay_below_100(client):
    """All lessons done and the assignment submitted: the course is not complete,
    the bar stays below 100 % and the checklist says the assignment awaits review;
    accepting it completes the course at 100 %."""
    course = make_course(title="Inquiry")
    module = make_module(course)
    lessons = [make_lesson(module), make_lesson(module)]
    assignment = make_assignment(module)
    user = make_user()
    enrolment = enrol(user, course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    submission = submit_assignment(enrolment, assignment, text="Mana stunda")

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.ACTIVE
    assert stored.percent == 66
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert 'value="66"' in html
    assert "1 gaida vērtējumu" in html
    assert "Kurss pabeigts" not in html
    dashboard = client.get("/en/my/").content.decode()
    assert 'value="66"' in dashboard
    assert "All lessons are done; the course is not complete yet." in dashboard

    review_submission(submission, make_user(is_staff=True), "accepted")
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.status, stored.percent) == (Enrolment.Status.COMPLETED, 100)


def test_missing_attendance_keeps_the_course_below_100():
    """Lessons done but live-session hours missing: 99 % at most, not completed."""
    course = make_course(min_attendance_hours=Decimal(4))
    module = make_module(course)
    lesson = make_lesson(module)
    session = make_live_session(module, hours=Decimal(2))
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lesson)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    # One lesson of one, and half the hours: (1 + 0) / 2.
    assert (stored.status, stored.percent) == (Enrolment.Status.ACTIVE, 50)
    mark_attendance(session, enrolment, Attendance.Status.PRESENT)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.status, stored.percent) == (Enrolment.Status.ACTIVE, 75)
    assert [r.met for r in learner_checklist(stored)] == [True, False]


def test_percent_is_capped_below_100_until_every_requirement_is_met():
    """99 lessons of 99 and an assignment not accepted: 99 %, never 100 %."""
    checklist = [
        Requirement("lessons", "", Decimal(99), Decimal(99)),
        Requirement("assignments", "", Decimal(0), Decimal(1)),
    ]
    assert completion_percent(checklist) == 99
    checklist[1].done = Decimal(1)
    assert completion_percent(checklist) == 100
    assert completion_percent([]) == 0


def test_dashboard_hours_equal_what_a_certificate_would_state(
    client, django_capture_on_commit_callbacks
):
    """After a module's hours change, a learner who completed the course keeps the
    hours they completed it with, and a certificate issued then states the same
    hours as the dashboard."""
    make_template()
    course = make_course(title="Inquiry")
    first = make_module(course, hours=Decimal(30))
    second = make_module(course, hours=Decimal(36))
    lessons = [make_lesson(first), make_lesson(second)]
    user = make_user()
    enrolment = enrol(user, course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    Certificate.objects.all().delete()

    second.hours = Decimal(38)
    with django_capture_on_commit_callbacks(execute=True) as recounts:
        publish(second)
    assert recounts, "publishing a module recounts the course's enrolments"
    client.force_login(user)
    dashboard = client.get("/en/my/").content.decode()
    stored = Enrolment.objects.get(pk=enrolment.pk)
    certificate = issue_certificate(
        stored, how=Certificate.How.MANUAL, reason="Lost the first one"
    )
    assert certificate.hours == stored.hours_earned == Decimal(66)
    assert "<dd>66</dd>" in dashboard


def test_hours_of_an_active_learner_follow_the_modules(
    django_capture_on_commit_callbacks,
):
    """Before completion, hours earned follow the modules' current hours."""
    course = make_course()
    first = make_module(course, hours=Decimal(12))
    lesson = make_lesson(first)
    make_lesson(make_module(course, hours=Decimal(12)))
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lesson)
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(12)
    first.hours = Decimal(14)
    with django_capture_on_commit_callbacks(execute=True):
        publish(first)
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(14)
