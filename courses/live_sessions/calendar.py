"""iCalendar feeds of live sessions: a public one per course and a private one per
learner that calendar apps subscribe to through a secret URL."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlsplit

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from courses.catalogue import content_cache
from courses.models import CalendarToken, CoursePage, Enrolment, LiveSession
from courses.site import base_url, page_url

PRODID = "-//Daugavpils University//STEM teacher courses//EN"


def courses_with_sessions() -> frozenset[uuid.UUID]:
    """Translation keys of the courses that have live sessions, from the content
    cache."""
    return content_cache.cached(
        ("courses-with-sessions",),
        lambda: frozenset(
            LiveSession.objects.order_by()
            .values_list("course_key", flat=True)
            .distinct()
        ),
    )


def learner_feed_url(request: HttpRequest) -> str:
    """The signed-in learner's feed URL, made on first use."""
    token = CalendarToken.for_user(request.user)
    return base_url() + reverse("courses:learner_calendar", args=[token.key])


def learner_sessions(user) -> list[tuple[LiveSession, CoursePage]]:
    """The sessions a learner is expected at across their enrolments, each with the
    course version they enrolled through."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course")
    )
    if not enrolments:
        return []
    expected = Q(pk__in=[])
    for enrolment in enrolments:
        cohort = Q(cohort__isnull=True)
        if enrolment.cohort_id:
            cohort |= Q(cohort_id=enrolment.cohort_id)
        expected |= Q(course_key=enrolment.course_key) & cohort
    courses = {e.course_key: e.course for e in enrolments}
    return [
        (session, courses[session.course_key])
        for session in LiveSession.objects.filter(expected)
    ]


def build_calendar(
    request: HttpRequest,
    name: str,
    sessions: Iterable[tuple[LiveSession, CoursePage]],
    *,
    with_online_links: bool,
) -> bytes:
    """An iCalendar file of ``sessions``; online links only when asked for, since
    a public feed must not let strangers into the meetings."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host = urlsplit(base_url()).hostname
    stamp = timezone.now().astimezone(UTC)
    for session, course in sessions:
        event = Event()
        # The primary key never changes, so calendar apps update the event in
        # place when staff move a session.
        event.add("uid", f"live-session-{session.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start.astimezone(UTC))
        event.add("dtend", session.end.astimezone(UTC))
        event.add("summary", session.display_title)
        description = [
            course.title,
            _("Mode: %(mode)s") % {"mode": session.get_mode_display()},
            _("Academic hours: %(hours)s") % {"hours": session.hours.normalize()},
        ]
        location = session.display_place
        if with_online_links and session.online_link:
            description.append(_("Online link: %(url)s") % {"url": session.online_link})
            location = location or session.online_link
        if location:
            event.add("location", location)
        event.add("description", "\n".join(description))
        course_url = page_url(course, request)
        if course_url:
            event.add("url", course_url)
        calendar.add_component(event)
    return calendar.to_ical()
