"""Live sessions as learners find them: on the course page (the online link only
for the enrolled, times in Riga, the check-in form), in calendar feeds and on
the dashboard."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from icalendar import Calendar

from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance, CalendarToken
from tests.factories import make_cohort, make_course_tree, make_live_session, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


LINK = "https://zoom.us/j/555000111"


def test_online_link_only_for_enrolled_learners(client, course, module):
    """Visitors see the session but not its link; an enrolled learner sees both."""
    make_live_session(module, title="Pieredzes apmaiņa ar Tronheimu")
    html = client.get(course.url).content.decode()
    assert "Pieredzes apmaiņa ar Tronheimu" in html
    assert LINK not in html
    visitor = make_user()
    client.force_login(visitor)
    assert LINK not in client.get(course.url).content.decode()
    enrol(visitor, course)
    assert LINK in client.get(course.url).content.decode()
    assert LINK in client.get(module.url).content.decode()


def test_course_page_shows_attendance_and_times_in_riga(
    client, course, module, learner_enrolment
):
    """The learner sees their status and the session's local time."""
    start = datetime(2021, 3, 18, 8, 0, tzinfo=UTC)
    session = make_live_session(module, start=start, end=start + timedelta(hours=2))
    mark_attendance(session, learner_enrolment, "present", hours=Decimal(1))
    client.force_login(learner_enrolment.user)
    html = client.get(course.url).content.decode()
    assert "10:00" in html
    assert "(EET)" in html
    with translation.override("lv"):
        assert f'class="badge badge--done">{Attendance.Status.PRESENT.label}' in html


