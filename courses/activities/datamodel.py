"""What a SCORM commit or an H5P xAPI statement says, read within the data
model's limits into one :class:`~courses.activities.results.ActivityResult`.

Supported data-model elements — SCORM 1.2: ``cmi.core.lesson_status``,
``cmi.core.lesson_location``, ``cmi.core.score.raw/min/max``, ``cmi.core.exit``,
``cmi.core.session_time``/``total_time``, ``cmi.suspend_data``; read-only
``cmi.core.student_id``, ``student_name``, ``entry``, ``credit``,
``lesson_mode``, ``cmi.student_data.mastery_score``. SCORM 2004:
``cmi.completion_status``, ``cmi.success_status``, ``cmi.score.scaled/raw/min/
max``, ``cmi.location``, ``cmi.exit``, ``cmi.session_time``/``total_time``,
``cmi.suspend_data``, ``cmi.progress_measure``; read-only ``cmi.learner_id``,
``learner_name``, ``entry``, ``credit``, ``mode``, ``cmi.scaled_passing_score``.
Interactions, objectives and comments are kept as sent (within a size limit)
but do not count. H5P: xAPI ``completed``, ``answered``, ``passed`` and
``failed`` statements of the main content, with their result.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_duration
from django.utils.translation import gettext as _

from courses.activities.models import Package
from courses.activities.results import (
    COMPLETED,
    FAILED,
    INCOMPLETE,
    PASSED,
    UNKNOWN,
    ActivityResult,
)

#: What ``data`` keeps of elements that do not count (interactions, comments).
MAX_DATA_BYTES = 64 * 1024
SUSPEND_LIMIT = {Package.Kind.SCORM_12: 4096, Package.Kind.SCORM_2004: 64000}
LOCATION_LIMIT = {Package.Kind.SCORM_12: 255, Package.Kind.SCORM_2004: 1000}


class CommitError(ValueError):
    """A commit that breaks the data model; nothing of it is kept."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CommitError(405, _("A score is not a number.")) from None
    if not math.isfinite(number):
        raise CommitError(405, _("A score is not a number."))
    return number


def _percent(
    scaled: Any = None, raw: Any = None, low: Any = None, high: Any = None
) -> Decimal | None:
    """The score as a percentage within 0–100, the server's own reading: the
    scaled score if sent, else raw between min and max (SCORM 1.2 assumes 0–100)."""
    scaled, raw, low, high = map(_number, (scaled, raw, low, high))
    if scaled is not None:
        percent = scaled * 100
    elif raw is not None:
        low = 0 if low is None else low
        high = 100 if high is None else high
        if high <= low:
            return None
        percent = (raw - low) / (high - low) * 100
    else:
        return None
    try:
        return Decimal(str(round(min(max(percent, 0), 100), 2)))
    except InvalidOperation:
        return None


def _duration(value: Any) -> timedelta | None:
    if not value or not isinstance(value, str):
        return None
    duration = parse_duration(value)
    if duration is None or duration < timedelta(0):
        return None
    return duration


def _text(cmi: dict, name: str, limit: int) -> str | None:
    value = cmi.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if len(value) > limit:
        raise CommitError(
            405,
            _("%(element)s is longer than %(limit)s characters.")
            % {"element": name, "limit": limit},
        )
    return value


_SCORM12_STATUS = {
    "passed": (COMPLETED, PASSED),
    "failed": (COMPLETED, FAILED),
    "completed": (COMPLETED, None),
    "incomplete": (INCOMPLETE, None),
    "browsed": (INCOMPLETE, None),
    "not attempted": ("not attempted", None),
}
_COUNTED = {
    "cmi.core.lesson_status",
    "cmi.core.lesson_location",
    "cmi.core.score.raw",
    "cmi.core.score.min",
    "cmi.core.score.max",
    "cmi.core.total_time",
    "cmi.completion_status",
    "cmi.success_status",
    "cmi.location",
    "cmi.score.scaled",
    "cmi.score.raw",
    "cmi.score.min",
    "cmi.score.max",
    "cmi.total_time",
    "cmi.suspend_data",
}


