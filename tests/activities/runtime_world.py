"""A course whose lesson plays a package, and a learner enrolled in it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.test import RequestFactory

from courses.activities.models import Activity, ActivityAttempt, Package
from courses.activities.runtime import current_attempt, runtime_view, xapi_view
from courses.activities.tokens import attempt_token
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, LessonPage
from tests.factories import make_course, make_lesson, make_module, make_user


def make_package(kind: str = Package.Kind.SCORM_12, title: str = "Sound") -> Package:
    return Package.objects.create(
        digest=hashlib.sha256(f"{kind}{title}".encode()).hexdigest(),
        kind=kind,
        title=title,
        launch="index.html",
        size=1000,
        file_count=2,
    )


@dataclass
class World:
    activity: Activity
    lesson: LessonPage
    other_lesson: LessonPage
    enrolment: Enrolment

    def attempt(self) -> ActivityAttempt:
        return current_attempt(self.enrolment, self.activity)


def package_world(
    kind: str = Package.Kind.SCORM_12,
    rule: str = Activity.Rule.COMPLETED,
    min_score: int | None = None,
) -> World:
    """One module: a lesson completed by the package, and a lesson marked done."""
    activity = Activity.objects.create(
        title="Skaņas viļņi",
        package=make_package(kind),
        rule=rule,
        min_score=min_score,
    )
    course = make_course()
    module = make_module(course)
    lesson = make_lesson(
        module,
        activity=activity,
        completion_rule=LessonPage.CompletionRule.ACTIVITY,
    )
    other = make_lesson(module)
    return World(activity, lesson, other, enrol(make_user(), course))


def commit(attempt: ActivityAttempt, body, xapi: bool = False):
    """POST to the runtime as the player does; the reply and its JSON."""
    token = attempt_token(attempt)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = RequestFactory().post(
        "/runtime/", data=raw, content_type="application/json"
    )
    response = (xapi_view if xapi else runtime_view)(request, token)
    return response, json.loads(response.content)
