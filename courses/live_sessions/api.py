"""Live sessions and attendance in the JSON API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from courses.api.schemas import Id, Message
from courses.live_sessions.attendance import AttendanceError, WrongCheckInCode, check_in
from courses.models import Attendance, CoursePage, Enrolment, LiveSession
from courses.permissions import is_course_team
from courses.progress.recording import find_enrolment
from courses.throttling import TooManyWrongTries, check_in_scope, guarded

router = Router(tags=["live sessions"])


class SessionOut(Schema):
    id: int
    title: str
    module_id: int
    cohort: str | None
    start: datetime
    end: datetime
    mode: str
    place: str
    hours: float
    online_link: str | None
    check_in_open: bool


class AttendanceOut(Schema):
    session_id: int
    session_title: str
    course_id: int
    start: datetime
    end: datetime
    status: str
    hours: float
    source: str
    marked_at: datetime


class CheckInIn(Schema):
    code: str


def attendance_out(attendance: Attendance, course_id: int) -> AttendanceOut:
    session = attendance.session
    return AttendanceOut(
        session_id=session.pk,
        session_title=session.display_title,
        course_id=course_id,
        start=session.start,
        end=session.end,
        status=attendance.status,
        hours=attendance.hours,
        source=attendance.source,
        marked_at=attendance.marked_at,
    )


@router.get(
    "/courses/{course_id}/sessions",
    response={200: list[SessionOut], 404: Message},
    auth=None,
    operation_id="courses_sessions_api_course_sessions",
)
def course_sessions(request: HttpRequest, course_id: Id) -> list[SessionOut]:
    """A course's live sessions; online links only for its learners and staff."""
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    enrolment = find_enrolment(request.user, course)
    enrolled = enrolment is not None and enrolment.status != Enrolment.Status.WITHDRAWN
    show_links = enrolled or is_course_team(request.user, course)
    return [
        SessionOut(
            id=session.pk,
            title=session.display_title,
            module_id=session.module_id,
            cohort=session.cohort.name if session.cohort else None,
            start=session.start,
            end=session.end,
            mode=session.mode,
            place=session.display_place,
            hours=session.hours,
            online_link=(session.online_link or None) if show_links else None,
            check_in_open=session.check_in_is_open(),
        )
        for session in LiveSession.objects.for_course(course).select_related("cohort")
    ]


@router.get(
    "/me/attendance",
    response=list[AttendanceOut],
    operation_id="courses_sessions_api_my_attendance",
)
def my_attendance(request: HttpRequest) -> list[AttendanceOut]:
    """The signed-in learner's attendance at live sessions, oldest first."""
    rows = Attendance.objects.filter(enrolment__user=request.user).select_related(
        "session", "enrolment"
    )
    return [attendance_out(row, row.enrolment.course_id) for row in rows]


@router.post(
    "/sessions/{session_id}/check-in",
    response={200: AttendanceOut, 400: Message, 403: Message, 404: Message},
    operation_id="courses_sessions_api_session_check_in",
)
def session_check_in(request: HttpRequest, session_id: Id, payload: CheckInIn):
    """Check in to a live session with the code given at the session."""
    session = get_object_or_404(LiveSession, pk=session_id)
    enrolment = Enrolment.objects.filter(
        user=request.user, course_key=session.course_key
    ).first()
    if enrolment is None or enrolment.status == Enrolment.Status.WITHDRAWN:
        raise HttpError(403, _("You are not enrolled in this course."))
    try:
        attendance = guarded(
            request,
            check_in_scope(session),
            lambda: check_in(session, enrolment, payload.code),
            WrongCheckInCode,
        )
    except TooManyWrongTries as exc:
        raise HttpError(429, str(exc)) from None
    except AttendanceError as exc:
        raise HttpError(400, str(exc)) from None
    return attendance_out(attendance, enrolment.course_id)
