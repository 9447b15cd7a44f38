"""The demo programme's live sessions, from the "sessions" list of programme.json,
and the demo teacher's attendance at the first of them. Safe to run again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance, CoursePage, Enrolment, LiveSession, ModulePage


def ensure_sessions(data: dict, course: CoursePage) -> list[LiveSession]:
    """One session per entry, on the module named by its slug; an existing session
    (same module and start) is left as it is."""
    sessions = []
    for entry in data.get("sessions", []):
        module = ModulePage.objects.child_of(course).get(slug=entry["module"])
        session, _created = LiveSession.objects.get_or_create(
            module=module,
            start=datetime.fromisoformat(entry["start"]),
            defaults={
                "end": datetime.fromisoformat(entry["end"]),
                "title": entry["title"]["lv"],
                "title_en": entry["title"]["en"],
                "mode": entry["mode"],
                "place": entry["place"]["lv"],
                "place_en": entry["place"]["en"],
                "online_link": entry["online_link"],
                "hours": Decimal(str(entry["hours"])),
            },
        )
        sessions.append(session)
    return sessions


def ensure_demo_attendance(sessions: list[LiveSession], username: str) -> None:
    """The demo teacher was present at the first session, so the dashboard and the
    course page show attendance from the start."""
    if not sessions:
        return
    enrolment = Enrolment.objects.filter(
        user__username=username, course_key=sessions[0].course_key
    ).first()
    if enrolment is None or Attendance.objects.filter(enrolment=enrolment).exists():
        return
    mark_attendance(sessions[0], enrolment, Attendance.Status.PRESENT)