def test_check_in_form_on_the_course_page(course, module, learner_enrolment):
    """During the window the learner checks in from the course page, with CSRF."""
    session = make_live_session(
        module,
        start=timezone.now() - timedelta(minutes=5),
        end=timezone.now() + timedelta(hours=1),
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner_enrolment.user)
    page = client.get(course.url)
    html = page.content.decode()
    action = f"/lv/sessions/{session.pk}/check-in/"
    assert action in html
    token = page.cookies["csrftoken"].value
    assert client.post(action, {"code": session.check_in_code}).status_code == 403
    response = client.post(
        action,
        {"code": session.check_in_code, "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert session.display_title in response.content.decode()
    assert Attendance.objects.get().status == "present"
    assert action not in response.content.decode()


def test_wrong_code_in_the_form_shows_the_reason(client, module, learner_enrolment):
    """A wrong code sends the learner back with a message and records nothing."""
    session = make_live_session(
        module,
        start=timezone.now(),
        end=timezone.now() + timedelta(hours=1),
        check_in_code="AB3CD4",
    )
    client.force_login(learner_enrolment.user)
    response = client.post(
        f"/en/sessions/{session.pk}/check-in/", {"code": "WRONG1"}, follow=True
    )
    assert "The check-in code is not correct." in response.content.decode()
    assert not Attendance.objects.exists()


def test_course_page_queries_do_not_grow_with_sessions(client, learner_enrolment):
    """The course page costs the same with one session as with eight."""
    client.force_login(learner_enrolment.user)
    counts = []
    for sessions in (1, 8):
        course, _lessons = make_course_tree(modules=2, lessons=1)
        module = course.get_children().specific().first()
        enrolment = enrol(learner_enrolment.user, course)
        for _n in range(sessions):
            session = make_live_session(module)
            mark_attendance(session, enrolment, "present")
        client.get(course.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(course.url)
        assert response.content.decode().count(f'href="{LINK}"') == sessions
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _parse(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_public_course_calendar_has_no_online_links(client, course, module):
    """The course feed lists the sessions with place and time but no link."""
    session = make_live_session(module, place_en="Zoom (Trondheim)")
    response = client.get(f"/en/courses/{course.pk}/sessions.ics")
    assert LINK not in response.content.decode()
    [event] = _parse(response).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Online session"
    assert str(event["LOCATION"]) == "Zoom (Trondheim)"
    assert event.decoded("DTSTART") == session.start
    assert str(event["UID"]).startswith(f"live-session-{session.pk}@")


def test_learner_feed_has_own_sessions_with_links(client, course, module):
    """The learner's feed parses and holds only their own course's and group's
    sessions, with online links."""
    cohort = make_cohort(course)
    enrolment = enrol(make_user(), course, cohort=cohort)
    mine = make_live_session(module, title="Mana sesija")
    make_live_session(module, title="Citas grupas sesija", cohort=make_cohort(course))
    other_course, _lessons = make_course_tree(modules=1, lessons=1)
    make_live_session(
        other_course.get_children().specific().first(), title="Cits kurss"
    )
    token = CalendarToken.for_user(enrolment.user)
    response = client.get(f"/lv/calendar/{token.key}.ics")
    events = _parse(response).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Mana sesija"]
    assert LINK in str(events[0]["DESCRIPTION"])
    assert str(events[0]["URL"]).endswith(course.url)
    assert str(events[0]["UID"]).startswith(f"live-session-{mine.pk}@")


def test_calendar_addresses_are_the_configured_ones(client, course, module, settings):
    """With the site at http://127.0.0.1:8100, the dashboard's feed address and
    each feed's event links and ids use it, not the host the request came by."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    enrolment = enrol(make_user(), course)
    session = make_live_session(module)
    client.force_login(enrolment.user)
    html = client.get("/lv/my/").content.decode()
    key = CalendarToken.objects.get(user=enrolment.user).key
    assert f"http://127.0.0.1:8100/lv/calendar/{key}.ics" in html
    for feed in (f"/lv/calendar/{key}.ics", f"/en/courses/{course.pk}/sessions.ics"):
        [event] = _parse(client.get(feed)).walk("VEVENT")
        assert str(event["URL"]) == "http://127.0.0.1:8100" + course.url
        assert str(event["UID"]) == f"live-session-{session.pk}@127.0.0.1"


def test_learner_feed_with_a_wrong_token_is_404(client, learner_enrolment):
    """An unknown or reset feed key finds nothing."""
    token = CalendarToken.for_user(learner_enrolment.user)
    old = token.key
    assert client.get(f"/lv/calendar/{old}.ics").status_code == 200
    assert client.get(f"/lv/calendar/{old}x.ics").status_code == 404
    client.force_login(learner_enrolment.user)
    client.post("/lv/my/calendar/reset/")
    assert client.get(f"/lv/calendar/{old}.ics").status_code == 404


def test_dashboard_shows_the_calendar_link(client, learner_enrolment, module):
    """A learner whose course meets live finds the feed URL to copy on the
    dashboard."""
    make_live_session(module)
    client.force_login(learner_enrolment.user)
    html = client.get("/lv/my/").content.decode()
    key = CalendarToken.objects.get(user=learner_enrolment.user).key
    assert f"/lv/calendar/{key}.ics" in html


def test_dashboard_offers_no_calendar_without_live_sessions(
    client, learner_enrolment, module
):
    """The calendar link appears once the learner's course has a live session."""
    client.force_login(learner_enrolment.user)
    assert "calendar-feed" not in client.get("/lv/my/").content.decode()
    make_live_session(module)
    assert "calendar-feed" in client.get("/lv/my/").content.decode()


def test_dashboard_shows_the_new_link_after_a_reset(client, learner_enrolment, module):
    """Making a new link replaces the one on the dashboard at once."""
    make_live_session(module)
    client.force_login(learner_enrolment.user)
    client.get("/lv/my/")
    old = CalendarToken.objects.get(user=learner_enrolment.user).key
    client.post("/lv/my/calendar/reset/")
    new = CalendarToken.objects.get(user=learner_enrolment.user).key
    html = client.get("/lv/my/").content.decode()
    assert f"/lv/calendar/{new}.ics" in html
    assert old not in html
