"""What a learner sees of a course's live sessions on its course and module pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from courses.models import (
    Attendance,
    CoursePage,
    Enrolment,
    LiveSession,
    ModulePage,
)
from courses.permissions import is_course_team


@dataclass
class SessionEntry:
    """A live session as one learner sees it on a course or module page."""

    session: LiveSession
    attendance: Attendance | None
    can_check_in: bool


def live_sessions_context(
    request: HttpRequest,
    course: CoursePage,
    enrolment: Enrolment | None,
    module: ModulePage | None = None,
) -> dict:
    """The course's (or module's) live sessions, upcoming and past, with the
    learner's attendance: one query for the sessions, one for the attendance."""
    sessions = LiveSession.objects.for_course(course).select_related("cohort")
    if module is not None:
        sessions = sessions.filter(module__translation_key=module.translation_key)
    enrolled = enrolment is not None and enrolment.status != Enrolment.Status.WITHDRAWN
    if enrolled:
        sessions = sessions.for_cohort(enrolment.cohort_id)
    sessions = list(sessions)
    attendance: dict[int, Attendance] = {}
    if enrolled and sessions:
        attendance = {
            row.session_id: row
            for row in Attendance.objects.filter(
                enrolment=enrolment, session__in=[s.pk for s in sessions]
            ).order_by()
        }
    now = timezone.now()
    entries = [
        SessionEntry(
            session=session,
            attendance=attendance.get(session.pk),
            can_check_in=enrolled
            and session.check_in_is_open(now)
            and getattr(attendance.get(session.pk), "status", None)
            != Attendance.Status.PRESENT,
        )
        for session in sessions
    ]
    return {
        "upcoming_sessions": [e for e in entries if e.session.end >= now],
        "past_sessions": [e for e in entries if e.session.end < now],
        # The link lets anyone into the meeting: learners of the course and staff only.
        "show_online_links": bool(sessions)
        and (enrolled or is_course_team(request.user, course)),
    }


def add_sessions_context(page, request: HttpRequest, context: dict) -> None:
    """The page context hook: live sessions on course and module pages (after the
    learner's enrolment is known)."""
    if isinstance(page, CoursePage):
        context.update(live_sessions_context(request, page, context["enrolment"]))
    elif isinstance(page, ModulePage):
        access = context["access"]
        context.update(
            live_sessions_context(request, access.course, access.enrolment, page)
        )
