"""Per-module summaries: kept where progress is recorded, rebuilt by the recount
command, and what the module matrix and funnel count."""

import io

import pytest
from django.core.management import CommandError, call_command

from courses.assignments.submissions import review_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import LessonProgress, ModuleSummary
from courses.progress.recording import (
    record_lesson_completed,
    record_lesson_viewed,
    refresh_summary,
)
from courses.progress.summaries import recount_module_summaries
from tests.courses.assessment_factories import make_assignment
from tests.factories import make_course_tree, make_lesson, make_user

pytestmark = pytest.mark.django_db


def stored(enrolment) -> dict:
    """(started, done, complete) per module key, as the database holds them."""
    return {
        key: (started, done, complete)
        for key, started, done, complete in ModuleSummary.objects.filter(
            enrolment=enrolment
        ).values_list("module_key", "lessons_started", "lessons_done", "complete")
    }


def module_keys(lessons, per_module: int) -> list:
    return [lesson.get_parent().translation_key for lesson in lessons[::per_module]]


def test_recording_keeps_a_row_per_module_begun():
    """Opening a lesson begins its module; completing every lesson of a module
    completes it; a module not begun has no row."""
    course, lessons = make_course_tree(modules=3, lessons=2)
    first, second, third = module_keys(lessons, 2)
    enrolment = enrol(make_user(), course)
    assert stored(enrolment) == {}
    record_lesson_viewed(enrolment, lessons[2])
    assert stored(enrolment) == {second: (1, 0, False)}
    record_lesson_completed(enrolment, lessons[0])
    record_lesson_completed(enrolment, lessons[1])
    record_lesson_completed(enrolment, lessons[2])
    assert stored(enrolment) == {first: (2, 2, True), second: (1, 1, False)}
    assert third not in stored(enrolment)


def test_a_lesson_added_to_a_done_module_is_counted_after_the_recount():
    """The structure-change recount (run when a lesson is published) takes the
    new lesson into the module's summary."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolment = enrol(make_user(), course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    (key,) = module_keys(lessons, 2)
    assert stored(enrolment) == {key: (2, 2, True)}
    make_lesson(lessons[0].get_parent().specific)
    refresh_summary(enrolment)
    assert stored(enrolment) == {key: (2, 2, False)}


def test_the_recount_command_rebuilds_what_recording_kept():
    """Rows deleted or wrong, or progress loaded past the recording, come out as
    recording them one by one would have left them."""
    course, lessons = make_course_tree(modules=2, lessons=2)
    first, second = module_keys(lessons, 2)
    learners = [enrol(make_user(), course) for _ in range(3)]
    record_lesson_completed(learners[0], lessons[0])
    record_lesson_completed(learners[0], lessons[1])
    record_lesson_viewed(learners[1], lessons[3])
    expected = {e.pk: stored(e) for e in learners}
    ModuleSummary.objects.filter(enrolment=learners[0]).update(lessons_done=0)
    ModuleSummary.objects.filter(enrolment=learners[1]).delete()
    LessonProgress.objects.create(
        enrolment=learners[2], lesson_key=lessons[2].translation_key
    )
    out = io.StringIO()
    call_command("recount_progress", f"--course={course.pk}", stdout=out)
    assert "3 enrolments recounted" in out.getvalue()
    assert {e.pk: stored(e) for e in learners} == {
        **expected,
        learners[2].pk: {second: (1, 0, False)},
    }
    assert expected[learners[0].pk] == {first: (2, 2, True)}


@pytest.mark.parametrize(
    ("course", "message"),
    [("abc", "must be a page id"), ("999999", "no course with id 999999")],
)
def test_the_recount_command_explains_bad_input(course, message):
    with pytest.raises(CommandError, match=message):
        call_command("recount_progress", f"--course={course}", stdout=io.StringIO())


def test_the_backfill_counts_a_module_complete_only_when_its_assignment_is_accepted():
    """The bulk recount (the upgrade's backfill) applies the learners' rule: a
    module whose lessons are done while its assignment awaits review is not
    complete; accepted, it is."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    assignment = make_assignment(lessons[0].get_parent().specific)
    enrolment = enrol(make_user(), course)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    submission = submit_assignment(enrolment, assignment, text="Mana stunda")
    (key,) = module_keys(lessons, 2)
    ModuleSummary.objects.all().delete()
    assert recount_module_summaries([enrolment.pk]) == 1
    assert stored(enrolment) == {key: (2, 2, False)}
    review_submission(submission, make_user(is_staff=True), "accepted")
    assert stored(enrolment) == {key: (2, 2, True)}
    ModuleSummary.objects.all().delete()
    recount_module_summaries([enrolment.pk])
    assert stored(enrolment) == {key: (2, 2, True)}