def read_commit(kind: str, cmi: dict[str, Any]) -> ActivityResult:
    """A flat SCORM commit as a result, or :class:`CommitError`."""
    if kind == Package.Kind.SCORM_12:
        status = cmi.get("cmi.core.lesson_status")
        completion, success = (None, None)
        if status not in (None, ""):
            if status not in _SCORM12_STATUS:
                raise CommitError(405, _("The lesson status is not one SCORM knows."))
            completion, success = _SCORM12_STATUS[status]
        score = _percent(
            raw=cmi.get("cmi.core.score.raw"),
            low=cmi.get("cmi.core.score.min"),
            high=cmi.get("cmi.core.score.max"),
        )
        location = _text(cmi, "cmi.core.lesson_location", LOCATION_LIMIT[kind])
        total = _duration(cmi.get("cmi.core.total_time"))
        exit_value = cmi.get("cmi.core.exit")
    else:
        completion = cmi.get("cmi.completion_status") or None
        success = cmi.get("cmi.success_status") or None
        if completion not in (None, COMPLETED, INCOMPLETE, "not attempted", UNKNOWN):
            raise CommitError(406, _("The completion status is not one SCORM knows."))
        if success not in (None, PASSED, FAILED, UNKNOWN):
            raise CommitError(406, _("The success status is not one SCORM knows."))
        score = _percent(
            scaled=cmi.get("cmi.score.scaled"),
            raw=cmi.get("cmi.score.raw"),
            low=cmi.get("cmi.score.min"),
            high=cmi.get("cmi.score.max"),
        )
        location = _text(cmi, "cmi.location", LOCATION_LIMIT[kind])
        total = _duration(cmi.get("cmi.total_time"))
        exit_value = cmi.get("cmi.exit")
    suspend = _text(cmi, "cmi.suspend_data", SUSPEND_LIMIT[kind])
    others = {
        name: value
        for name, value in cmi.items()
        if name.startswith("cmi.") and name not in _COUNTED
    }
    if len(json.dumps(others)) > MAX_DATA_BYTES:
        others = {}
    return ActivityResult(
        completion=completion,
        success=success,
        score=score,
        location=location,
        suspend_data=suspend,
        total_time=total,
        suspended=exit_value == "suspend",
        data=others,
    )


#: The H5P extension that marks a statement about a part of the content.
SUB_CONTENT = "http://h5p.org/x-api/h5p-subContentId"
_XAPI_VERBS = {"completed", "answered", "passed", "failed"}


def read_statement(statement: Any) -> ActivityResult | None:
    """An H5P xAPI statement as a result; None for one that does not count (a
    part of the content, or a verb such as ``interacted``)."""
    if not isinstance(statement, dict):
        raise CommitError(101, _("The statement is not a JSON object."))
    verb = str((statement.get("verb") or {}).get("id", "")).rsplit("/", 1)[-1]
    definition = (statement.get("object") or {}).get("definition") or {}
    extensions = definition.get("extensions") or {}
    if verb not in _XAPI_VERBS or SUB_CONTENT in extensions:
        return None
    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise CommitError(101, _("The statement's result is not a JSON object."))
    score = result.get("score") or {}
    completion = COMPLETED if result.get("completion") or verb != "answered" else None
    success = result.get("success")
    if verb in ("passed", "failed"):
        success = verb == "passed"
    return ActivityResult(
        completion=completion,
        success=None if success is None else (PASSED if success else FAILED),
        score=_percent(
            scaled=score.get("scaled"),
            raw=score.get("raw"),
            low=score.get("min"),
            high=score.get("max"),
        )
        if isinstance(score, dict)
        else None,
        total_time=_duration(result.get("duration")),
    )
