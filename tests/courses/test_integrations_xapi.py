"""xAPI statements to the Learning Record Store: ADL verbs, activity ids at the
site's configured address, the learner as an opaque account, and each statement
recorded once though the LRS is down or an answer is lost."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from courses.enrolment.enrolling import enrol
from courses.integrations.delivery import fan_out
from courses.integrations.models import IntegrationEvent, XapiStatement
from courses.integrations.xapi import statement_id
from courses.live_sessions.attendance import mark_attendance
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt, submit_attempt
from courses.site import base_url
from tests.courses.assessment_factories import CORRECT, OPT_WRONG, SINGLE, make_quiz
from tests.courses.integration_fakes import drain
from tests.factories import (
    make_course,
    make_course_tree,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]


SITE_8100 = "http://127.0.0.1:8100"


def test_statement_ids_are_at_the_configured_address(lrs, settings):
    """With the site at http://127.0.0.1:8100, every activity id (pages, sessions)
    and the learner's home page start with that address, not the Wagtail site
    record's (localhost)."""
    settings.WAGTAILADMIN_BASE_URL = SITE_8100
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(module)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lesson)
    mark_attendance(make_live_session(module), enrolment, "present")
    drain(lrs)
    statements = list(lrs.statements.values())
    activities = [statement["object"]["id"] for statement in statements] + [
        parent["id"]
        for statement in statements
        for parent in statement["context"]
        .get("contextActivities", {})
        .get("parent", [])
    ]
    assert SITE_8100 + lesson.url in activities
    assert SITE_8100 + course.url in activities
    assert [id for id in activities if not id.startswith(SITE_8100 + "/")] == []
    assert {statement["actor"]["account"]["homePage"] for statement in statements} == {
        SITE_8100
    }


def test_statements_describe_the_learning_with_stable_ids(lrs):
    """Registered, completed, passed and failed (with the score) and attended: ADL
    verbs, page addresses as activity ids, the learner as an opaque account."""
    quiz = make_quiz()
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(module, completion_rule="activity", quiz=quiz)
    learner = make_user(email="anna@example.lv")
    enrolment = enrol(learner, course)
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, {SINGLE: OPT_WRONG})
    attempt, _ = start_attempt(enrolment, quiz)
    submit_attempt(attempt, CORRECT)
    session = make_live_session(module)
    mark_attendance(session, enrolment, "present")
    drain(lrs)
    statements = list(lrs.statements.values())
    verbs = [statement["verb"]["id"].rsplit("/", 1)[1] for statement in statements]
    assert sorted(verbs) == sorted(
        ["registered", "failed", "passed", "completed", "completed", "attended"]
    )

    def sent(event: str) -> list[dict]:
        ids = XapiStatement.objects.filter(event=event).order_by("pk")
        return [lrs.statements[str(row.statement_id)] for row in ids]

    failed, passed = sent("quiz.graded")
    assert failed["result"]["success"] is False
    assert failed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert passed["result"]["score"] == {"raw": 5, "min": 0, "max": 5, "scaled": 1.0}
    [lesson_done] = sent("lesson.completed")
    assert lesson_done["object"]["id"] == base_url() + lesson.url
    parent = lesson_done["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == base_url() + course.url
    [registered] = sent("enrolment.created")
    assert registered["object"]["id"] == base_url() + course.url
    [course_done] = sent("course.completed")
    assert course_done["result"] == {"completion": True}
    [attended] = sent("session.attended")
    assert attended["object"]["definition"]["name"] == {"und": session.title}
    by_verb = {"completed": lesson_done}
    progress_id = XapiStatement.objects.get(event="lesson.completed").event_key
    assert by_verb["completed"]["id"] == str(statement_id(progress_id))
    actors = {json.dumps(statement["actor"]) for statement in statements}
    assert len(actors) == 1
    assert "anna" not in actors.pop()
    assert {
        request.headers["X-Experience-API-Version"] for request in lrs.requests
    } == {"1.0.3"}


def test_an_lrs_down_for_an_hour_gets_every_statement_afterwards_once(lrs):
    """Statements made while the LRS is down are retried and arrive once each."""
    course, lessons = make_course_tree(modules=1, lessons=3)
    enrolment = enrol(make_user(), course)
    lrs.down = True
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    drain(lrs)
    assert lrs.statements == {}
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"pending"}
    # An hour later the LRS is back.
    XapiStatement.objects.update(next_attempt_at=timezone.now())
    lrs.down = False
    drain(lrs)
    assert len(lrs.statements) == XapiStatement.objects.count() == 5
    assert lrs.received == 5
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_statement_sent_again_is_not_recorded_twice(lrs):
    """After a lost answer the same statement is sent again: the LRS refuses the
    batch (409), each is PUT by its id, and it keeps one."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    drain(lrs)
    assert len(lrs.statements) == 2
    # The answer was lost: the rows look unsent.
    XapiStatement.objects.update(status="pending", next_attempt_at=timezone.now())
    drain(lrs)
    assert len(lrs.statements) == 2
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {"delivered"}
    assert [request.method for request in lrs.requests] == [
        "POST",
        "POST",
        "PUT",
        "PUT",
    ]


def test_a_site_without_integrations_writes_nothing():
    """No endpoint and no LRS: learning events cost no row at all."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    record_lesson_completed(enrol(make_user(), course), lessons[0])
    fan_out()
    assert not IntegrationEvent.objects.exists()
    assert not XapiStatement.objects.exists()
