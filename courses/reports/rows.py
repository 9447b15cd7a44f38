"""The report figures as plain functions over enrolment querysets.

Every row comes from the enrolment's stored summary (see :mod:`courses.progress.recording`)
plus annotations, so a report never recounts a learner's history; what needs lesson
progress (the module matrix, the funnel, competence coverage) is aggregated per
module in one query for a whole page or report. Each function takes the enrolments
to report on, already scoped to what the user may see and filtered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import (
    AssignmentSubmission,
    CoursePage,
    Enrolment,
    QuizAttempt,
)
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

_STATUS_LABELS = dict(Enrolment.Status.choices)


@dataclass
class ReportRow:
    """One enrolment as the progress report and its exports show it."""

    pk: int
    learner: str
    email: str
    course: str
    cohort: str
    status: str
    percent: int
    hours_earned: Decimal
    attended_hours: Decimal
    assignments_accepted: int
    enrolled_at: datetime
    completed_at: datetime | None
    quiz_average: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    def values(self, with_email: bool = True) -> list[Any]:
        """The cells in the order of :func:`report_headings`."""
        return [getattr(self, name) for name, _label in report_fields(with_email)] + [
            self.extra.get(column.key) for column in report_columns()
        ]


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
    """The enrolments with the columns other apps registered, as annotations of
    one query, and the counts the stored summary lacks, for sorting by them (the
    rows themselves take the counts from :func:`accepted_assignments`, a grouped
    query per page or chunk)."""
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
        **{column.annotation: column.expression() for column in report_columns()},
    )


def accepted_assignments(enrolment_ids: list[int]) -> dict[int, int]:
    """Per enrolment, the distinct assignments accepted (one grouped query)."""
    return dict(
        AssignmentSubmission.objects.filter(
            enrolment_id__in=enrolment_ids,
            status=AssignmentSubmission.Status.ACCEPTED,
        )
        .values("enrolment_id")
        .annotate(n=Count("assignment_key", distinct=True))
        .order_by()
        .values_list("enrolment_id", "n")
    )


#: The report's default order: by surname, then first name.
DEFAULT_ORDERING = ("user__last_name", "user__first_name", "pk")


def quiz_averages(enrolment_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per enrolment, the mean of its best score in each quiz it took (one query).

    One figure rather than a column per quiz, so that the report's shape does not
    depend on the course and a learner's retakes count at their best.
    """
    best: dict[int, list[int]] = defaultdict(list)
    for enrolment_id, score in (
        QuizAttempt.objects.filter(
            enrolment_id__in=list(enrolment_ids), percent__isnull=False
        )
        .values("enrolment_id", "quiz_key")
        .annotate(best=Max("percent"))
        .order_by()
        .values_list("enrolment_id", "best")
    ):
        best[enrolment_id].append(score)
    return {
        pk: (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))
        for pk, scores in best.items()
    }


def _build_rows(records: list[tuple], with_email: bool = True) -> list[ReportRow]:
    columns = report_columns()
    ids = [record[0] for record in records]
    averages = quiz_averages(ids)
    accepted = accepted_assignments(ids)
    rows = []
    for record in records:
        (pk, first, last, email, active, course, cohort, *summary) = record[
            : len(_VALUES)
        ]
        email = email if with_email else ""
        status, percent, hours, attended, enrolled_at, completed_at = summary
        rows.append(
            ReportRow(
                pk,
                learner_label(first, last, email, active),
                email,
                course,
                cohort or "",
                status,
                percent,
                hours,
                attended,
                accepted.get(pk, 0),
                enrolled_at,
                completed_at,
                quiz_average=averages.get(pk),
                extra={
                    column.key: value
                    for column, value in zip(
                        columns, record[len(_VALUES) :], strict=True
                    )
                },
            )
        )
    return rows


def _values(annotated: QuerySet[Enrolment]) -> QuerySet:
    return annotated.values_list(
        *_VALUES, *(column.annotation for column in report_columns())
    )


def report_page(
    annotated: QuerySet[Enrolment], with_email: bool = True
) -> list[ReportRow]:
    """The rows of one page, given the page's slice of :func:`annotate_report`'s
    queryset: two queries."""
    return _build_rows(list(_values(annotated)), with_email)


def report_rows(
    enrolments: QuerySet[Enrolment],
    ordering: Iterable[str] = DEFAULT_ORDERING,
    with_email: bool = True,
) -> Iterator[ReportRow]:
    """Every row, read in chunks, so memory stays flat however many there are;
    without e-mail addresses unless ``with_email``."""
    annotated = annotate_report(enrolments).order_by(*ordering)
    records = _values(annotated).iterator(chunk_size=CHUNK_SIZE)
    chunk: list[tuple] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK_SIZE:
            yield from _build_rows(chunk, with_email)
            chunk = []
    yield from _build_rows(chunk, with_email)


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
