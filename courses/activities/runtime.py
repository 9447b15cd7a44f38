"""The SCORM and H5P runtime on the content origin: launching an attempt, the
data a player starts from, and the endpoint its commits reach.

The endpoint is authenticated by the attempt token in its path (the content
origin has no cookies, so it cannot be driven by another site's form). What it
accepts is bounded by the SCORM data model; what it means for progress is
decided by :mod:`courses.activities.results`.

What a package may send is read in :mod:`courses.activities.datamodel`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from courses.activities.datamodel import CommitError, read_commit, read_statement
from courses.activities.models import Activity, ActivityAttempt, Package
from courses.activities.results import (
    COMPLETED,
    FAILED,
    INCOMPLETE,
    PASSED,
    record_activity_result,
)
from courses.activities.tokens import attempt_from_token, attempt_token
from courses.integrations.xapi import actor
from courses.models import Enrolment

#: The largest commit accepted: suspend data (64,000 characters in SCORM 2004)
#: with room for interactions.
MAX_BODY_BYTES = 256 * 1024
VERSION = {
    Package.Kind.SCORM_12: "1.2",
    Package.Kind.SCORM_2004: "2004",
    Package.Kind.H5P: "h5p",
}


# Launching ---------------------------------------------------------------------


def current_attempt(
    enrolment: Enrolment,
    activity: Activity,
    attempts: list[ActivityAttempt] | None = None,
) -> ActivityAttempt:
    """The attempt a launch continues: the latest, unless it is finished or was
    made with an earlier version of the package (its saved state would not fit).
    ``attempts`` are the learner's attempts in order, if already read."""
    if attempts is None:
        attempts = list(
            ActivityAttempt.objects.filter(enrolment=enrolment, activity=activity)
        )
    latest = attempts[-1] if attempts else None
    if (
        latest is not None
        and latest.finished_at is None
        and latest.package_id == activity.package_id
    ):
        return latest
    number = latest.number + 1 if latest else 1
    try:
        with transaction.atomic():
            return ActivityAttempt.objects.create(
                enrolment=enrolment,
                activity=activity,
                package_id=activity.package_id,
                number=number,
            )
    except IntegrityError:
        # Two tabs launched at once: both continue the one made first.
        return ActivityAttempt.objects.get(
            enrolment=enrolment, activity=activity, number=number
        )


@dataclass(frozen=True)
class PlayerLaunch:
    """What a lesson page shows of a package: the player and the learner's record."""

    url: str
    #: The attempts in which the package reported anything.
    attempts: int
    #: The best score of any attempt, as a percentage.
    best_score: Decimal | None
    #: Whether any attempt met the activity's rule.
    met: bool


def launch(enrolment: Enrolment, activity: Activity) -> PlayerLaunch:
    """The player's address on the content origin for the learner's attempt, and
    the learner's record so far, in one query (two when an attempt begins)."""
    from courses.activities.origin import content_url

    attempts = list(
        ActivityAttempt.objects.filter(enrolment=enrolment, activity=activity)
    )
    attempt = current_attempt(enrolment, activity, attempts)
    if attempt not in attempts:
        attempts.append(attempt)
    scores = [a.score for a in attempts if a.score is not None]
    return PlayerLaunch(
        url=content_url(f"play/{attempt_token(attempt)}/"),
        attempts=sum(1 for a in attempts if a.reported),
        best_score=max(scores) if scores else None,
        met=any(a.met for a in attempts),
    )


def _scorm12_time(value: timedelta) -> str:
    seconds = value.total_seconds()
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(hours):04d}:{int(minutes):02d}:{seconds:05.2f}"


def _iso_duration(value: timedelta) -> str:
    return f"PT{value.total_seconds():.2f}S"


