"""The one place that records attendance at live sessions.

Staff mark learners in a session's register; learners check in themselves with the
session's code while check-in is open. Either way the attendance row is written
idempotently and the enrolment's stored summary is then recounted by
:func:`courses.progress.recording.refresh_summary`, which decides completion.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from courses.dates import moment_in_words
from courses.integrations.events import Event, emit, enrolment_data
from courses.live_sessions.models import normalise_check_in_code
from courses.models import (
    Attendance,
    Enrolment,
    LiveSession,
)
from courses.people.names import name_order
from courses.progress.recording import refresh_summary


class AttendanceError(Exception):
    """Attendance that cannot be recorded; the message is for the person acting."""


class WrongCheckInCode(AttendanceError):
    """A wrong code: a guess, which :mod:`courses.throttling` counts."""


def _refresh(enrolment: Enrolment) -> None:
    refresh_summary(enrolment, activity=True)


def _announce(attendance: Attendance) -> None:
    """Tell integrations the learner attended: once per session and learner, even
    when staff mark them present again."""
    if attendance.status != Attendance.Status.PRESENT:
        return
    session = attendance.session
    emit(
        Event.SESSION_ATTENDED,
        {
            **enrolment_data(attendance.enrolment),
            "session": session.pk,
            "session_title": session.title,
            "hours": attendance.hours,
            "marked_at": attendance.marked_at,
        },
        key=f"session.attended:{attendance.pk}",
    )


def _check_expected(session: LiveSession, enrolment: Enrolment) -> None:
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise AttendanceError(
            _("Attendance cannot be recorded: the learner has withdrawn.")
        )
    if not session.is_for(enrolment):
        raise AttendanceError(
            _("This session is not part of the learner's course or group.")
        )


def mark_attendance(
    session: LiveSession,
    enrolment: Enrolment,
    status: str,
    hours: Decimal | None = None,
    actor=None,
) -> Attendance:
    """Record ``status`` for the learner in the session's register.

    ``hours`` defaults to the session's hours for a present learner; fewer hours
    record partial attendance. Absent and excused learners are credited nothing.
    Marking the same again changes nothing but the marker and the time.
    """
    if status not in Attendance.Status.values:
        raise AttendanceError(_("Choose present, absent or excused."))
    _check_expected(session, enrolment)
    if status != Attendance.Status.PRESENT:
        if hours:
            raise AttendanceError(_("Only a present learner is credited hours."))
        hours = Decimal(0)
    elif hours is None:
        hours = session.hours
    hours = Decimal(hours)
    if hours < 0 or hours > session.hours:
        raise AttendanceError(
            _("Hours must be between 0 and the session's %(hours)s.")
            % {"hours": formats.localize(session.hours)}
        )
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={
                "status": status,
                "hours": hours,
                "source": Attendance.Source.REGISTER,
                "marked_by": actor,
                "marked_at": timezone.now(),
            },
        )
        _announce(attendance)
        _refresh(enrolment)
    return attendance


def check_in(
    session: LiveSession,
    enrolment: Enrolment,
    code: str,
    at: datetime | None = None,
) -> Attendance:
    """The learner checks in with the code shown at the session.

    Refused outside the check-in window or with a wrong code, recording nothing.
    Checking in again, or after staff marked the learner present, keeps the
    existing record.
    """
    at = at or timezone.now()
    _check_expected(session, enrolment)
    if at < session.check_in_opens_at:
        raise AttendanceError(
            # The moment sits in a sentence: Latvian wants the locative.
            _("Check-in opens at %(time)s.")
            % {"time": moment_in_words(session.check_in_opens_at)}
        )
    if at > session.check_in_closes_at:
        raise AttendanceError(_("Check-in for this session has closed."))
    if normalise_check_in_code(code or "") != session.check_in_code:
        raise WrongCheckInCode(_("The check-in code is not correct."))
    present = {
        "status": Attendance.Status.PRESENT,
        "hours": session.hours,
        "source": Attendance.Source.CHECK_IN,
        "marked_by": enrolment.user,
        "marked_at": at,
    }
    with transaction.atomic():
        # get_or_create survives two check-ins at once (a double-tapped button).
        attendance, created = Attendance.objects.select_for_update().get_or_create(
            session=session, enrolment=enrolment, defaults=present
        )
        if not created:
            if attendance.status == Attendance.Status.PRESENT:
                return attendance
            for name, value in present.items():
                setattr(attendance, name, value)
            attendance.save()
        _announce(attendance)
        _refresh(enrolment)
    return attendance


def attended_hours(enrolment: Enrolment) -> Decimal:
    """Academic hours the learner was credited at live sessions."""
    total = Attendance.objects.filter(
        enrolment=enrolment, status=Attendance.Status.PRESENT
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def register_enrolments(session: LiveSession) -> list[Enrolment]:
    """The learners in a session's register, in name order: those enrolled in its
    course (and cohort) and not withdrawn."""
    enrolments = Enrolment.objects.filter(course_key=session.course_key).exclude(
        status=Enrolment.Status.WITHDRAWN
    )
    if session.cohort_id:
        enrolments = enrolments.filter(cohort_id=session.cohort_id)
    return list(
        enrolments.select_related("user", "cohort").order_by(*name_order(), "pk")
    )
