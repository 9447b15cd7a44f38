"""The report figures as plain functions over enrolment querysets.

Every row comes from the enrolment's stored summary (see :mod:`courses.progress.recording`)
plus annotations, so a report never recounts a learner's history; what needs lesson
progress (the module matrix, the funnel, competence coverage) is aggregated per
module in one query for a whole page or report. Each function takes the enrolments
to report on, already scoped to what the user may see and filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Max,
    OrderBy,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.collation import in_latvian_order
from courses.models import AssignmentSubmission, CoursePage, Enrolment
from courses.people.names import name_order
from courses.permissions import VIEW_PROGRESS, enrolments_for
from courses.reports.columns import report_columns

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

#: Rows fetched per round trip when streaming a whole report.
CHUNK_SIZE = 2000


def visible_enrolments(user: AbstractBaseUser) -> QuerySet[Enrolment]:
    """The enrolments whose progress ``user`` may see: of the courses they write
    or follow, and of the cohorts they teach."""
    return enrolments_for(user, VIEW_PROGRESS)


# Progress report -------------------------------------------------------------

#: (attribute of ReportRow, column heading), in the order of the exports.
BASE_FIELDS = [
    ("learner", _("Learner")),
    ("email", _("E-mail")),
    ("course", _("Course")),
    ("cohort", _("Cohort")),
    ("status_label", _("Status")),
    ("percent", _("Percent complete")),
    ("hours_earned", _("Hours earned")),
    ("attended_hours", _("Hours attended")),
    ("quiz_average", _("Quiz average, best attempts (%)")),
    ("assignments_accepted", _("Assignments accepted")),
    ("enrolled_at", _("Enrolled")),
    ("completed_at", _("Completed")),
]

_VALUES = (
    "pk",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__is_active",
    "course_title",
    "cohort__name",
    "status",
    "percent",
    "hours_earned",
    "attended_hours",
    "enrolled_at",
    "completed_at",
)


@dataclass
class ReportRow:
    """One enrolment as the progress report and its exports show it."""

    pk: int
    learner: str
    email: str
    course: str
    cohort: str
    status: str
    status_label: str
    percent: int
    hours_earned: Decimal
    attended_hours: Decimal
    assignments_accepted: int
    enrolled_at: datetime
    completed_at: datetime | None
    quiz_average: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def row_cells(with_email: bool = True) -> Callable[[ReportRow], list[Any]]:
    """A row's cells in the order of :func:`report_headings`, as a function that
    an export applies to every row without working out the columns each time."""
    fields = attrgetter(*(name for name, _label in report_fields(with_email)))
    keys = [column.key for column in report_columns()]

    def cells(row: ReportRow) -> list[Any]:
        return [*fields(row), *(row.extra.get(key) for key in keys)]

    return cells


def report_fields(with_email: bool = True) -> list[tuple[str, Any]]:
    """The report's own columns; without the e-mail address for those who may
    not see learners' personal data."""
    return [item for item in BASE_FIELDS if with_email or item[0] != "email"]


def report_headings(with_email: bool = True) -> list[str]:
    return [str(label) for _name, label in report_fields(with_email)] + [
        str(column.label) for column in report_columns()
    ]


def course_title() -> Case | F:
    """The course's one name in reports: the title of its live version in the
    reader's language, else of the version the learner enrolled through.

    Learners of the Latvian and the English version are one course's learners;
    without this the same course would be listed (and sorted) under two names.
    The titles are read first (a row per course) and written into the query as
    constants, so no row runs a subquery of its own.
    """
    titles = CoursePage.objects.filter(
        locale__language_code=get_language(), live=True
    ).values_list("translation_key", "title")
    whens = [When(course_key=key, then=Value(title)) for key, title in titles]
    if not whens:
        return F("course__title")
    return Case(*whens, default=F("course__title"), output_field=CharField())


