"""The module matrix, the competence report, the e-learning results and the cohort
summary as tables for
:mod:`courses.reports.exports`: the same figures as their pages, read a chunk of
learners at a time so that memory stays flat however many there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.reports import summary
from courses.reports.activities import ReportActivity, Status, activity_rows
from courses.reports.columns import summary_figures
from courses.reports.competences import assessed_levels
from courses.reports.exports import Table
from courses.reports.matrix import CourseStructure, ModuleState, matrix_rows
from courses.reports.rows import learner_chunks

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from courses.competences.models import Competence
    from courses.models import Enrolment


def _stamp() -> str:
    return timezone.localdate().isoformat()


def matrix_table(
    structure: CourseStructure, enrolments: QuerySet[Enrolment], with_email: bool
) -> Table:
    """Learners × modules: done, in progress or not started."""
    labels = {state: str(label) for state, label in ModuleState.labels.items()}

    def rows() -> Iterator[list[Any]]:
        for row in matrix_rows(structure, enrolments, with_email):
            yield [row.learner, row.cohort, *(labels[state] for state in row.states)]

    return Table(
        [_("Learner"), _("Cohort"), *(module.title for module in structure.modules)],
        rows(),
        f"modules-{_stamp()}",
        _("Module progress"),
    )


def competence_table(
    competences: list[Competence], enrolments: QuerySet[Enrolment], with_email: bool
) -> Table:
    """Learners × competences: the highest level accepted in each."""

    def rows() -> Iterator[list[Any]]:
        for chunk in learner_chunks(enrolments, with_email):
            levels: dict[int, dict[int, str]] = defaultdict(dict)
            for enrolment_id, competence_id, level in assessed_levels(
                [pk for pk, *_rest in chunk]
            ):
                levels[enrolment_id][competence_id] = level.code
            for pk, learner, _email, cohort in chunk:
                yield [
                    learner,
                    cohort,
                    *(levels[pk].get(competence.pk, "") for competence in competences),
                ]

    return Table(
        [
            _("Learner"),
            _("Cohort"),
            *(f"{c.framework.code} {c.code}" for c in competences),
        ],
        rows(),
        f"competences-{_stamp()}",
        _("Competence report"),
    )


def activity_table(
    activities: list[ReportActivity],
    enrolments: QuerySet[Enrolment],
    with_email: bool,
) -> Table:
    """Learners × e-learning activities: per activity the best attempt's score and
    status, the attempts made and whether the rule was met; then the time spent."""
    # In the reader's language now: the rows are written after the view returns.
    labels = {status: str(label) for status, label in Status.labels.items()}
    met = {True: pgettext("rule met", "Yes"), False: pgettext("rule met", "No")}

    def rows() -> Iterator[list[Any]]:
        for row in activity_rows(activities, enrolments, with_email):
            cells = [
                value
                for cell in row.cells
                for value in (
                    cell.score,
                    labels[cell.status],
                    cell.attempts,
                    met[cell.met],
                )
            ]
            yield [row.learner, row.cohort, *cells, row.minutes_spent]

    headings = [_("Learner"), _("Cohort")]
    for activity in activities:
        names = {"activity": activity.title}
        headings += [
            _("%(activity)s: score (%%)") % names,
            _("%(activity)s: status") % names,
            _("%(activity)s: attempts") % names,
            _("%(activity)s: rule met") % names,
        ]
    return Table(
        [*headings, _("Time in packages (min)")],
        rows(),
        f"e-learning-{_stamp()}",
        _("E-learning results"),
    )


def summary_table(programme: summary.ProgrammeSummary) -> Table:
    """Per course, per cohort and for the programme, as on the page."""

    def cells(course: str, cohort: str, row: summary.SummaryRow) -> list[Any]:
        return [
            course,
            cohort,
            row.enrolled,
            row.active,
            row.completed,
            row.withdrawn,
            row.completion_rate,
            row.median_days,
            row.hours_delivered,
            *row.figure_values,
        ]

    rows = [cells(row.label, "", row) for row in programme.courses]
    rows += [cells(row.course, row.label, row) for row in programme.cohorts]
    rows.append(cells(programme.total.label, "", programme.total))
    return Table(
        [
            _("Course"),
            _("Cohort"),
            pgettext("count of enrolments", "Enrolled"),
            _("Active"),
            _("Completed"),
            pgettext("enrolment", "Withdrawn"),
            _("Completion rate"),
            _("Median days to complete"),
            _("Hours delivered"),
            *(str(figure.label) for figure in summary_figures()),
        ],
        rows,
        f"cohorts-{_stamp()}",
        _("Cohorts and programme"),
    )
