"""Schemas and parameter types the features' API operations share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from courses.converters import MAX_ID
from courses.dates import validate_date_in_range
from courses.models import Enrolment
from courses.progress.completion import Requirement

#: A database id in a path: a larger number cannot name anything, and is refused
#: as bad input rather than failing in the database.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _accepted_date(value: date) -> date:
    try:
        validate_date_in_range(value)
    except ValidationError as error:
        raise PydanticCustomError("date_out_of_range", error.messages[0]) from None
    return value


#: A date in a filter: one outside :func:`courses.dates.accepted_dates` is bad
#: input with the range in its message, not a query that fails.
FilterDate = Annotated[date, AfterValidator(_accepted_date)]


class BaseEnrolmentOut(Schema):
    """What every answer about an enrolment states, the learner's and the staff's:
    its course, cohort, status and progress."""

    id: int
    course_id: int
    cohort: str | None
    status: str
    #: requirements_done / requirements_total, rounded down (docs/api.md)
    percent: int
    requirements_done: float
    requirements_total: int
    #: required lessons only
    completed_items: int
    total_items: int
    hours_earned: float
    enrolled_at: datetime
    completed_at: datetime | None
    last_activity_at: datetime | None


class EnrolmentOut(BaseEnrolmentOut):
    course_title: str


class RequirementOut(Schema):
    """One line of a completion checklist (docs/api.md)."""

    code: str
    label: str
    done: float
    needed: float
    met: bool
    note: str
    #: published after the enrolment was completed, and not asked of it
    added_after_completion: float
    #: met because the enrolment completed before the course asked more of it
    kept: bool


def requirement_out(requirement: Requirement) -> RequirementOut:
    return RequirementOut(
        code=requirement.code,
        label=str(requirement.label),
        done=requirement.done,
        needed=requirement.needed,
        met=requirement.met,
        note=requirement.note,
        added_after_completion=requirement.added_after_completion,
        kept=requirement.kept,
    )


class Message(Schema):
    detail: str


def base_enrolment_fields(enrolment: Enrolment) -> dict[str, Any]:
    """The fields of :class:`BaseEnrolmentOut`, read from one enrolment."""
    return {
        "id": enrolment.pk,
        "course_id": enrolment.course_id,
        "cohort": enrolment.cohort.name if enrolment.cohort else None,
        "status": enrolment.status,
        "percent": enrolment.percent,
        "requirements_done": enrolment.requirements_done,
        "requirements_total": enrolment.requirements_total,
        "completed_items": enrolment.completed_items,
        "total_items": enrolment.total_items,
        "hours_earned": enrolment.hours_earned,
        "enrolled_at": enrolment.enrolled_at,
        "completed_at": enrolment.completed_at,
        "last_activity_at": enrolment.last_activity_at,
    }


def enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        **base_enrolment_fields(enrolment), course_title=enrolment.course.title
    )
