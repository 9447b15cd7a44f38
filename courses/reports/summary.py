"""Cohorts and the programme: enrolments, completions, hours and time to complete,
per cohort and for the whole programme, and activity month by month."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Max,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.collation import sorted_latvian
from courses.models import (
    Enrolment,
)
from courses.people.municipalities import NAMES as MUNICIPALITY_NAMES
from courses.reports.columns import summary_figures
from courses.reports.rows import CHUNK_SIZE, course_title

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass
class SummaryRow:
    """The figures of one course, one cohort or the whole programme.

    The completion rate is completed over all enrolled, withdrawn included: a
    withdrawal is an enrolment that did not complete.
    """

    label: str
    enrolled: int = 0
    active: int = 0
    completed: int = 0
    withdrawn: int = 0
    hours_delivered: Decimal = Decimal(0)
    median_days: float | None = None
    figures: dict[str, int] = field(default_factory=dict)
    course: str = ""

    @property
    def figure_values(self) -> list[int]:
        """The registered figures' values, in the order of their headings."""
        return [self.figures.get(figure.key, 0) for figure in summary_figures()]

    @property
    def completion_rate(self) -> float | None:
        if not self.enrolled:
            return None
        return round(100 * self.completed / self.enrolled, 1)


def _summary_aggregates() -> dict[str, Any]:
    return {
        "enrolled": Count("pk"),
        "active": Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
        "completed": Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        "withdrawn": Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
        "hours": Sum("hours_earned"),
        **{
            f"figure_{figure.key}": Count("pk", filter=figure.condition())
            for figure in summary_figures()
        },
    }


def _summary_row(label: str, values: dict[str, Any], days: list[float]) -> SummaryRow:
    return SummaryRow(
        label=label,
        enrolled=values["enrolled"],
        active=values["active"],
        completed=values["completed"],
        withdrawn=values["withdrawn"],
        hours_delivered=values["hours"] or Decimal(0),
        median_days=round(statistics.median(days), 1) if days else None,
        figures={
            figure.key: values[f"figure_{figure.key}"] for figure in summary_figures()
        },
    )


def _days_to_complete(
    enrolments: QuerySet[Enrolment],
) -> dict[tuple[uuid.UUID, int | None], list[float]]:
    # In Python so that SQLite and PostgreSQL give the same median; one row per
    # completion, two numbers each.
    days: dict[tuple[uuid.UUID, int | None], list[float]] = defaultdict(list)
    for course_key, cohort_id, enrolled_at, completed_at in (
        enrolments.filter(completed_at__isnull=False)
        .order_by()
        .values_list("course_key", "cohort_id", "enrolled_at", "completed_at")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        days[course_key, cohort_id].append(
            (completed_at - enrolled_at).total_seconds() / 86400
        )
    return days


@dataclass
class ProgrammeSummary:
    courses: list[SummaryRow]
    cohorts: list[SummaryRow]
    total: SummaryRow
    learners: int
    teachers: int


def programme_summary(enrolments: QuerySet[Enrolment]) -> ProgrammeSummary:
    """Figures per course, per cohort and in total, in three queries.

    The enrolments are counted once, per cohort; a course's and the programme's
    figures are the sums of their cohorts' (every figure but the median is a
    count or a sum). "Learners" counts distinct people enrolled; "teachers" the
    distinct learners with at least one completed course.
    """
    enrolments = enrolments.order_by()
    days = _days_to_complete(enrolments)
    cohorts, courses = [], {}
    by_course: dict[uuid.UUID, list[float]] = defaultdict(list)
    for (course_key, _cohort), values in days.items():
        by_course[course_key] += values
    grouped = list(
        enrolments.values("course_key", "cohort_id", "cohort__name")
        .annotate(title=Max(course_title()), **_summary_aggregates())
        .order_by("title", "cohort__name")
    )
    totals: dict[str, Any] = {}
    for values in grouped:
        row = _summary_row(
            values["cohort__name"] or str(_("No cohort")),
            values,
            days.get((values["course_key"], values["cohort_id"]), []),
        )
        row.course = values["title"]
        cohorts.append(row)
        course = courses.setdefault(values["course_key"], {"title": values["title"]})
        for counts in (course, totals):
            for name in _summary_aggregates():
                counts[name] = (counts.get(name) or 0) + (values[name] or 0)
    course_rows = [
        _summary_row(values["title"], values, by_course.get(key, []))
        for key, values in sorted(courses.items(), key=lambda item: item[1]["title"])
    ]
    total = _summary_row(
        str(_("Programme")),
        totals or enrolments.none().aggregate(**_summary_aggregates()),
        [d for values in days.values() for d in values],
    )
    people = enrolments.aggregate(
        learners=Count("user", distinct=True),
        teachers=Count("user", distinct=True, filter=Q(completed_at__isnull=False)),
    )
    return ProgrammeSummary(
        course_rows, cohorts, total, people["learners"], people["teachers"]
    )


@dataclass
class ReachRow:
    """Teachers reached and hours delivered in one municipality."""

    label: str
    teachers: int
    completed: int
    hours_delivered: Decimal


def reach_by_municipality(enrolments: QuerySet[Enrolment]) -> list[ReachRow]:
    """Per municipality of the teacher's school (as the teacher gave it), the
    distinct teachers reached, those who completed a course, and the hours
    delivered; teachers who gave none, or were erased, under "Not given". One
    query."""
    rows, unknown = [], []
    for values in (
        enrolments.order_by()
        # No profile and an empty choice are both "not given": one group.
        .annotate(
            municipality=Coalesce("user__learner_profile__municipality", Value(""))
        )
        .values("municipality")
        .annotate(
            teachers=Count("user", distinct=True),
            completed=Count(
                "user", distinct=True, filter=Q(completed_at__isnull=False)
            ),
            hours=Sum("hours_earned"),
        )
    ):
        name = MUNICIPALITY_NAMES.get(values["municipality"])
        row = ReachRow(
            name or str(_("Not given")),
            values["teachers"],
            values["completed"],
            values["hours"] or Decimal(0),
        )
        (rows if name else unknown).append(row)
    return sorted_latvian(rows, key=lambda row: row.label) + unknown


def monthly_activity(
    enrolments: QuerySet[Enrolment],
) -> list[tuple[date, int, int]]:
    """(month, enrolments, completions) for every month from the first to the last
    with either, in two queries."""
    enrolments = enrolments.order_by()
    enrolled = dict(
        enrolments.annotate(month=TruncMonth("enrolled_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    completed = dict(
        enrolments.filter(completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    enrolled = {_as_date(k): v for k, v in enrolled.items()}
    completed = {_as_date(k): v for k, v in completed.items()}
    months = sorted(enrolled.keys() | completed.keys())
    if not months:
        return []
    result = []
    month = months[0]
    while month <= months[-1]:
        result.append((month, enrolled.get(month, 0), completed.get(month, 0)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return result


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value
