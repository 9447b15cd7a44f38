"""The one place that records learning and decides completion.

Every learning event goes through here: one idempotent write of the event, then, in
the same transaction and under a lock on the enrolment row, the enrolment's stored
summary is brought up to date from that learner's records. When the enrolment turns
completed, :data:`courses.signals.course_completed` is sent after commit.
"""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.integrations.events import Event, emit, enrolment_data
from courses.lti.passback import ModuleScores, queue_score
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentEvent,
    LessonPage,
    LessonProgress,
)
from courses.progress.completion import CourseProgress, course_progress
from courses.progress.outline import CourseOutline, course_outline
from courses.progress.rule import (
    complete_modules,
    gather_evidence,
    module_assignment_keys,
)
from courses.progress.summaries import store_module_summaries
from courses.signals import course_completed


class ProgressError(Exception):
    """A learning event that cannot be recorded; the message is for the learner."""


def find_enrolment(
    user, course: CoursePage, *, with_cohort: bool = True
) -> Enrolment | None:
    """The learner's enrolment in any language version of ``course``, with its
    cohort unless ``with_cohort`` is false (lesson pages do not show it)."""
    if not user.is_authenticated:
        return None
    enrolments = Enrolment.objects.all()
    if with_cohort:
        enrolments = enrolments.select_related("cohort")
    try:
        # get() runs without ORDER BY, which Django compiles faster.
        enrolment = enrolments.get(user=user, course_key=course.translation_key)
    except Enrolment.DoesNotExist:
        return None
    if enrolment.course_id == course.pk:
        enrolment.course = course
    return enrolment


def course_of_lesson(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def record_lesson_viewed(enrolment: Enrolment, lesson: LessonPage) -> LessonProgress:
    """Note the first view of a lesson and return its progress row; a lesson whose
    rule is "done on first view" is completed."""
    progress = LessonProgress.objects.filter(
        enrolment=enrolment, lesson_key=lesson.translation_key
    ).first()
    if progress is not None and (
        progress.completed_at
        or lesson.completion_rule != LessonPage.CompletionRule.VIEW
    ):
        return progress
    if lesson.completion_rule == LessonPage.CompletionRule.VIEW:
        return record_lesson_completed(enrolment, lesson, LessonProgress.Source.VIEW)
    with transaction.atomic():
        # Under the enrolment's lock, as every write of its summaries: the
        # module now counts as begun.
        locked = _lock(enrolment)
        progress, created = LessonProgress.objects.get_or_create(
            enrolment=locked, lesson_key=lesson.translation_key
        )
        if created:
            outline = course_outline(locked.course)
            flags = lesson_flags(locked)
            done = {key for key, completed in flags.items() if completed}
            # A view completes nothing, but the module's new row states whether
            # it is complete, as every row does (one of optional lessons is).
            complete = complete_modules(
                outline,
                gather_evidence(locked, done),
                module_assignment_keys(outline),
            )
            store_module_summaries(locked, outline, flags, complete)
    return progress


def record_lesson_completed(
    enrolment: Enrolment,
    lesson: LessonPage,
    source: str = LessonProgress.Source.MARK,
) -> LessonProgress:
    """Record that the learner completed ``lesson``; safe to call any number of times.

    Raises :class:`ProgressError` when the enrolment is withdrawn, or the lesson is
    not live, not in the course, or in a module that is not open yet.
    """
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ProgressError(_("You have withdrawn from this course."))
    if not lesson.live:
        raise ProgressError(_("This lesson is not published."))
    with transaction.atomic():
        locked = _lock(enrolment)
        outline = course_outline(locked.course)
        flags = lesson_flags(locked)
        done = {key for key, completed in flags.items() if completed}
        module = outline.module_of(lesson.translation_key)
        if module is None:
            raise ProgressError(_("This lesson is not part of your course."))
        if module.path not in outline.open_modules(done, locked.course.sequential):
            raise ProgressError(_("Complete the previous module first."))
        now = timezone.now()
        progress, created = LessonProgress.objects.get_or_create(
            enrolment=locked,
            lesson_key=lesson.translation_key,
            defaults={"first_viewed_at": now, "completed_at": now, "source": source},
        )
        newly_done = created
        if not created and progress.completed_at is None:
            progress.completed_at = now
            progress.source = source
            progress.save(update_fields=["completed_at", "source"])
            newly_done = True
        if newly_done:
            emit(
                Event.LESSON_COMPLETED,
                {
                    **enrolment_data(locked),
                    "lesson": lesson.pk,
                    "lesson_key": lesson.translation_key,
                    "completed_at": progress.completed_at,
                    "source": source,
                },
                key=f"lesson.completed:{progress.pk}",
            )
        done.add(lesson.translation_key)
        flags[lesson.translation_key] = True
        account = _apply_summary(locked, outline, done, now)
        store_module_summaries(locked, outline, flags, account.complete_modules)
    _copy_summary(locked, enrolment)
    return progress


def _lock(enrolment: Enrolment) -> Enrolment:
    """The enrolment, re-read under a row lock: every event of one enrolment waits
    for the one before it, so two events cannot overwrite each other's summary."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "cohort")
        .get(pk=enrolment.pk)
    )


def _copy_summary(source: Enrolment, target: Enrolment) -> None:
    """Hand the fresh summary to the caller's instance without another query."""
    for name in SUMMARY_FIELDS:
        setattr(target, name, getattr(source, name))


SUMMARY_FIELDS = (
    "status",
    "completed_at",
    "completed_items",
    "total_items",
    "percent",
    "requirements_done",
    "requirements_total",
    "hours_earned",
    "attended_hours",
    "last_activity_at",
    "next_lesson_id",
)


def lesson_flags(enrolment: Enrolment) -> dict[uuid.UUID, bool]:
    """Whether each lesson the learner has opened is done, by lesson key."""
    meta = LessonProgress._meta
    quote = connection.ops.quote_name
    # Plain SQL: every lesson page reads this, and compiling the ORM query would
    # take longer than running it.
    sql = "SELECT {key}, {completed} IS NOT NULL FROM {table} WHERE {enrolment} = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(
                key=quote(meta.get_field("lesson_key").column),
                completed=quote(meta.get_field("completed_at").column),
                table=quote(meta.db_table),
                enrolment=quote(meta.get_field("enrolment").column),
            ),
            [enrolment.pk],
        )
        # SQLite hands back UUIDs as hex text, PostgreSQL as UUIDs.
        return {
            key if isinstance(key, uuid.UUID) else uuid.UUID(key): bool(done)
            for key, done in cursor.fetchall()
        }


