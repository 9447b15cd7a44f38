"""The module matrix and funnel of one course: which modules each learner has
done, started or not begun, counted per module in one grouped query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, Enrolment, ModuleSummary
from courses.progress.outline import (
    CourseOutline,
    ModuleOutline,
    outline_across_versions,
)
from courses.reports.rows import LearnerRow, learners_of

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass
class CourseStructure:
    """A course's live modules in order, with titles, for the matrix and funnel.

    Whether a learner has done a module is decided by the outline
    (:meth:`~courses.progress.outline.CourseOutline.module_complete`), as for
    the learner's own badge, hours and unlocking."""

    outline: CourseOutline

    @property
    def modules(self) -> list[ModuleOutline]:
        return self.outline.modules


def course_structure(course: CoursePage) -> CourseStructure:
    """The course's outline across its language versions (three queries), with
    its modules' titles: a module added in one language only is reported too."""
    return CourseStructure(outline_across_versions(course))


class ModuleState:
    DONE = "done"
    STARTED = "started"
    NOT_STARTED = "not_started"

    labels = {
        DONE: _("Done"),
        STARTED: _("In progress"),
        NOT_STARTED: _("Not started"),
    }


def module_matrix(
    structure: CourseStructure, enrolment_ids: list[int]
) -> dict[int, list[str]]:
    """Per enrolment, each module's :class:`ModuleState`, from the stored module
    summaries in one query (a few rows per learner)."""
    position = {module.key: index for index, module in enumerate(structure.modules)}
    states = {
        pk: [ModuleState.NOT_STARTED] * len(structure.modules) for pk in enrolment_ids
    }
    for enrolment_id, key, started, complete in ModuleSummary.objects.filter(
        enrolment_id__in=enrolment_ids, module_key__in=list(position)
    ).values_list("enrolment_id", "module_key", "lessons_started", "complete"):
        if complete:
            states[enrolment_id][position[key]] = ModuleState.DONE
        elif started:
            states[enrolment_id][position[key]] = ModuleState.STARTED
    return states


@dataclass
class MatrixRow(LearnerRow):
    states: list[str] = field(default_factory=list)


def matrix_page(
    structure: CourseStructure, page: QuerySet[Enrolment]
) -> list[MatrixRow]:
    """A page of the module matrix: the learners, then their progress aggregated
    per module, two queries whatever the page or course size."""
    learners = learners_of(page)
    states = module_matrix(structure, [row[0] for row in learners])
    return [MatrixRow(*row, states=states[row[0]]) for row in learners]


def module_funnel(
    structure: CourseStructure, enrolments: QuerySet[Enrolment]
) -> list[tuple[str, int]]:
    """How many learners completed each module, after "Enrolled": two queries
    over the stored module summaries, grouped in the database."""
    completed = dict(
        ModuleSummary.objects.filter(
            enrolment__in=enrolments.order_by().values("pk"),
            module_key__in=[module.key for module in structure.modules],
            complete=True,
        )
        .values("module_key")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("module_key", "n")
    )
    enrolled = enrolments.count()
    counts = []
    for module in structure.modules:
        # A module of optional lessons only has nothing to do: all have done it.
        if structure.outline.module_complete(module, 0):
            counts.append((module.title, enrolled))
        else:
            counts.append((module.title, completed.get(module.key, 0)))
    return [(str(_("Enrolled")), enrolled), *counts]