def player_context(attempt: ActivityAttempt) -> dict[str, Any]:
    """What the player starts from: the version, the initial data model (flat
    names, as the runtime library loads them) and the launch file."""
    package = attempt.package
    version = VERSION[package.kind]
    learner = attempt.enrolment.user
    learner_id = actor(learner.pk)["account"]["name"]
    name = learner.get_full_name() or learner.get_username()
    entry = "resume" if attempt.suspend_data or attempt.location else "ab-initio"
    score = "" if attempt.score is None else str(attempt.score)
    min_score = attempt.activity.min_score
    cmi: dict[str, Any]
    if package.kind == Package.Kind.SCORM_12:
        status = {
            (COMPLETED, PASSED): "passed",
            (COMPLETED, FAILED): "failed",
        }.get((attempt.completion, attempt.success))
        if status is None:
            status = {COMPLETED: "completed", INCOMPLETE: "incomplete"}.get(
                attempt.completion, "not attempted"
            )
        cmi = {
            "cmi.core.student_id": learner_id,
            "cmi.core.student_name": name,
            "cmi.core.lesson_location": attempt.location,
            "cmi.core.lesson_status": status,
            "cmi.core.entry": entry,
            "cmi.core.credit": "credit",
            "cmi.core.lesson_mode": "normal",
            "cmi.core.score.raw": score,
            "cmi.core.total_time": _scorm12_time(attempt.total_time),
            "cmi.suspend_data": attempt.suspend_data,
        }
        if min_score is not None:
            cmi["cmi.student_data.mastery_score"] = str(min_score)
    elif package.kind == Package.Kind.SCORM_2004:
        cmi = {
            "cmi.learner_id": learner_id,
            "cmi.learner_name": name,
            "cmi.location": attempt.location,
            "cmi.completion_status": attempt.completion,
            "cmi.success_status": attempt.success,
            "cmi.entry": entry,
            "cmi.credit": "credit",
            "cmi.mode": "normal",
            "cmi.total_time": _iso_duration(attempt.total_time),
            "cmi.suspend_data": attempt.suspend_data,
        }
        if attempt.score is not None:
            cmi["cmi.score.scaled"] = str(attempt.score / 100)
        if min_score is not None:
            cmi["cmi.scaled_passing_score"] = str(Decimal(min_score) / 100)
    else:
        cmi = {}
    # An element never set is left out: the runtime library refuses "" as a
    # score or a location, as a package would.
    cmi = {name: value for name, value in cmi.items() if value != ""}
    return {"version": version, "cmi": cmi, "launch": package.launch}


# The endpoint -------------------------------------------------------------------


def _refusal(code: int, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"result": False, "errorCode": code, "message": message}, status=status
    )


def _open(token: str) -> ActivityAttempt | JsonResponse:
    attempt = attempt_from_token(token)
    if attempt is None:
        return _refusal(
            101, _("This lesson has been open too long. Reload the page."), 403
        )
    if attempt.enrolment.status == Enrolment.Status.WITHDRAWN:
        return _refusal(101, _("You have withdrawn from this course."), 403)
    return attempt


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY_BYTES:
        raise CommitError(101, _("The data sent is too large."))
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        raise CommitError(101, _("The data sent is not JSON.")) from None


def _reply(enrolment: Enrolment, attempt: ActivityAttempt, result) -> JsonResponse:
    outcome = record_activity_result(enrolment, attempt, result)
    return JsonResponse(
        {
            "result": True,
            "errorCode": 0,
            "met": outcome.met,
            "lessonDone": outcome.lesson_done,
        }
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def runtime_view(request: HttpRequest, token: str) -> JsonResponse:
    """GET: the data the player starts from. POST: a SCORM commit (flat JSON)."""
    attempt = _open(token)
    if isinstance(attempt, JsonResponse):
        return attempt
    if request.method == "GET":
        return JsonResponse(player_context(attempt))
    if not attempt.package.is_scorm:
        return _refusal(101, _("This package reports through xAPI."))
    try:
        cmi = _body(request)
        if not isinstance(cmi, dict):
            raise CommitError(101, _("The data sent is not a JSON object."))
        result = read_commit(attempt.package.kind, cmi)
    except CommitError as error:
        return _refusal(error.code, str(error))
    return _reply(attempt.enrolment, attempt, result)


@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def xapi_view(request: HttpRequest, token: str) -> JsonResponse:
    """An xAPI statement from the H5P player."""
    attempt = _open(token)
    if isinstance(attempt, JsonResponse):
        return attempt
    try:
        result = read_statement(_body(request))
    except CommitError as error:
        return _refusal(error.code, str(error))
    if result is None:
        return JsonResponse(
            {"result": True, "errorCode": 0, "met": attempt.met, "lessonDone": False}
        )
    return _reply(attempt.enrolment, attempt, result)
