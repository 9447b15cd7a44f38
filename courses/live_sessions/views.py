"""Learner views for live sessions: checking in and the iCalendar feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.live_sessions.attendance import (
    AttendanceError,
    WrongCheckInCode,
    check_in,
)
from courses.live_sessions.calendar import build_calendar, learner_sessions
from courses.models import CalendarToken, CoursePage, Enrolment, LiveSession
from courses.site import next_url
from courses.throttling import TooManyWrongTries, check_in_scope, guarded


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
@login_required
def check_in_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The check-in form on the course and module pages."""
    session = get_object_or_404(LiveSession, pk=session_id)
    enrolment = (
        Enrolment.objects.filter(user=request.user, course_key=session.course_key)
        .select_related("user")
        .first()
    )
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this course."))
    else:
        code = request.POST.get("code", "")
        try:
            guarded(
                request,
                check_in_scope(session),
                lambda: check_in(session, enrolment, code),
                WrongCheckInCode,
            )
        except (AttendanceError, TooManyWrongTries) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("You are checked in to %(session)s.")
                % {"session": session.display_title},
            )
    course = (
        CoursePage.objects.live().filter(translation_key=session.course_key).first()
    )
    return redirect(next_url(request, course.url if course else "/"))


def course_calendar(request: HttpRequest, course_id: int) -> HttpResponse:
    """The public feed of a course's sessions, without online links."""
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    sessions = [(session, course) for session in LiveSession.objects.for_course(course)]
    content = build_calendar(request, course.title, sessions, with_online_links=False)
    return _calendar_response(content, f"course-{course.pk}.ics")


def learner_calendar(request: HttpRequest, key: str) -> HttpResponse:
    """A learner's own sessions, with online links; the key in the URL is the only
    credential, as calendar apps cannot sign in."""
    token = CalendarToken.objects.filter(key=key).select_related("user").first()
    if token is None or not token.user.is_active:
        raise Http404
    content = build_calendar(
        request,
        _("My live sessions"),
        learner_sessions(token.user),
        with_online_links=True,
    )
    response = _calendar_response(content, "my-sessions.ics")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def reset_calendar_feed(request: HttpRequest) -> HttpResponse:
    """A new feed URL; the old one stops working."""
    CalendarToken.for_user(request.user).reset()
    messages.success(
        request,
        _("Your calendar link has changed. Subscribe again with the new link."),
    )
    return redirect("courses:dashboard")
