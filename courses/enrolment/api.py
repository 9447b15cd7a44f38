"""Enrolling and the learner's enrolments in the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from courses.api.schemas import EnrolmentOut, Id, Message, enrolment_out
from courses.enrolment.enrolling import EnrolmentError, WrongEnrolmentKey, self_enrol
from courses.models import CoursePage, Enrolment
from courses.throttling import TooManyWrongTries, enrolment_key_scope, guarded

router = Router(tags=["courses"])


class EnrolIn(Schema):
    key: str = ""


@router.post(
    "/courses/{course_id}/enrol",
    response={201: EnrolmentOut, 400: Message, 404: Message},
    operation_id="courses_api_enrol",
)
def enrol(request: HttpRequest, course_id: Id, payload: EnrolIn | None = None):
    """Enrol the signed-in learner; send ``key`` when the cohort has one."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    key = payload.key if payload else ""
    try:
        enrolment = guarded(
            request,
            enrolment_key_scope(course),
            lambda: self_enrol(request.user, course, key=key),
            WrongEnrolmentKey,
        )
    except TooManyWrongTries as exc:
        raise HttpError(429, str(exc)) from None
    except EnrolmentError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, enrolment_out(enrolment))


@router.get(
    "/me/enrolments",
    response=list[EnrolmentOut],
    operation_id="courses_api_my_enrolments",
)
def my_enrolments(request: HttpRequest) -> list[EnrolmentOut]:
    """The signed-in learner's enrolments with their progress."""
    enrolments = Enrolment.objects.filter(user=request.user).select_related(
        "course", "cohort"
    )
    return [enrolment_out(e) for e in enrolments]