def refresh_summary(enrolment: Enrolment, activity: bool = False) -> Enrolment:
    """Recount one enrolment's summary, e.g. after lessons were (un)published;
    ``activity`` notes the learner's activity now (e.g. a graded quiz attempt)."""
    with transaction.atomic():
        locked = _lock(enrolment)
        outline = course_outline(locked.course)
        now = timezone.now() if activity else None
        flags = lesson_flags(locked)
        done = {key for key, completed in flags.items() if completed}
        account = _apply_summary(locked, outline, done, now)
        store_module_summaries(locked, outline, flags, account.complete_modules)
    _copy_summary(locked, enrolment)
    return locked


def _apply_summary(
    enrolment: Enrolment,
    outline: CourseOutline,
    done: set[uuid.UUID],
    activity_at: timezone.datetime | None,
) -> CourseProgress:
    """Write the enrolment's stored summary from its records, and return the
    account it was written from."""
    before = (enrolment.percent, enrolment.status)
    counts_before = _counts(enrolment)
    evidence = gather_evidence(enrolment, done)
    progress = course_progress(enrolment, outline, evidence)
    checklist = progress.checklist
    keys = outline.lesson_keys
    enrolment.total_items = progress.lessons_total
    enrolment.completed_items = progress.lessons_done
    enrolment.percent = progress.percent
    enrolment.requirements_done = progress.requirements_done
    enrolment.requirements_total = progress.requirements_total
    # Kept as completed: its certificate states these hours (course_progress).
    enrolment.hours_earned = progress.hours_earned
    enrolment.attended_hours = evidence.attended_hours
    next_key = next((key for key in keys if key not in done), None)
    enrolment.next_lesson_id = outline.lesson_ids.get(next_key) if next_key else None
    fields = [
        "total_items",
        "completed_items",
        "percent",
        "requirements_done",
        "requirements_total",
        "hours_earned",
        "attended_hours",
        "next_lesson",
    ]
    if activity_at is not None:
        enrolment.last_activity_at = activity_at
        fields.append("last_activity_at")
    if (
        enrolment.status == Enrolment.Status.ACTIVE
        and any(requirement.needed for requirement in checklist)
        and all(requirement.met for requirement in checklist)
    ):
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = activity_at or timezone.now()
        fields += ["status", "completed_at"]
        EnrolmentEvent.objects.create(
            enrolment=enrolment, kind=EnrolmentEvent.Kind.COMPLETED
        )
        emit(
            Event.COURSE_COMPLETED,
            {
                **enrolment_data(enrolment),
                "completed_at": enrolment.completed_at,
                "hours_earned": enrolment.hours_earned,
            },
            key=f"course.completed:{enrolment.pk}",
        )
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrolment, enrolment=enrolment)
        )
    enrolment.save(update_fields=fields)
    course_changed = (enrolment.percent, enrolment.status) != before
    if course_changed or _counts(enrolment) != counts_before:
        # Platforms that launched the course or one of its modules get the new
        # score (an outbox row): a module's moves with these counts even when
        # the course's percent does not.
        queue_score(
            enrolment,
            course_changed=course_changed,
            modules=ModuleScores(outline, done, progress.complete_modules),
        )
    return progress


def _counts(enrolment: Enrolment) -> tuple:
    """What moves when a lesson is done or published, or a module completes: a
    module's score may change only with one of these (an optional lesson done
    out of order moves none, and its module's score waits for the next)."""
    return (
        enrolment.next_lesson_id,
        enrolment.completed_items,
        enrolment.total_items,
        enrolment.requirements_done,
        enrolment.hours_earned,
    )
