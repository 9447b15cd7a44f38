"""Courses, enrolments and progress in the JSON API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from courses.catalogue.models import course_hours_subquery
from courses.competence_profile import learner_profile
from courses.enrolling import EnrolmentError, self_enrol
from courses.models import CoursePage, Enrolment, LessonPage
from courses.progress.completion import learner_checklist
from courses.progress.recording import (
    ProgressError,
    course_of_lesson,
    find_enrolment,
    record_lesson_completed,
)

router = Router(tags=["courses"])


class CourseOut(Schema):
    id: int
    title: str
    url: str
    language: str
    hours: float
    programme_type: str
    self_enrolment: bool


class EnrolIn(Schema):
    key: str = ""


class EnrolmentOut(Schema):
    id: int
    course_id: int
    course_title: str
    cohort: str | None
    status: str
    percent: int
    completed_items: int
    total_items: int
    hours_earned: float
    enrolled_at: datetime
    completed_at: datetime | None
    last_activity_at: datetime | None


class Message(Schema):
    detail: str


class RequirementOut(Schema):
    code: str
    label: str
    done: float
    needed: float
    met: bool


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


def enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        id=enrolment.pk,
        course_id=enrolment.course_id,
        course_title=enrolment.course.title,
        cohort=enrolment.cohort.name if enrolment.cohort else None,
        status=enrolment.status,
        percent=enrolment.percent,
        completed_items=enrolment.completed_items,
        total_items=enrolment.total_items,
        hours_earned=enrolment.hours_earned,
        enrolled_at=enrolment.enrolled_at,
        completed_at=enrolment.completed_at,
        last_activity_at=enrolment.last_activity_at,
    )


@router.get("/courses", response=list[CourseOut], auth=None)
def list_courses(request: HttpRequest) -> list[CourseOut]:
    """Published courses in every language, with their academic hours."""
    courses = (
        CoursePage.objects.live()
        .public()
        .select_related("locale")
        .annotate(total_hours=course_hours_subquery())
        .order_by("path")
    )
    return [
        CourseOut(
            id=course.pk,
            title=course.title,
            url=course.get_full_url(request) or "",
            language=course.locale.language_code,
            hours=course.total_hours,
            programme_type=course.programme_type,
            self_enrolment=course.self_enrolment,
        )
        for course in courses
    ]


@router.post(
    "/courses/{course_id}/enrol",
    response={201: EnrolmentOut, 400: Message, 404: Message},
)
def enrol(request: HttpRequest, course_id: int, payload: EnrolIn | None = None):
    """Enrol the signed-in learner; send ``key`` when the cohort has one."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment = self_enrol(request.user, course, key=payload.key if payload else "")
    except EnrolmentError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, enrolment_out(enrolment))


@router.post(
    "/lessons/{lesson_id}/complete",
    response={200: EnrolmentOut, 400: Message, 403: Message, 404: Message},
)
def complete_lesson(request: HttpRequest, lesson_id: int):
    """Mark a lesson done; returns the enrolment's updated progress."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = course_of_lesson(lesson)
    enrolment = find_enrolment(request.user, course) if course else None
    if enrolment is None:
        raise HttpError(403, _("You are not enrolled in this course."))
    try:
        record_lesson_completed(enrolment, lesson)
    except ProgressError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(200, enrolment_out(enrolment))


@router.get("/me/enrolments", response=list[EnrolmentOut])
def my_enrolments(request: HttpRequest) -> list[EnrolmentOut]:
    """The signed-in learner's enrolments with their progress."""
    enrolments = Enrolment.objects.filter(user=request.user).select_related(
        "course", "cohort"
    )
    return [enrolment_out(e) for e in enrolments]


@router.get(
    "/courses/{course_id}/checklist",
    response={200: list[RequirementOut], 403: Message, 404: Message},
)
def checklist(request: HttpRequest, course_id: int):
    """The signed-in learner's completion checklist for a course."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = find_enrolment(request.user, course)
    if enrolment is None:
        raise HttpError(403, _("You are not enrolled in this course."))
    return Status(
        200,
        [
            RequirementOut(
                code=r.code, label=str(r.label), done=r.done, needed=r.needed, met=r.met
            )
            for r in learner_checklist(enrolment)
        ],
    )


def _level(level) -> LevelOut | None:
    if level is None:
        return None
    return LevelOut(code=level.code, name=level.name, name_lv=level.name_lv)


@router.get("/me/competences", response=list[CompetenceOut])
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
