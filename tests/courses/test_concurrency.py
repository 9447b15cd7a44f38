"""Progress under concurrent requests (PostgreSQL: real row locks)."""

from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, LessonProgress
from courses.progress.recording import record_lesson_completed
from tests.concurrency import needs_row_locks, run_in_threads
from tests.factories import make_course_tree, make_user

pytestmark = needs_row_locks


def test_twenty_threads_completing_the_same_lesson_leave_one_row():
    """Twenty simultaneous completions of one lesson make one row and a right summary."""
    course, lessons = make_course_tree(modules=2, lessons=2)
    enrolment = enrol(make_user(), course)
    run_in_threads(
        [lambda: record_lesson_completed(enrolment, lessons[0]) for _ in range(20)]
    )
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.completed_items, stored.total_items, stored.percent) == (1, 4, 25)


def test_twenty_threads_completing_different_lessons_lose_no_update():
    """Twenty lessons completed at once: the summary equals a recount."""
    course, lessons = make_course_tree(modules=4, lessons=5)
    enrolment = enrol(make_user(), course)
    run_in_threads(
        [
            (lambda lesson=lesson: record_lesson_completed(enrolment, lesson))
            for lesson in lessons
        ]
    )
    stored = Enrolment.objects.get(pk=enrolment.pk)
    recount = LessonProgress.objects.filter(
        enrolment=enrolment, completed_at__isnull=False
    ).count()
    assert recount == 20
    assert stored.completed_items == recount
    assert stored.percent == 100
    assert stored.status == Enrolment.Status.COMPLETED
    assert stored.hours_earned == 48
