"""The module matrix and funnel of one course: which modules each learner has
done, started or not begun, counted per module in one grouped query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import (
    CoursePage,
    Enrolment,
    LessonProgress,
)
from courses.progress.outline import (
    CourseOutline,
    ModuleOutline,
    outline_across_versions,
)
from courses.reports.rows import CHUNK_SIZE, LearnerRow, learners_of

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


def module_counts(
    structure: CourseStructure,
    enrolments: QuerySet | list[int],
    completed_only: bool = False,
) -> Iterator[tuple[int, int, int, int]]:
    """(enrolment id, module index, lessons touched, required lessons done) for
    every pair with progress (or, ``completed_only``, with a lesson completed, which
    halves the work over a whole course): one grouped query."""
    required = [
        key
        for module in structure.modules
        for key in structure.outline.required_of(module)
    ]
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


def module_matrix(
    structure: CourseStructure, enrolment_ids: list[int]
) -> dict[int, list[str]]:
    """Per enrolment, each module's :class:`ModuleState`, in one query."""
    states = {
        pk: [ModuleState.NOT_STARTED] * len(structure.modules) for pk in enrolment_ids
    }
    for enrolment_id, index, touched, done in module_counts(structure, enrolment_ids):
        if index < 0:
            continue
        module = structure.modules[index]
        if structure.outline.module_complete(module, done):
            states[enrolment_id][index] = ModuleState.DONE
        elif touched:
            states[enrolment_id][index] = ModuleState.STARTED
    return states


@dataclass
class MatrixRow(LearnerRow):
    states: list[str] = field(default_factory=list)


def matrix_page(
    structure: CourseStructure, page: QuerySet[Enrolment], with_email: bool = True
) -> list[MatrixRow]:
    """A page of the module matrix: the learners, then their progress aggregated
    per module, two queries whatever the page or course size."""
    learners = learners_of(page, with_email)
    states = module_matrix(structure, [row[0] for row in learners])
    return [MatrixRow(*row, states=states[row[0]]) for row in learners]


def module_funnel(
    structure: CourseStructure, enrolments: QuerySet[Enrolment]
) -> list[tuple[str, int]]:
    """How many learners completed each module, after "Enrolled": two queries."""
    ids = enrolments.order_by().values("pk")
    completed = [0] * len(structure.modules)
    for _enrolment, index, _touched, done in module_counts(
        structure, ids, completed_only=True
    ):
        if index >= 0 and structure.outline.module_complete(
            structure.modules[index], done
        ):
            completed[index] += 1
    enrolled = enrolments.count()
    for index, module in enumerate(structure.modules):
        # A module of optional lessons only has nothing to do: all have done it.
        if structure.outline.module_complete(module, 0):
            completed[index] = enrolled
    return [(str(_("Enrolled")), enrolled)] + [
        (module.title, count)
        for module, count in zip(structure.modules, completed, strict=True)
    ]