def annotate_report(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The enrolments with what the report sorts by beyond their own fields: the
    course's title and the assignments accepted (a subquery that runs only when
    the report is sorted by it; the rows count them in a join, see
    :func:`report_page`)."""
    accepted = (
        AssignmentSubmission.objects.filter(
            enrolment=OuterRef("pk"), status=AssignmentSubmission.Status.ACCEPTED
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("assignment_key", distinct=True))
        .values("n")
    )
    return enrolments.annotate(
        course_title=course_title(),
        assignments_accepted=Coalesce(Subquery(accepted), 0),
    )


#: The report's default order: by surname, then first name, in Latvian order.
DEFAULT_ORDERING = (*name_order(), "pk")

#: The sort keys of text a person reads, sorted in Latvian order; the learner's
#: (the surname) with the first name after it.
TEXT_SORT_KEYS = {
    "user__last_name": ("user__last_name", "user__first_name"),
    "course_title": ("course_title",),
    "cohort__name": ("cohort__name",),
}


def report_ordering(sort: str = "") -> tuple:
    """``order_by()`` arguments for a report sorted by ``sort`` (a sort key,
    "-" first for descending), then in the default order so ties keep their
    place across pages."""
    fields = TEXT_SORT_KEYS.get(sort.removeprefix("-"))
    sign = "-" if sort.startswith("-") else ""
    if fields:
        first = in_latvian_order(*(sign + field for field in fields))
    else:
        first = [sort] if sort else []
    return (*first, *DEFAULT_ORDERING)


def _records(annotated: QuerySet[Enrolment]) -> QuerySet:
    """The rows of :func:`annotate_report`'s ``annotated`` as one query, in its
    order: a record per enrolment and quiz taken, the enrolment's fields first,
    then the quiz's best graded score, the enrolment's accepted assignments and
    the registered columns, all joined and grouped in the database.

    A row per quiz rather than per enrolment because the quiz average is a mean
    of maxima, which one level of grouping cannot take; :func:`_rows` folds an
    enrolment's records (adjacent, as the order ends with the id) into one row.
    The joins multiply each other's rows, which ``Max`` and a distinct ``Count``
    do not notice.
    """
    return (
        annotated.annotate(
            graded_attempts=FilteredRelation(
                "quiz_attempts",
                condition=Q(quiz_attempts__percent__isnull=False),
            ),
            accepted_submissions=FilteredRelation(
                "assignment_submissions",
                condition=Q(
                    assignment_submissions__status=AssignmentSubmission.Status.ACCEPTED
                ),
            ),
        )
        .values_list(*_VALUES, "graded_attempts__quiz_key")
        .annotate(
            best_score=Max("graded_attempts__percent"),
            accepted=Count("accepted_submissions__assignment_key", distinct=True),
            **{column.annotation: column.expression() for column in report_columns()},
        )
    )


def _rows(records: Iterable[tuple], with_email: bool = True) -> Iterator[ReportRow]:
    """:func:`_records` folded into a row per enrolment."""
    columns = report_columns()
    labels = {status: str(label) for status, label in Enrolment.Status.choices}
    width = len(_VALUES)
    for pk, group in groupby(records, key=itemgetter(0)):
        records_of = list(group)
        (_pk, first, last, email, active, course, cohort, *summary) = records_of[0][
            :width
        ]
        _quiz, _best, accepted, *extra = records_of[0][width:]
        status, percent, hours, attended, enrolled_at, completed_at = summary
        email = email if with_email else ""
        # Best scores in each quiz taken; one learner's retakes count at their
        # best, and the figure's shape does not depend on the course.
        scores = [record[width + 1] for record in records_of]
        scores = [score for score in scores if score is not None]
        yield ReportRow(
            pk,
            learner_label(first, last, email, active),
            email,
            course,
            cohort or "",
            status,
            labels.get(status, status),
            percent,
            hours,
            attended,
            accepted,
            enrolled_at,
            completed_at,
            quiz_average=(
                (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))
                if scores
                else None
            ),
            extra={
                column.key: value for column, value in zip(columns, extra, strict=True)
            },
        )


def report_page(
    annotated: QuerySet[Enrolment], with_email: bool = True
) -> list[ReportRow]:
    """The rows of one page, given the page's slice of :func:`annotate_report`'s
    queryset, by id: one query."""
    return list(_rows(_records(annotated.order_by("pk")), with_email))


def report_rows(
    enrolments: QuerySet[Enrolment],
    ordering: Iterable[str | OrderBy] = DEFAULT_ORDERING,
    with_email: bool = True,
) -> Iterator[ReportRow]:
    """Every row in ``ordering``, from one query read in chunks, so memory stays
    flat however many there are; without e-mail addresses unless
    ``with_email``."""
    ordering = list(ordering)
    if ordering[-1:] != ["pk"]:
        ordering.append("pk")  # an enrolment's records stay together
    records = _records(annotate_report(enrolments).order_by(*ordering))
    return _rows(records.iterator(chunk_size=CHUNK_SIZE), with_email)


# Course structure and the module matrix ---------------------------------------


@dataclass
class LearnerRow:
    """A learner of a per-course report page."""

    pk: int
    learner: str
    email: str
    cohort: str


#: How a per-course report reads its learners (see :func:`learners`).
LEARNER_VALUES = (
    "pk",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__is_active",
    "cohort__name",
)


def learners(
    enrolments: QuerySet[Enrolment],
    with_email: bool = True,
    extra: Sequence[str] = (),
) -> Iterator[tuple]:
    """(enrolment id, learner, e-mail, cohort, *``extra``) in the queryset's order,
    from one query streamed :data:`CHUNK_SIZE` rows at a time; the e-mail address
    (and the label made from it) only if ``with_email``. ``extra`` names further
    fields or annotations of ``enrolments`` to read along."""
    for pk, first, last, email, active, cohort, *values in enrolments.values_list(
        *LEARNER_VALUES, *extra
    ).iterator(chunk_size=CHUNK_SIZE):
        email = email if with_email else ""
        yield (
            pk,
            learner_label(first, last, email, active),
            email,
            cohort or "",
            *values,
        )


def learner_chunks(
    enrolments: QuerySet[Enrolment], with_email: bool = True
) -> Iterator[list[tuple]]:
    """:func:`learners` in lists of :data:`CHUNK_SIZE`, for a report that reads
    more per learner one chunk at a time."""
    chunk: list[tuple] = []
    for learner in learners(enrolments, with_email):
        chunk.append(learner)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def learner_label(first: str, last: str, email: str, active: bool) -> str:
    """How a report names a learner: their name, else their address. A person
    erased on request has neither and is counted, never named."""
    name = f"{first} {last}".strip()
    if name or email or active:
        return name or email
    return str(_("Erased on request"))
