from decimal import Decimal

import pytest

from courses.enrolment.enrolling import enrol, withdraw
from courses.models import Enrolment, LessonPage, LessonProgress
from courses.progress.recording import (
    ProgressError,
    record_lesson_completed,
    record_lesson_viewed,
)
from courses.signals import course_completed
from tests.factories import (
    make_course,
    make_course_tree,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver)
    yield received
    course_completed.disconnect(receiver)


def test_completing_a_lesson_updates_the_summary():
    """Each completed lesson updates items done, percent, next lesson and activity."""
    course, lessons = make_course_tree(modules=2, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.completed_items, stored.total_items, stored.percent) == (1, 4, 25)
    assert stored.next_lesson_id == lessons[1].pk
    assert stored.last_activity_at is not None
    assert stored.hours_earned == 0


def test_module_hours_are_earned_when_the_module_is_done():
    """Finishing every lesson of a module earns its academic hours."""
    course, lessons = make_course_tree(modules=2, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    record_lesson_completed(enrolment, lessons[1])
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(12)


def test_recording_twice_makes_one_row():
    """A double click or a retried request leaves one progress row."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    first = LessonProgress.objects.get().completed_at
    record_lesson_completed(enrolment, lessons[0])
    assert LessonProgress.objects.count() == 1
    assert LessonProgress.objects.get().completed_at == first
    assert Enrolment.objects.get(pk=enrolment.pk).completed_items == 1


def test_completion_is_immediate_and_announced_after_commit(
    completions, django_capture_on_commit_callbacks
):
    """The last lesson completes the course at once; the signal waits for commit."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        record_lesson_completed(enrolment, lessons[1])
        assert completions == []
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    assert stored.completed_at is not None
    assert stored.percent == 100
    assert completions == [enrolment.pk]
    with django_capture_on_commit_callbacks(execute=True):
        record_lesson_completed(enrolment, lessons[1])
    assert completions == [enrolment.pk]


def test_lesson_of_another_course_is_refused():
    """A lesson outside the learner's course is not recorded."""
    course, _ = make_course_tree(modules=1, lessons=1)
    _, other_lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(), course)
    with pytest.raises(ProgressError, match="not part of your course"):
        record_lesson_completed(enrolment, other_lessons[0])
    assert not LessonProgress.objects.exists()


def test_unpublished_lesson_is_refused():
    """A lesson taken offline cannot be completed."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    lessons[0].unpublish()
    lessons[0].refresh_from_db()
    with pytest.raises(ProgressError, match="not published"):
        record_lesson_completed(enrolment, lessons[0])
    assert not LessonProgress.objects.exists()


def test_withdrawn_learner_cannot_record():
    """After withdrawal, no new progress is recorded."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = withdraw(enrol(make_user(), course))
    with pytest.raises(ProgressError, match="withdrawn"):
        record_lesson_completed(enrolment, lessons[0])


def test_view_rule_completes_on_first_view():
    """A "done on first view" lesson is completed by opening it; others only noted."""
    course = make_course()
    module = make_module(course)
    reading = make_lesson(module, completion_rule=LessonPage.CompletionRule.VIEW)
    task = make_lesson(module)
    enrolment = enrol(make_user(), course)
    assert record_lesson_viewed(enrolment, reading).completed_at is not None
    assert record_lesson_viewed(enrolment, task).completed_at is None
    assert Enrolment.objects.get(pk=enrolment.pk).completed_items == 1


def test_sequential_course_opens_modules_in_order():
    """In sequential mode a module's lessons wait until the previous module is done."""
    course, lessons = make_course_tree(modules=2, lessons=1, sequential=True)
    enrolment = enrol(make_user(), course)
    with pytest.raises(ProgressError, match="previous module"):
        record_lesson_completed(enrolment, lessons[1])
    record_lesson_completed(enrolment, lessons[0])
    record_lesson_completed(enrolment, lessons[1])
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED


def test_publishing_a_lesson_recounts_summaries(django_capture_on_commit_callbacks):
    """A newly published lesson lowers the percent of every learner at once."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        make_lesson(lessons[0].get_parent().specific)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.completed_items, stored.total_items, stored.percent) == (1, 3, 33)


def test_unpublishing_the_last_open_lesson_completes_the_course(
    completions, django_capture_on_commit_callbacks
):
    """When the only lesson left is unpublished, the learner's course is complete."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    record_lesson_completed(enrolment, lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        lessons[1].unpublish()
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    assert completions == [enrolment.pk]


def test_optional_lessons_do_not_hold_back_completion():
    """A course completes when its required lessons are done; optional ones are extra."""
    course = make_course()
    module = make_module(course)
    required = make_lesson(module)
    make_lesson(module, optional=True)
    enrolment = enrol(make_user(), course)
    assert enrolment.total_items == 1
    record_lesson_completed(enrolment, required)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == Enrolment.Status.COMPLETED
    assert stored.hours_earned == module.hours
