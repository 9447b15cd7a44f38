"""The report figures as plain functions over enrolment querysets.

Every row comes from the enrolment's stored summary (see :mod:`courses.progress.recording`)
plus annotations, so a report never recounts a learner's history; what needs lesson
progress (the module matrix, the funnel, competence coverage) is aggregated per
module in one query for a whole page or report. Each function takes the enrolments
to report on, already scoped to what the user may see and filtered.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.competences.models import Competence
from courses.models import (
    AssessedCompetence,
    AssignmentSubmission,
    CoursePage,
    Enrolment,
    LessonProgress,
    ModuleCompetence,
    QuizAttempt,
)
from courses.permissions import editable_courses
from courses.progress.outline import CourseOutline, course_outline
from courses.reports.columns import report_columns, summary_figures

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

#: Rows fetched per round trip when streaming a whole report.
CHUNK_SIZE = 2000


def visible_enrolments(user: AbstractBaseUser) -> QuerySet[Enrolment]:
    """Enrolments in the courses ``user`` may edit, in any language version."""
    return Enrolment.objects.filter(
        course_key__in=editable_courses(user).values("translation_key")
    )


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
    "course__title",
    "cohort__name",
    "status",
    "percent",
    "hours_earned",
    "attended_hours",
    "assignments_accepted",
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

    def values(self) -> list[Any]:
        """The cells in the order of :func:`report_headings`."""
        return [getattr(self, name) for name, _label in BASE_FIELDS] + [
            self.extra.get(column.key) for column in report_columns()
        ]


def report_headings() -> list[str]:
    return [str(label) for _name, label in BASE_FIELDS] + [
        str(column.label) for column in report_columns()
    ]


def annotate_report(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The enrolments with the counts the stored summary lacks and the columns
    other apps registered, all as annotations of one query."""
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
        assignments_accepted=Coalesce(Subquery(accepted), 0),
        **{column.annotation: column.expression() for column in report_columns()},
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


