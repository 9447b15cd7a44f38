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


def test_module_summaries_stay_right_under_concurrent_completion_and_recount():
    """Lessons viewed and completed in every module at once, while the recount
    command runs: each module's stored summary equals a count of the lesson rows."""
    from django.core.management import call_command

    from courses.models import ModuleSummary
    from courses.progress.completion import learner_progress
    from courses.progress.outline import course_outline
    from courses.progress.recording import record_lesson_viewed
    from courses.progress.summaries import module_counts

    course, lessons = make_course_tree(modules=4, lessons=5)
    enrolment = enrol(make_user(), course)
    jobs = [
        (lambda lesson=lesson: record_lesson_completed(enrolment, lesson))
        for lesson in lessons[::2]
    ]
    jobs += [
        (lambda lesson=lesson: record_lesson_viewed(enrolment, lesson))
        for lesson in lessons[1::2]
    ]
    jobs += [lambda: call_command("recount_progress", verbosity=0) for _ in range(3)]
    run_in_threads(jobs)
    flags = {
        key: done is not None
        for key, done in LessonProgress.objects.filter(enrolment=enrolment).values_list(
            "lesson_key", "completed_at"
        )
    }
    assert len(flags) == 20 and sum(flags.values()) == 10
    complete = learner_progress(enrolment).complete_modules
    expected = {
        key: (counts.started, counts.done, counts.complete)
        for key, counts in module_counts(
            course_outline(course), flags, complete
        ).items()
    }
    assert len(expected) == 4
    assert {
        key: (started, done, complete)
        for key, started, done, complete in ModuleSummary.objects.filter(
            enrolment=enrolment
        ).values_list("module_key", "lessons_started", "lessons_done", "complete")
    } == expected
