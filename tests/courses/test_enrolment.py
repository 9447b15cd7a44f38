from datetime import timedelta

import pytest
from django.utils import timezone

from courses.enrolment.enrolling import EnrolmentError, enrol, self_enrol, withdraw
from courses.models import Enrolment, EnrolmentEvent
from courses.progress.recording import record_lesson_completed
from tests.factories import make_cohort, make_course_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_and_lessons():
    return make_course_tree(modules=2, lessons=2)


def test_self_enrol_into_open_course(course_and_lessons):
    """A teacher enrols in an open course and starts with an empty summary."""
    course, lessons = course_and_lessons
    enrolment = self_enrol(make_user(), course)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert (enrolment.completed_items, enrolment.total_items) == (0, 4)
    assert enrolment.next_lesson_id == lessons[0].pk
    assert list(enrolment.events.values_list("kind", flat=True)) == ["enrolled"]


def test_enrolling_twice_is_refused(course_and_lessons):
    """The second enrolment attempt says so and leaves one enrolment."""
    course, _ = course_and_lessons
    user = make_user()
    self_enrol(user, course)
    with pytest.raises(EnrolmentError, match="already enrolled"):
        self_enrol(user, course)
    assert Enrolment.objects.filter(user=user).count() == 1


def test_wrong_key_is_refused(course_and_lessons):
    """A wrong cohort key is refused and nothing is recorded."""
    course, _ = course_and_lessons
    make_cohort(course, enrolment_key="STEM-2026")
    with pytest.raises(EnrolmentError, match="key is not correct"):
        self_enrol(make_user(), course, key="stem-2025")
    with pytest.raises(EnrolmentError, match="needs an enrolment key"):
        self_enrol(make_user(), course)
    assert not Enrolment.objects.exists()


def test_right_key_joins_its_cohort(course_and_lessons):
    """The key decides the cohort the learner joins."""
    course, _ = course_and_lessons
    make_cohort(course, name="Rīga", enrolment_key="RIGA")
    daugavpils = make_cohort(course, name="Daugavpils", enrolment_key="DAUGAVPILS")
    enrolment = self_enrol(make_user(), course, key=" DAUGAVPILS ")
    assert enrolment.cohort == daugavpils


def test_full_cohort_is_refused(course_and_lessons):
    """Once a cohort reaches its capacity the next learner is told it is full."""
    course, _ = course_and_lessons
    make_cohort(course, name="Mazā grupa", enrolment_key="K", capacity=1)
    self_enrol(make_user(), course, key="K")
    with pytest.raises(EnrolmentError, match="is full"):
        self_enrol(make_user(), course, key="K")
    assert Enrolment.objects.count() == 1


def test_closed_window_is_refused(course_and_lessons):
    """Outside the cohort's enrolment window, enrolment is refused."""
    course, _ = course_and_lessons
    make_cohort(
        course,
        name="Pavasaris",
        enrolment_key="K",
        enrolment_closes_at=timezone.now() - timedelta(days=1),
    )
    make_cohort(
        course,
        name="Rudens",
        enrolment_key="L",
        enrolment_opens_at=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(EnrolmentError, match="closed"):
        self_enrol(make_user(), course, key="K")
    with pytest.raises(EnrolmentError, match="closed"):
        self_enrol(make_user(), course, key="L")
    assert not Enrolment.objects.exists()


def test_course_without_self_enrolment_refuses(course_and_lessons):
    """A course run only by staff enrolment refuses self-enrolment clearly."""
    course, _ = course_and_lessons
    course.self_enrolment = False
    course.save()
    with pytest.raises(EnrolmentError, match="does not accept self-enrolment"):
        self_enrol(make_user(), course)


def test_withdraw_and_re_enrol_keep_history_and_progress(course_and_lessons):
    """Withdrawing keeps progress; re-enrolling brings it back, the history kept."""
    course, lessons = course_and_lessons
    user = make_user()
    enrolment = self_enrol(user, course)
    record_lesson_completed(enrolment, lessons[0])
    withdraw(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    again = self_enrol(user, course)
    assert again.pk == enrolment.pk
    assert again.status == Enrolment.Status.ACTIVE
    assert again.completed_items == 1
    assert list(
        EnrolmentEvent.objects.filter(enrolment=again).values_list("kind", flat=True)
    ) == ["enrolled", "withdrawn", "reenrolled"]


def test_staff_enrol_into_cohort(course_and_lessons):
    """Staff enrol a learner into a cohort; the event records who did it."""
    course, _ = course_and_lessons
    cohort = make_cohort(course)
    staff = make_user(is_staff=True)
    enrolment = enrol(make_user(), course, cohort=cohort, actor=staff)
    assert enrolment.cohort == cohort
    assert enrolment.events.get().actor == staff


def test_key_field_is_offered_whenever_a_cohort_has_a_key(client):
    """The course page asks for a key when any cohort has one: required when every
    cohort has one, optional when an open cohort takes learners without one."""
    course, _ = make_course_tree(modules=1, lessons=1)
    client.force_login(make_user())
    assert 'name="key"' not in client.get(course.url).content.decode()
    make_cohort(course, name="Cycle 1")
    make_cohort(course, name="Daugavpils", enrolment_key="STEM-DAUGAVPILS")
    html = client.get(course.url).content.decode()
    assert 'name="key" autocomplete' in html  # shown, not required
    assert 'name="key" required' not in html
    course.cohorts.filter(enrolment_key="").delete()
    assert 'name="key" required' in client.get(course.url).content.decode()


def test_key_routes_into_its_cohort_and_no_key_into_the_open_one():
    """With an open cohort and a keyed one, the key holder lands in the keyed
    cohort (whatever the letter case) and a learner without a key in the open
    one."""
    course, _ = make_course_tree(modules=1, lessons=1)
    open_cohort = make_cohort(course, name="1. cikls")
    keyed = make_cohort(
        course, name="Daugavpils skolas", enrolment_key="STEM-DAUGAVPILS"
    )
    assert self_enrol(make_user(), course, key="stem-daugavpils ").cohort == keyed
    assert self_enrol(make_user(), course).cohort == open_cohort
    with pytest.raises(EnrolmentError, match="key is not correct"):
        self_enrol(make_user(), course, key="STEM-RIGA")
    assert Enrolment.objects.count() == 2


def test_closed_open_cohort_refuses_learners_without_a_key():
    """When the only cohort without a key is closed, a learner without a key is
    told so instead of slipping into the course outside any cohort."""
    course, _ = make_course_tree(modules=1, lessons=1)
    make_cohort(
        course,
        name="1. cikls",
        enrolment_closes_at=timezone.now() - timedelta(days=1),
    )
    make_cohort(course, name="Daugavpils", enrolment_key="STEM-DAUGAVPILS")
    with pytest.raises(EnrolmentError, match="is closed"):
        self_enrol(make_user(), course)
    assert not Enrolment.objects.exists()
