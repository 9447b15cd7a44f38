"""The SCORM and H5P runtime: what a package reports, as the server judges it, and
what it does to the learner's progress."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory

from courses.activities.models import Activity, ActivityAttempt, Package
from courses.activities.runtime import player_context, runtime_view
from courses.integrations.models import XapiStatement
from courses.models import Enrolment, LessonProgress
from tests.activities.runtime_world import commit, package_world
from tests.courses.integration_fakes import drain

pytestmark = pytest.mark.django_db

SCORM_2004 = Package.Kind.SCORM_2004


def lesson_done(world) -> bool:
    return LessonProgress.objects.filter(
        enrolment=world.enrolment,
        lesson_key=world.lesson.translation_key,
        completed_at__isnull=False,
    ).exists()


@pytest.mark.usefixtures("public_dns")
def test_a_scorm_12_completion_completes_the_lesson_and_resumes_where_it_stopped(lrs):
    world = package_world()
    attempt = world.attempt()
    response, reply = commit(
        attempt,
        {
            "cmi.core.lesson_status": "incomplete",
            "cmi.core.lesson_location": "slide-4",
            "cmi.suspend_data": "a=1;b=2",
            "cmi.core.exit": "suspend",
        },
    )
    assert response.status_code == 200
    assert reply == {"result": True, "errorCode": 0, "met": False, "lessonDone": False}
    assert not lesson_done(world)
    resumed = player_context(world.attempt())
    assert resumed["version"] == "1.2"
    assert resumed["cmi"]["cmi.core.entry"] == "resume"
    assert resumed["cmi"]["cmi.core.lesson_location"] == "slide-4"
    assert resumed["cmi"]["cmi.suspend_data"] == "a=1;b=2"
    assert resumed["cmi"]["cmi.core.lesson_status"] == "incomplete"
    assert resumed["cmi"]["cmi.core.student_name"] == "Jolanta Ūzuliņa"

    _, reply = commit(
        attempt,
        {"cmi.core.lesson_status": "completed", "cmi.core.total_time": "0000:12:30"},
    )
    assert reply["met"] is True and reply["lessonDone"] is True
    assert lesson_done(world)
    stored = ActivityAttempt.objects.get()
    assert stored.completion == "completed" and stored.finished_at is not None
    assert stored.total_time == timedelta(minutes=12, seconds=30)
    enrolment = Enrolment.objects.get()
    assert enrolment.completed_items == 1 and enrolment.last_activity_at is not None
    drain(lrs)
    [row] = XapiStatement.objects.filter(event="activity.result")
    statement = lrs.statements[str(row.statement_id)]
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["definition"]["name"] == {"und": "Skaņas viļņi"}
    assert statement["result"] == {"completion": True}


def test_a_finished_attempt_is_followed_by_a_new_one_that_starts_afresh():
    world = package_world()
    first = world.attempt()
    commit(first, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "90"})
    second = world.attempt()
    assert second.number == 2 and second.pk != first.pk
    assert player_context(second)["cmi"]["cmi.core.entry"] == "ab-initio"
    # The lesson stays done whatever the new attempt reports.
    _, reply = commit(second, {"cmi.core.lesson_status": "incomplete"})
    assert reply["met"] is False and lesson_done(world)


def test_a_new_version_of_the_package_starts_a_new_attempt():
    world = package_world()
    first = world.attempt()
    commit(first, {"cmi.core.lesson_location": "2", "cmi.core.exit": "suspend"})
    world.activity.package = Package.objects.create(
        digest="f" * 64, kind="scorm12", launch="index.html", size=1, file_count=1
    )
    world.activity.save()
    assert world.attempt().number == 2


@pytest.mark.parametrize(
    ("rule", "min_score", "cmi", "met"),
    [
        # The package's own pass is not enough when the author set a pass mark.
        (
            Activity.Rule.PASSED,
            80,
            {"cmi.success_status": "passed", "cmi.score.scaled": "0.5"},
            False,
        ),
        (
            Activity.Rule.PASSED,
            80,
            {"cmi.success_status": "passed", "cmi.score.scaled": "0.85"},
            True,
        ),
        (Activity.Rule.PASSED, None, {"cmi.success_status": "failed"}, False),
        # A score rule reads the score, whatever the package says of passing.
        (
            Activity.Rule.SCORE,
            70,
            {
                "cmi.success_status": "failed",
                "cmi.score.raw": "15",
                "cmi.score.max": "20",
            },
            True,
        ),
        (
            Activity.Rule.SCORE,
            70,
            {"cmi.score.raw": "13", "cmi.score.max": "20"},
            False,
        ),
        # A scaled score above 1 is not 150 %.
        (Activity.Rule.SCORE, 100, {"cmi.score.scaled": "1.5"}, True),
        (Activity.Rule.COMPLETED, None, {"cmi.completion_status": "incomplete"}, False),
    ],
)
def test_the_server_decides_by_the_authors_rule(rule, min_score, cmi, met):
    world = package_world(SCORM_2004, rule, min_score)
    _, reply = commit(world.attempt(), cmi)
    assert reply["met"] is met
    assert lesson_done(world) is met
    assert ActivityAttempt.objects.get().score <= 100 if "score" in str(cmi) else True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        ({"cmi.core.lesson_status": "victorious"}, "lesson status"),
        ({"cmi.core.score.raw": "NaN"}, "not a number"),
        ({"cmi.suspend_data": "x" * 4097}, "longer than 4096"),
        ({"cmi.core.lesson_location": "x" * 256}, "longer than 255"),
        (b"{" + b" " * 300_000 + b"}", "too large"),
    ],
)
def test_a_bad_commit_is_refused_and_changes_nothing(body, message):
    world = package_world()
    attempt = world.attempt()
    commit(attempt, {"cmi.core.lesson_location": "3", "cmi.core.exit": "suspend"})
    response, reply = commit(attempt, body)
    assert response.status_code == 400
    assert reply["result"] is False and message in reply["message"]
    stored = ActivityAttempt.objects.get()
    assert stored.location == "3" and stored.suspend_data == ""


def test_a_forged_or_stolen_token_opens_nothing():
    world = package_world()
    world.attempt()
    request = RequestFactory().post("/", data=b"{}", content_type="application/json")
    response = runtime_view(request, "1:forged:token")
    assert response.status_code == 403
    assert "Reload the page" in json.loads(response.content)["message"]


def test_a_withdrawn_learner_reports_nothing():
    world = package_world()
    attempt = world.attempt()
    Enrolment.objects.update(status=Enrolment.Status.WITHDRAWN)
    response, reply = commit(attempt, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403 and "withdrawn" in reply["message"]
    assert ActivityAttempt.objects.get().completion == "unknown"


def test_h5p_statements_of_the_main_content_count_and_of_its_parts_do_not():
    world = package_world(Package.Kind.H5P, Activity.Rule.SCORE, 60)
    attempt = world.attempt()
    verb = "http://adlnet.gov/expapi/verbs/"
    part = {
        "verb": {"id": verb + "answered"},
        "object": {
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-subContentId": "abc"}
            }
        },
        "result": {"score": {"raw": 1, "max": 1}, "completion": True},
    }
    _, reply = commit(attempt, part, xapi=True)
    assert reply["met"] is False and ActivityAttempt.objects.get().score is None
    _, reply = commit(attempt, {"verb": {"id": verb + "interacted"}}, xapi=True)
    assert reply["met"] is False
    whole = {
        "verb": {"id": verb + "answered"},
        "object": {"definition": {}},
        "result": {
            "score": {"raw": 3, "min": 0, "max": 4, "scaled": 0.75},
            "completion": True,
            "success": True,
            "duration": "PT1M5.5S",
        },
    }
    _, reply = commit(attempt, whole, xapi=True)
    assert reply == {"result": True, "errorCode": 0, "met": True, "lessonDone": True}
    stored = ActivityAttempt.objects.get()
    assert stored.score == Decimal("75.00") and stored.success == "passed"
    assert stored.total_time == timedelta(minutes=1, seconds=5.5)
    assert lesson_done(world)
