"""Attendance at live sessions: the register staff take (hours, limits, the
cohort's sessions, one post for everyone in the admin) and the learner's
check-in with the session's code in its window."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from courses.dates import print_date
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import (
    AttendanceError,
    attended_hours,
    check_in,
    mark_attendance,
)
from courses.models import Attendance, LiveSession
from tests.factories import (
    grant,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_live_session,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_register_records_partial_hours_and_moves_activity(module, learner_enrolment):
    """Staff mark a learner present for 1.5 of 2 hours; the enrolment notes activity."""
    session = make_live_session(module, hours=Decimal(2))
    assert learner_enrolment.last_activity_at is None
    staff = make_user()
    attendance = mark_attendance(
        session, learner_enrolment, "present", hours=Decimal("1.5"), actor=staff
    )
    assert (attendance.status, attendance.hours) == ("present", Decimal("1.5"))
    assert attendance.source == Attendance.Source.REGISTER
    assert attendance.marked_by == staff
    learner_enrolment.refresh_from_db()
    assert learner_enrolment.last_activity_at is not None
    assert attended_hours(learner_enrolment) == Decimal("1.5")


def test_register_defaults_and_limits_hours(module, learner_enrolment):
    """Present defaults to the session's hours, absent to none; more is refused."""
    session = make_live_session(module, hours=Decimal(3))
    assert mark_attendance(session, learner_enrolment, "present").hours == 3
    assert mark_attendance(session, learner_enrolment, "excused").hours == 0
    with pytest.raises(AttendanceError, match="between 0"):
        mark_attendance(session, learner_enrolment, "present", hours=Decimal(4))
    with pytest.raises(AttendanceError, match="Only a present learner"):
        mark_attendance(session, learner_enrolment, "absent", hours=Decimal(1))
    assert Attendance.objects.get().status == "excused"


def test_check_in_with_the_right_code_in_the_window_counts_once(
    module, learner_enrolment
):
    """The right code, typed loosely, during the session checks the learner in once."""
    session = make_live_session(module, check_in_code="AB3CD4")
    during = session.start + timedelta(minutes=10)
    first = check_in(session, learner_enrolment, " ab3-cd4 ", at=during)
    again = check_in(session, learner_enrolment, "AB3CD4", at=during)
    assert first.pk == again.pk
    assert Attendance.objects.count() == 1
    assert (first.status, first.hours, first.source) == (
        "present",
        Decimal(2),
        Attendance.Source.CHECK_IN,
    )
    assert attended_hours(learner_enrolment) == Decimal(2)


def test_wrong_early_and_late_codes_record_nothing(module, learner_enrolment):
    """A wrong code, or the right one before or after the window, is refused."""
    session = make_live_session(module, check_in_code="AB3CD4")
    with pytest.raises(AttendanceError, match="not correct"):
        check_in(session, learner_enrolment, "ZZZZZZ", at=session.start)
    with pytest.raises(AttendanceError, match="opens at"):
        check_in(
            session,
            learner_enrolment,
            "AB3CD4",
            at=session.start - timedelta(minutes=16),
        )
    opens = timezone.localtime(session.check_in_opens_at)
    with (
        translation.override("lv"),
        pytest.raises(AttendanceError) as refused,
    ):
        check_in(
            session,
            learner_enrolment,
            "AB3CD4",
            at=session.start - timedelta(minutes=16),
        )
    # In a sentence, the locative: "… 3. decembrī plkst. 9:45", not "decembris".
    assert str(refused.value.args[0]) == (
        f"Atzīmēties varēs {print_date(opens, 'lv')} plkst. {opens:%H:%M}."
    )
    with pytest.raises(AttendanceError, match="closed"):
        check_in(
            session,
            learner_enrolment,
            "AB3CD4",
            at=session.end + timedelta(minutes=31),
        )
    assert not Attendance.objects.exists()
    learner_enrolment.refresh_from_db()
    assert learner_enrolment.last_activity_at is None


def test_check_in_code_is_generated_and_can_be_renewed(module):
    """A new session gets a six-character code without look-alike letters."""
    session = make_live_session(module)
    assert len(session.check_in_code) == 6
    assert not set(session.check_in_code) & set("0O1IL")
    old = session.check_in_code
    for _attempt in range(3):
        if session.regenerate_check_in_code() != old:
            break
    session.refresh_from_db()
    assert session.check_in_code != old


def test_attended_and_session_hours_follow_the_cohort(course, module):
    """Hours sum present attendance only; session hours count the cohort's sessions."""
    cohort, other = make_cohort(course), make_cohort(course)
    enrolment = enrol(make_user(), course, cohort=cohort)
    for_all = make_live_session(module, hours=Decimal(4))
    own = make_live_session(module, hours=Decimal(2), cohort=cohort)
    make_live_session(module, hours=Decimal(8), cohort=other)
    absent = make_live_session(module, hours=Decimal(1))
    mark_attendance(for_all, enrolment, "present", hours=Decimal("3.5"))
    mark_attendance(own, enrolment, "present")
    mark_attendance(absent, enrolment, "absent")
    assert attended_hours(enrolment) == Decimal("5.5")
    sessions = LiveSession.objects.for_course(course)
    assert sessions.for_cohort(cohort.pk).hours() == Decimal(7)
    assert sessions.for_cohort(None).hours() == Decimal(5)


