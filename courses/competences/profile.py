"""A learner's competence profile: which competences their courses developed, with
the evidence — modules completed and levels assessed in accepted assignments.

The same data serves the learner's page, the API and the certificate snapshot, and
is read in a fixed number of queries however many courses the learner takes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import get_language

from courses.competences.models import Competence, FrameworkLevel
from courses.models import (
    AssessedCompetence,
    AssignmentSubmission,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModuleCompetence,
    ModulePage,
)


@dataclass
class LevelRef:
    code: str
    name: str
    name_lv: str
    sort_order: int

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("lv") and self.name_lv:
            return self.name_lv
        return self.name

    @classmethod
    def of(cls, level: FrameworkLevel | None) -> LevelRef | None:
        if level is None:
            return None
        return cls(level.code, level.name, level.name_lv, level.sort_order)


@dataclass
class CompetenceEvidence:
    """One competence in a learner's profile, with what shows it."""

    competence: Competence
    target_level: LevelRef | None = None
    assessed_level: LevelRef | None = None
    modules_completed: list[str] = field(default_factory=list)
    modules_in_progress: list[str] = field(default_factory=list)

    @property
    def developed(self) -> bool:
        return bool(self.modules_completed or self.assessed_level)


def _higher(a: LevelRef | None, b: LevelRef | None) -> LevelRef | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a.sort_order >= b.sort_order else b


def competence_profile(enrolments: list[Enrolment]) -> list[CompetenceEvidence]:
    """The competences of ``enrolments`` (one learner's), in framework order.

    Six queries: the courses' modules with their competences, the modules' titles
    in the language being read, the lessons, the learner's completed lessons, and
    the levels assessed in accepted submissions.
    """
    enrolments = [e for e in enrolments if e.status != Enrolment.Status.WITHDRAWN]
    if not enrolments:
        return []
    in_courses = reduce(or_, (Q(path__startswith=e.course.path) for e in enrolments))
    modules = list(
        ModulePage.objects.live()
        .filter(in_courses)
        .only("id", "title", "path", "depth", "translation_key")
        .order_by("path")
    )
    # A learner enrolled through the Latvian course reading in English sees the
    # English modules' titles (where that version is published).
    titles = dict(
        ModulePage.objects.live()
        .filter(
            translation_key__in=[m.translation_key for m in modules],
            locale__language_code=get_language(),
        )
        .values_list("translation_key", "title")
        .order_by()
    )
    links = (
        ModuleCompetence.objects.filter(module__in=modules)
        .select_related("competence__framework", "competence__area", "target_level")
        .order_by("module__path", "sort_order")
    )
    required_lessons: dict[str, list[uuid.UUID]] = {m.path: [] for m in modules}
    for path, key in (
        LessonPage.objects.live()
        .filter(in_courses, optional=False)
        .values_list("path", "translation_key")
        .order_by()
    ):
        parent = path[: -LessonPage.steplen]
        if parent in required_lessons:
            required_lessons[parent].append(key)
    done = {
        (enrolment_id, key)
        for enrolment_id, key in LessonProgress.objects.filter(
            enrolment__in=enrolments, completed_at__isnull=False
        ).values_list("enrolment_id", "lesson_key")
    }
    enrolment_of_path = {e.course.path: e for e in enrolments}
    profile: dict[int, CompetenceEvidence] = {}
    by_module = {m.pk: m for m in modules}
    for link in links:
        module = by_module[link.module_id]
        enrolment = enrolment_of_path.get(module.path[: -ModulePage.steplen])
        if enrolment is None:
            continue
        entry = profile.setdefault(
            link.competence_id, CompetenceEvidence(competence=link.competence)
        )
        entry.target_level = _higher(entry.target_level, LevelRef.of(link.target_level))
        keys = required_lessons[module.path]
        if keys and all((enrolment.pk, key) in done for key in keys):
            entry.modules_completed.append(
                titles.get(module.translation_key, module.title)
            )
        else:
            entry.modules_in_progress.append(
                titles.get(module.translation_key, module.title)
            )
    for assessed in AssessedCompetence.objects.filter(
        submission__enrolment__in=enrolments,
        submission__status=AssignmentSubmission.Status.ACCEPTED,
    ).select_related("competence__framework", "competence__area", "level"):
        entry = profile.setdefault(
            assessed.competence_id, CompetenceEvidence(competence=assessed.competence)
        )
        entry.assessed_level = _higher(
            entry.assessed_level, LevelRef.of(assessed.level)
        )
    return sorted(
        profile.values(),
        key=lambda e: (e.competence.framework.code, e.competence.code),
    )


def learner_profile(user) -> list[CompetenceEvidence]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course")
        .order_by()
    )
    return competence_profile(enrolments)


def assessed_levels(enrolment: Enrolment) -> dict[tuple[str, str], LevelRef]:
    """The highest level assessed per competence, keyed by (framework, code), from
    the enrolment's accepted assignments; one query."""
    levels: dict[tuple[str, str], LevelRef] = {}
    for (
        framework,
        code,
        level_code,
        name,
        name_lv,
        order,
    ) in AssessedCompetence.objects.filter(
        submission__enrolment=enrolment,
        submission__status=AssignmentSubmission.Status.ACCEPTED,
    ).values_list(
        "competence__framework__code",
        "competence__code",
        "level__code",
        "level__name",
        "level__name_lv",
        "level__sort_order",
    ):
        key = (framework, code)
        levels[key] = _higher(
            levels.get(key), LevelRef(level_code, name, name_lv, order)
        )
    return levels


def with_assessed_levels(competences: list[dict], enrolment: Enrolment) -> list[dict]:
    """A course's competence records (framework, code, level, …) with each level
    replaced by the one assessed for this learner, where there is one."""
    assessed = assessed_levels(enrolment)
    if not assessed:
        return competences
    result = []
    for record in competences:
        level = assessed.get((record["framework"], record["code"]))
        result.append({**record, "level": level.code} if level else record)
    return result
