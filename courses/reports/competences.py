"""The competence report: the levels each learner of a course reached, per
competence the course develops."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from courses.competences.models import Competence
from courses.models import (
    AssessedCompetence,
    AssignmentSubmission,
    Enrolment,
    ModuleCompetence,
    ModuleSummary,
)
from courses.reports.matrix import CourseStructure
from courses.reports.rows import CHUNK_SIZE, LearnerRow, learners

if TYPE_CHECKING:
    from django.db.models import QuerySet


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


def competence_page(
    page: QuerySet[Enrolment], with_email: bool = True
) -> list[CompetenceRow]:
    """A page of the competence report: the learners and their assessed levels,
    two queries."""
    rows = list(learners(page, with_email))
    levels: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, competence_id, level in assessed_levels([row[0] for row in rows]):
        levels[enrolment_id][competence_id] = level.code
    return [CompetenceRow(*row, levels=levels[row[0]]) for row in rows]


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
    counts = {c.pk: CompetenceCount(c) for c in competences}
    developing = {
        competence_id: indexes
        for competence_id, indexes in developed_by.items()
        if competence_id in counts
    }
    if developing:
        # A learner counts once per competence, however many of its modules they
        # have begun: one query over the stored module summaries.
        keys = {
            competence_id: [structure.modules[index].key for index in indexes]
            for competence_id, indexes in developing.items()
        }
        figures = ModuleSummary.objects.filter(
            enrolment__in=ids, lessons_done__gt=0
        ).aggregate(
            **{
                f"c{competence_id}": Count(
                    "enrolment_id", distinct=True, filter=Q(module_key__in=modules)
                )
                for competence_id, modules in keys.items()
            }
        )
        for competence_id in developing:
            counts[competence_id].developing = figures[f"c{competence_id}"]
    for _enrolment, competence_id, level in assessed_levels(ids):
        if competence_id in counts:
            levels = counts[competence_id].levels
            levels[level] = levels.get(level, 0) + 1
    return list(counts.values())