def test_other_cohorts_session_is_refused(course, module, learner_enrolment):
    """A learner cannot be marked at a session of another cohort."""
    session = make_live_session(module, cohort=make_cohort(course))
    with pytest.raises(AttendanceError, match="not part of"):
        mark_attendance(session, learner_enrolment, "present")


def _register_url(session: LiveSession) -> str:
    return f"/admin/snippets/courses/livesession/register/{session.pk}/"


def test_staff_take_the_register_in_one_post(client, course, module):
    """Those who take attendance see the course's learners and save everyone's
    attendance at once."""
    first = enrol(make_user(first_name="Anna", last_name="Bērziņa"), course)
    second = enrol(make_user(first_name="Pēteris", last_name="Ozols"), course)
    session = make_live_session(module, hours=Decimal(4))
    staff = grant(make_user(), "wagtailadmin.access_admin", "courses.take_attendance")
    # A Latvian admin, where hours are typed with a decimal comma.
    UserProfile.objects.update_or_create(
        user=staff, defaults={"preferred_language": "lv"}
    )
    client.force_login(staff)
    html = client.get(_register_url(session)).content.decode()
    assert "Anna Bērziņa" in html
    assert "Pēteris Ozols" in html
    assert session.check_in_code in html
    response = client.post(
        _register_url(session),
        {
            f"status-{first.pk}": "present",
            f"hours-{first.pk}": "2,5",
            f"status-{second.pk}": "excused",
            f"hours-{second.pk}": "",
        },
    )
    assert response.status_code == 302
    rows = {a.enrolment_id: a for a in Attendance.objects.all()}
    assert (rows[first.pk].status, rows[first.pk].hours) == ("present", Decimal("2.5"))
    assert (rows[second.pk].status, rows[second.pk].hours) == ("excused", 0)
    html = client.get(_register_url(session)).content.decode()
    assert 'value="2,5"' in html


def test_register_with_too_many_hours_saves_nothing(client, course, module):
    """More hours than the session has is refused for the whole register."""
    first = enrol(make_user(), course)
    second = enrol(make_user(), course)
    session = make_live_session(module, hours=Decimal(2))
    client.force_login(make_user(is_superuser=True))
    response = client.post(
        _register_url(session),
        {
            f"status-{first.pk}": "present",
            f"status-{second.pk}": "present",
            f"hours-{second.pk}": "5",
        },
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_staff_of_another_course_cannot_open_the_register(client, module):
    """A course team cannot see or change another course's sessions."""
    session = make_live_session(module)
    other_course, _lessons = make_course_tree(modules=1, lessons=1)
    own_session = make_live_session(
        other_course.get_children().specific().first(), title="Mūsu sesija"
    )
    client.force_login(make_course_editor(other_course))
    response = client.get(_register_url(session), follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert session.check_in_code not in response.content.decode()
    response = client.post(
        f"/admin/snippets/courses/livesession/regenerate-code/{session.pk}/"
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    old_code = session.check_in_code
    session.refresh_from_db()
    assert session.check_in_code == old_code
    edit = client.get(f"/admin/snippets/courses/livesession/edit/{session.pk}/")
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")
    listing = client.get("/admin/snippets/courses/livesession/").content.decode()
    assert "Mūsu sesija" in listing
    assert session.title not in listing
    # Registers are for those who take attendance, not for a course's authors.
    assert _register_url(own_session) not in listing


def test_staff_add_a_session_for_their_own_course_only(client, course, module):
    """The add form offers the staff member's modules and saves a session with a code."""
    other_course, _lessons = make_course_tree(modules=1, lessons=1)
    other_module = other_course.get_children().specific().first()
    client.force_login(make_course_editor(course))
    add_url = "/admin/snippets/courses/livesession/add/"
    html = client.get(add_url).content.decode()
    assert f'value="{module.pk}"' in html
    assert f'value="{other_module.pk}"' not in html
    data = {
        "module": module.pk,
        "title": "Noslēguma seminārs",
        "start": "2026-12-01 14:00",
        "end": "2026-12-01 16:00",
        "mode": "hybrid",
        "hours": "2",
        "check_in_opens_minutes": "15",
        "check_in_closes_minutes": "30",
    }
    response = client.post(add_url, {**data, "module": other_module.pk})
    assert response.status_code == 200
    assert not LiveSession.objects.exists()
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session = LiveSession.objects.get()
    assert session.course_key == course.translation_key
    assert len(session.check_in_code) == 6
