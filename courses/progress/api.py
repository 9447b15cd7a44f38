"""Completing lessons and the completion checklist in the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from courses.api.schemas import (
    EnrolmentOut,
    Id,
    Message,
    RequirementOut,
    enrolment_out,
    requirement_out,
)
from courses.models import CoursePage, LessonPage
from courses.progress.completion import learner_checklist
from courses.progress.recording import (
    ProgressError,
    course_of_lesson,
    find_enrolment,
    record_lesson_completed,
)

router = Router(tags=["courses"])


@router.post(
    "/lessons/{lesson_id}/complete",
    response={200: EnrolmentOut, 400: Message, 403: Message, 404: Message},
    operation_id="courses_api_complete_lesson",
)
def complete_lesson(request: HttpRequest, lesson_id: Id):
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


@router.get(
    "/courses/{course_id}/checklist",
    response={200: list[RequirementOut], 403: Message, 404: Message},
    operation_id="courses_api_checklist",
)
def checklist(request: HttpRequest, course_id: Id):
    """The signed-in learner's completion checklist for a course."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = find_enrolment(request.user, course)
    if enrolment is None:
        raise HttpError(403, _("You are not enrolled in this course."))
    return Status(200, [requirement_out(r) for r in learner_checklist(enrolment)])