def _build_rows(records: list[tuple]) -> list[ReportRow]:
    columns = report_columns()
    averages = quiz_averages(record[0] for record in records)
    rows = []
    for record in records:
        (pk, first, last, email, course, cohort, *summary) = record[: len(_VALUES)]
        name = f"{first} {last}".strip()
        rows.append(
            ReportRow(
                pk,
                name or email,
                email,
                course,
                cohort or "",
                *summary,
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


def report_page(annotated: QuerySet[Enrolment]) -> list[ReportRow]:
    """The rows of one page, given the page's slice of :func:`annotate_report`'s
    queryset: two queries."""
    return _build_rows(list(_values(annotated)))


def report_rows(
    enrolments: QuerySet[Enrolment], ordering: Iterable[str] = DEFAULT_ORDERING
) -> Iterator[ReportRow]:
    """Every row, read in chunks, so memory stays flat however many there are."""
    records = _values(annotate_report(enrolments).order_by(*ordering)).iterator(
        chunk_size=CHUNK_SIZE
    )
    chunk: list[tuple] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK_SIZE:
            yield from _build_rows(chunk)
            chunk = []
    yield from _build_rows(chunk)


# Course structure and the module matrix ---------------------------------------


@dataclass
class ModuleInfo:
    title: str
    lesson_keys: list[uuid.UUID]
    required_keys: list[uuid.UUID]


@dataclass
class CourseStructure:
    """A course's live modules in order, with titles, for the matrix and funnel."""

    outline: CourseOutline
    modules: list[ModuleInfo]

    def module_index(self) -> Case:
        """An expression giving a progress row's module's position (-1: none)."""
        whens = [
            When(lesson_key__in=module.lesson_keys, then=Value(index))
            for index, module in enumerate(self.modules)
            if module.lesson_keys
        ]
        if not whens:
            return Value(-1, output_field=IntegerField())
        return Case(*whens, default=Value(-1), output_field=IntegerField())


def course_structure(course: CoursePage) -> CourseStructure:
    """The course's outline (two queries) with its modules' titles."""
    outline = course_outline(course)
    return CourseStructure(
        outline,
        [
            ModuleInfo(
                module.title,
                module.lesson_keys,
                [k for k in module.lesson_keys if k not in outline.optional_keys],
            )
            for module in outline.modules
        ],
    )


class ModuleState:
    DONE = "done"
    STARTED = "started"
    NOT_STARTED = "not_started"

    labels = {
        DONE: _("Done"),
        STARTED: _("In progress"),
        NOT_STARTED: _("Not started"),
    }


def _module_counts(
    structure: CourseStructure,
    enrolments: QuerySet | list[int],
    completed_only: bool = False,
) -> Iterator[tuple[int, int, int, int]]:
    """(enrolment id, module index, lessons touched, required lessons done) for
    every pair with progress (or, ``completed_only``, with a lesson completed, which
    halves the work over a whole course): one grouped query."""
    required = [key for module in structure.modules for key in module.required_keys]
    progress = LessonProgress.objects.filter(
        enrolment_id__in=enrolments,
        lesson_key__in=list(structure.outline.lesson_ids),
    )
    if completed_only:
        progress = progress.filter(completed_at__isnull=False)
    rows = (
        progress.annotate(module=structure.module_index())
        .values("enrolment_id", "module")
        .annotate(
            touched=Count("pk"),
            done=Count(
                "pk", filter=Q(completed_at__isnull=False, lesson_key__in=required)
            ),
        )
        .order_by()
        .values_list("enrolment_id", "module", "touched", "done")
    )
    return rows.iterator(chunk_size=CHUNK_SIZE)


def _is_done(module: ModuleInfo, done: int) -> bool:
    # As courses.progress.recording decides: every required lesson of a non-empty module.
    return bool(module.lesson_keys) and done >= len(module.required_keys)


def module_matrix(
    structure: CourseStructure, enrolment_ids: list[int]
) -> dict[int, list[str]]:
    """Per enrolment, each module's :class:`ModuleState`, in one query."""
    states = {
        pk: [ModuleState.NOT_STARTED] * len(structure.modules) for pk in enrolment_ids
    }
    for enrolment_id, index, touched, done in _module_counts(structure, enrolment_ids):
        if index < 0:
            continue
        module = structure.modules[index]
        if _is_done(module, done):
            states[enrolment_id][index] = ModuleState.DONE
        elif touched:
            states[enrolment_id][index] = ModuleState.STARTED
    return states


@dataclass
class LearnerRow:
    """A learner of a per-course report page."""

    pk: int
    learner: str
    email: str
    cohort: str


def _learners(page: QuerySet[Enrolment]) -> list[tuple]:
    return [
        (pk, f"{first} {last}".strip() or email, email, cohort or "")
        for pk, first, last, email, cohort in page.values_list(
            "pk", "user__first_name", "user__last_name", "user__email", "cohort__name"
        )
    ]


@dataclass
class MatrixRow(LearnerRow):
    states: list[str] = field(default_factory=list)


def matrix_page(
    structure: CourseStructure, page: QuerySet[Enrolment]
) -> list[MatrixRow]:
    """A page of the module matrix: the learners, then their progress aggregated
    per module, two queries whatever the page or course size."""
    learners = _learners(page)
    states = module_matrix(structure, [row[0] for row in learners])
    return [MatrixRow(*row, states=states[row[0]]) for row in learners]


def module_funnel(
    structure: CourseStructure, enrolments: QuerySet[Enrolment]
) -> list[tuple[str, int]]:
    """How many learners completed each module, after "Enrolled": two queries."""
    ids = enrolments.order_by().values("pk")
    completed = [0] * len(structure.modules)
    for _enrolment, index, _touched, done in _module_counts(
        structure, ids, completed_only=True
    ):
        if index >= 0 and _is_done(structure.modules[index], done):
            completed[index] += 1
    enrolled = enrolments.count()
    for index, module in enumerate(structure.modules):
        # A module of optional lessons only has nothing to do: all have done it.
        if module.lesson_keys and not module.required_keys:
            completed[index] = enrolled
    return [(str(_("Enrolled")), enrolled)] + [
        (module.title, count)
        for module, count in zip(structure.modules, completed, strict=True)
    ]


# Cohorts and the programme -----------------------------------------------------


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
    """Figures per course, per cohort and in total, in five queries.

    "Learners" counts distinct people enrolled; "teachers" the distinct learners
    with at least one completed course.
    """
    enrolments = enrolments.order_by()
    days = _days_to_complete(enrolments)
    cohorts = []
    by_course: dict[uuid.UUID, list[float]] = defaultdict(list)
    for (course_key, _cohort), values in days.items():
        by_course[course_key] += values
    for values in (
        enrolments.values("course_key", "cohort_id", "cohort__name")
        .annotate(title=Max("course__title"), **_summary_aggregates())
        .order_by("title", "cohort__name")
    ):
        row = _summary_row(
            values["cohort__name"] or str(_("No cohort")),
            values,
            days.get((values["course_key"], values["cohort_id"]), []),
        )
        row.course = values["title"]
        cohorts.append(row)
    courses = [
        _summary_row(values["title"], values, by_course.get(values["course_key"], []))
        for values in enrolments.values("course_key")
        .annotate(title=Max("course__title"), **_summary_aggregates())
        .order_by("title")
    ]
    total = _summary_row(
        str(_("Programme")),
        enrolments.aggregate(**_summary_aggregates()),
        [d for values in days.values() for d in values],
    )
    people = enrolments.aggregate(
        learners=Count("user", distinct=True),
        teachers=Count("user", distinct=True, filter=Q(completed_at__isnull=False)),
    )
    return ProgrammeSummary(
        courses, cohorts, total, people["learners"], people["teachers"]
    )


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


# Competences -----------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    code: str
    sort_order: int


def report_competences(
    structure: CourseStructure, enrolments: QuerySet[Enrolment]
) -> tuple[list[Competence], dict[int, list[int]]]:
    """The competences the course develops and any assessed in its enrolments, in
    framework order, with the module positions that develop each (two queries)."""
    modules = {m.page_id: index for index, m in enumerate(structure.outline.modules)}
    developed_by: dict[int, list[int]] = defaultdict(list)
    for module_id, competence_id in ModuleCompetence.objects.filter(
        module_id__in=modules
    ).values_list("module_id", "competence_id"):
        developed_by[competence_id].append(modules[module_id])
    assessed = AssessedCompetence.objects.filter(
        submission__enrolment__in=enrolments.order_by().values("pk"),
        submission__status=AssignmentSubmission.Status.ACCEPTED,
    ).values("competence_id")
    competences = list(
        Competence.objects.filter(Q(pk__in=list(developed_by)) | Q(pk__in=assessed))
        .select_related("framework")
        .order_by("framework__code", "code")
    )
    return competences, developed_by


def assessed_levels(
    enrolments: QuerySet | list[int],
) -> Iterator[tuple[int, int, Level]]:
    """(enrolment id, competence id, highest level accepted), one query."""
    best: dict[tuple[int, int], Level] = {}
    for enrolment_id, competence_id, code, order in (
        AssessedCompetence.objects.filter(
            submission__enrolment_id__in=enrolments,
            submission__status=AssignmentSubmission.Status.ACCEPTED,
        )
        .values_list(
            "submission__enrolment_id",
            "competence_id",
            "level__code",
            "level__sort_order",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        current = best.get((enrolment_id, competence_id))
        if current is None or order > current.sort_order:
            best[enrolment_id, competence_id] = Level(code, order)
    for (enrolment_id, competence_id), level in best.items():
        yield enrolment_id, competence_id, level


@dataclass
class CompetenceRow(LearnerRow):
    #: competence id → code of the highest level assessed
    levels: dict[int, str] = field(default_factory=dict)


def competence_page(page: QuerySet[Enrolment]) -> list[CompetenceRow]:
    """A page of the competence report: the learners and their assessed levels,
    two queries."""
    learners = _learners(page)
    levels: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, competence_id, level in assessed_levels(
        [row[0] for row in learners]
    ):
        levels[enrolment_id][competence_id] = level.code
    return [CompetenceRow(*row, levels=levels[row[0]]) for row in learners]


@dataclass
class CompetenceCount:
    """How many learners are developing a competence and at which level they
    were assessed."""

    competence: Competence
    developing: int = 0
    levels: dict[Level, int] = field(default_factory=dict)

    @property
    def assessed(self) -> int:
        return sum(self.levels.values())

    @property
    def levels_in_order(self) -> list[tuple[Level, int]]:
        return sorted(self.levels.items(), key=lambda item: item[0].sort_order)


def competence_counts(
    structure: CourseStructure,
    competences: list[Competence],
    developed_by: dict[int, list[int]],
    enrolments: QuerySet[Enrolment],
) -> list[CompetenceCount]:
    """Per competence: learners developing it (a lesson completed in a module
    that develops it) and learners per highest assessed level (two queries)."""
    ids = enrolments.order_by().values("pk")
    begun: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, index, _touched, _done in _module_counts(
        structure, ids, completed_only=True
    ):
        if index >= 0:
            begun[index].add(enrolment_id)
    counts = {c.pk: CompetenceCount(c) for c in competences}
    for competence_id, indexes in developed_by.items():
        if competence_id in counts:
            counts[competence_id].developing = len(
                set().union(*(begun[index] for index in indexes))
            )
    for _enrolment, competence_id, level in assessed_levels(ids):
        if competence_id in counts:
            levels = counts[competence_id].levels
            levels[level] = levels.get(level, 0) + 1
    return list(counts.values())
