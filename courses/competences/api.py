"""The learner's competence profile in the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from courses.competences.profile import learner_profile

router = Router(tags=["courses"])


class LevelOut(Schema):
    code: str
    name: str
    name_lv: str


class CompetenceOut(Schema):
    framework: str
    code: str
    name: str
    name_lv: str
    target_level: LevelOut | None
    assessed_level: LevelOut | None
    modules_completed: list[str]
    modules_in_progress: list[str]
    developed: bool


def _level(level) -> LevelOut | None:
    if level is None:
        return None
    return LevelOut(code=level.code, name=level.name, name_lv=level.name_lv)


@router.get(
    "/me/competences",
    response=list[CompetenceOut],
    operation_id="courses_api_my_competences",
)
def my_competences(request: HttpRequest) -> list[CompetenceOut]:
    """The signed-in learner's competence profile with its evidence."""
    return [
        CompetenceOut(
            framework=entry.competence.framework.code,
            code=entry.competence.code,
            name=entry.competence.name,
            name_lv=entry.competence.name_lv,
            target_level=_level(entry.target_level),
            assessed_level=_level(entry.assessed_level),
            modules_completed=entry.modules_completed,
            modules_in_progress=entry.modules_in_progress,
            developed=entry.developed,
        )
        for entry in learner_profile(request.user)
    ]
