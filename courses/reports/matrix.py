"""The module matrix and funnel of one course: which modules each learner has
done, started or not begun, counted per module in one grouped query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from courses.models import CoursePage, Enrolment, ModuleSummary
from courses.progress.outline import (
    CourseOutline,
    ModuleOutline,
    outline_across_versions,
)
from courses.progress.rule import (
    Evidence,
    complete_modules,
    module_assignment_keys,
)
from courses.reports.rows import LearnerRow, learners

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass
class CourseStructure:
    """A course's live modules in order, with titles, for the matrix and funnel.

    A learner has done a module when every requirement of it is met
    (:func:`~courses.progress.rule.complete_modules`, stored per module as
    :attr:`ModuleSummary.complete`), as for the learner's own badge and hours."""

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
        DONE: pgettext_lazy("module", "Done"),
        STARTED: _("In progress"),
        NOT_STARTED: _("Not started"),
    }


#: Modules per bit mask: a mask is a 64-bit integer in both databases.
MASK_BITS = 62


def _masks(structure: CourseStructure) -> dict[str, Sum]:
    """Per group of :data:`MASK_BITS` modules, the modules done and begun as bit
    masks, summed over an enrolment's module summaries (joined, not a subquery)."""
    masks = {}
    for start in range(0, len(structure.modules), MASK_BITS):
        part = structure.modules[start : start + MASK_BITS]
        for name, condition in (("done", True), ("begun", None)):
            whens = [
                When(
                    Q(module_summaries__module_key=m.key)
                    & (
                        Q(module_summaries__complete=True)
                        if condition
                        else Q(module_summaries__lessons_started__gt=0)
                    ),
                    then=Value(1 << bit),
                )
                for bit, m in enumerate(part)
            ]
            masks[f"{name}_{start}"] = Sum(
                Case(*whens, default=Value(0), output_field=BigIntegerField())
            )
    return masks


def matrix_rows(
    structure: CourseStructure, enrolments: QuerySet[Enrolment], with_email: bool = True
) -> Iterator[MatrixRow]:
    """The learners of ``enrolments`` in its order, each with every module's
    :class:`ModuleState`: one query, a row per learner, streamed in chunks; their
    e-mail addresses only if ``with_email``."""
    count = len(structure.modules)
    masks = _masks(structure)
    for pk, learner, email, cohort, *values in learners(
        enrolments.annotate(**masks), with_email, extra=list(masks)
    ):
        states = [ModuleState.NOT_STARTED] * count
        for group, start in enumerate(range(0, count, MASK_BITS)):
            done, begun = values[2 * group] or 0, values[2 * group + 1] or 0
            for bit in range(min(MASK_BITS, count - start)):
                if done >> bit & 1:
                    states[start + bit] = ModuleState.DONE
                elif begun >> bit & 1:
                    states[start + bit] = ModuleState.STARTED
        yield MatrixRow(pk, learner, email, cohort, states)


def module_matrix(
    structure: CourseStructure, enrolment_ids: list[int]
) -> dict[int, list[str]]:
    """Per enrolment, each module's :class:`ModuleState`, in one query."""
    return {
        row.pk: row.states
        for row in matrix_rows(
            structure, Enrolment.objects.filter(pk__in=enrolment_ids).order_by()
        )
    }


@dataclass
class MatrixRow(LearnerRow):
    states: list[str] = field(default_factory=list)


def matrix_page(
    structure: CourseStructure, page: QuerySet[Enrolment], with_email: bool = True
) -> list[MatrixRow]:
    """A page of the module matrix: one query whatever the page or course size."""
    return list(matrix_rows(structure, page, with_email))


def module_funnel(
    structure: CourseStructure, enrolments: QuerySet[Enrolment]
) -> list[tuple[str, int]]:
    """How many learners completed each module (met its every requirement),
    after "Enrolled": two queries over the stored module summaries, grouped in
    the database, and one for the course's assignments."""
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
    # A module that asks nothing (optional lessons, no assignment) is complete
    # for a learner who has done nothing, and so for all.
    outline = structure.outline
    asks_nothing = complete_modules(
        outline, Evidence(set(), set(), set(), {}), module_assignment_keys(outline)
    )
    counts = [
        (
            module.title,
            enrolled if module.key in asks_nothing else completed.get(module.key, 0),
        )
        for module in structure.modules
    ]
    return [(pgettext("count of enrolments", "Enrolled"), enrolled), *counts]
